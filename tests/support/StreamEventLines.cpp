// SPDX-License-Identifier: GPL-3.0-or-later
#include "StreamEventLines.h"

#include "VisibleText.h"

namespace Lathe::TestSupport::EventLines
{

using Kind = Providers::StreamEvent::Kind;

namespace
{

qsizetype uniqueOffset(const QByteArray &stream, const char *anchor)
{
    const qsizetype offset = stream.indexOf(anchor);
    if (offset < 0 || stream.indexOf(anchor, offset + 1) >= 0)
        qFatal("anchor \"%s\" must occur exactly once in the stream", anchor);
    return offset;
}

} // namespace

QString describe(const Providers::StreamEvent &event)
{
    switch (event.kind) {
    case Kind::TextDelta:
        return text(event.text);
    case Kind::ReasoningDelta:
        return reasoning(event.text);
    case Kind::ToolCallDelta:
        return QStringLiteral("tool:") + QString::number(event.toolCall.index) + QLatin1Char('|') +
               visibleText(event.toolCall.id) + QLatin1Char('|') + visibleText(event.toolCall.name) +
               QLatin1Char('|') + visibleText(event.toolCall.argumentsFragment);
    case Kind::Usage:
        return usage(event.usage.inputTokens, event.usage.outputTokens, event.usage.cachedInputTokens,
                     event.usage.reasoningTokens, event.usage.cacheWriteInputTokens);
    case Kind::Finish:
        return QStringLiteral("finish:") + visibleText(event.finishReason);
    case Kind::Error: {
        const qsizetype quote = event.error.message.indexOf(QLatin1String(": [json.exception."));
        return error(errorCodeName(event.error.code), event.error.where,
                     quote < 0 ? event.error.message : event.error.message.first(quote),
                     event.error.providerCode);
    }
    }
    return QStringLiteral("unknown event kind");
}

QStringList describeAll(const QList<Providers::StreamEvent> &events)
{
    QStringList lines;
    for (const Providers::StreamEvent &event : events)
        lines.append(describe(event));
    return lines;
}

QString text(const QString &delta)
{
    return QStringLiteral("text:") + visibleText(delta);
}

QString reasoning(const QString &delta)
{
    return QStringLiteral("reasoning:") + visibleText(delta);
}

QString finish(const QString &reason)
{
    return QStringLiteral("finish:") + visibleText(reason);
}

QString usage(qint64 input, qint64 output, qint64 cached, qint64 reasoningTokens, qint64 cacheWrite)
{
    const QString line =
        QStringLiteral("usage:%1/%2/%3/%4").arg(input).arg(output).arg(cached).arg(reasoningTokens);
    // Only Anthropic reports cache writes; the suffix keeps every other protocol's lines short.
    return cacheWrite < 0 ? line : line + QStringLiteral(" write:%1").arg(cacheWrite);
}

QString tool(int index, const QString &id, const QString &name, const QString &arguments)
{
    return QStringLiteral("tool:") + QString::number(index) + QLatin1Char('|') + visibleText(id) +
           QLatin1Char('|') + visibleText(name) + QLatin1Char('|') + visibleText(arguments);
}

QString error(const QString &code, const QString &where, const QString &message, const QString &providerCode)
{
    QString line =
        QStringLiteral("error:") + code + QLatin1Char('@') + where + QLatin1Char('|') + visibleText(message);
    if (!providerCode.isEmpty())
        line += QLatin1Char('#') + providerCode;
    return line;
}

QString providerError(const QString &where, const QString &message, const QString &providerCode)
{
    return error(QStringLiteral("provider"), where, message, providerCode);
}

QString protocolError(const QString &where, const QString &message)
{
    return error(QStringLiteral("protocol"), where, message);
}

QString streamByteOf(const QByteArray &stream, const char *anchor, qsizetype past)
{
    return QStringLiteral("stream byte %1").arg(uniqueOffset(stream, anchor) + past);
}

QString eventByteOf(const QByteArray &stream, const char *anchor)
{
    const qsizetype blankLine = stream.lastIndexOf("\n\n", uniqueOffset(stream, anchor));
    return QStringLiteral("stream byte %1").arg(blankLine < 0 ? 0 : blankLine + 2);
}

} // namespace Lathe::TestSupport::EventLines
