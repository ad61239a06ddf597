// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatTypes.h"

#include "http/HttpHeaders.h"

namespace Lathe::Providers
{

QByteArrayList ProviderEndpoint::secrets() const
{
    QByteArrayList result;
    if (!apiKey.isEmpty())
        result.append(apiKey.toUtf8());
    for (const auto &[name, value] : extraHeaders) {
        if (Http::isCredentialHeader(name))
            result.append(value);
    }
    return result;
}

namespace
{

struct ProtocolFacts
{
    WireProtocol protocol;
    const char *name;
    const char *baseUrl;
    const char *keyVariable;
};

// One row per protocol. A new WireProtocol value fails to compile in factsOf() (-Wswitch)
// until it is listed there, as a reminder to add its row here.
constexpr ProtocolFacts kProtocols[] = {
    {WireProtocol::OpenAiChat, "openai", "https://api.openai.com/v1", "OPENAI_API_KEY"},
    {WireProtocol::OpenAiResponses, "openai-responses", "https://api.openai.com/v1", "OPENAI_API_KEY"},
    {WireProtocol::Anthropic, "anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY"},
    {WireProtocol::Gemini, "gemini", "https://generativelanguage.googleapis.com", "GEMINI_API_KEY"},
    {WireProtocol::Ollama, "ollama", "http://localhost:11434", "OLLAMA_API_KEY"},
};

const ProtocolFacts &factsOf(WireProtocol protocol)
{
    switch (protocol) {
    case WireProtocol::OpenAiChat:
    case WireProtocol::OpenAiResponses:
    case WireProtocol::Anthropic:
    case WireProtocol::Gemini:
    case WireProtocol::Ollama:
        break;
    }
    for (const ProtocolFacts &facts : kProtocols) {
        if (facts.protocol == protocol)
            return facts;
    }
    Q_UNREACHABLE();
}

} // namespace

QString wireProtocolName(WireProtocol protocol)
{
    return QString::fromLatin1(factsOf(protocol).name);
}

std::optional<WireProtocol> wireProtocolFromName(const QString &name)
{
    for (const ProtocolFacts &facts : kProtocols) {
        if (name == QLatin1String(facts.name))
            return facts.protocol;
    }
    return std::nullopt;
}

QStringList wireProtocolNames()
{
    QStringList names;
    for (const ProtocolFacts &facts : kProtocols)
        names.append(QString::fromLatin1(facts.name));
    return names;
}

QUrl defaultBaseUrl(WireProtocol protocol)
{
    return QUrl(QString::fromLatin1(factsOf(protocol).baseUrl));
}

QString defaultApiKeyVariable(WireProtocol protocol)
{
    return QString::fromLatin1(factsOf(protocol).keyVariable);
}

StreamEvent StreamEvent::textDelta(QString text)
{
    StreamEvent event;
    event.kind = Kind::TextDelta;
    event.text = std::move(text);
    return event;
}

StreamEvent StreamEvent::reasoningDelta(QString text)
{
    StreamEvent event;
    event.kind = Kind::ReasoningDelta;
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
