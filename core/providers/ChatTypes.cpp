// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatTypes.h"

namespace Lathe::Providers
{

StreamEvent StreamEvent::textDelta(QString text)
{
    StreamEvent event;
    event.kind = Kind::TextDelta;
    event.text = std::move(text);
    return event;
}

StreamEvent StreamEvent::toolCallDelta(Providers::ToolCallDelta delta)
{
    StreamEvent event;
    event.kind = Kind::ToolCallDelta;
    event.toolCall = std::move(delta);
    return event;
}

StreamEvent StreamEvent::usageReport(TokenUsage usage)
{
    StreamEvent event;
    event.kind = Kind::Usage;
    event.usage = usage;
    return event;
}

StreamEvent StreamEvent::finish(QString reason)
{
    StreamEvent event;
    event.kind = Kind::Finish;
    event.finishReason = std::move(reason);
    return event;
}

StreamEvent StreamEvent::failure(Lathe::Error error)
{
    StreamEvent event;
    event.kind = Kind::Error;
    event.error = std::move(error);
    return event;
}

} // namespace Lathe::Providers
