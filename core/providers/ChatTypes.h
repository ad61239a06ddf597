// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QList>
#include <QMetaType>
#include <QString>
#include <QUrl>

#include "base/Error.h"

namespace Lathe::Providers
{

/** Which wire protocol an endpoint speaks. */
enum class WireProtocol
{
    OpenAiChat, ///< OpenAI-compatible Chat Completions (`POST {base}/chat/completions`)
};

/** Where a request goes. The key is held only in memory and never logged or stored. */
struct ProviderEndpoint
{
    WireProtocol protocol = WireProtocol::OpenAiChat;
    QUrl baseUrl;                ///< the API root including its version path, e.g. https://api.openai.com/v1
    QString apiKey;              ///< empty: send no credentials (local servers, the simulator)
    int idleTimeoutMs = 300'000; ///< abort when no byte arrives for this long
};

struct ChatMessage
{
    QString role; ///< "system", "user", "assistant"
    QString content;
};

/** One chat request in provider-neutral form; adapters turn it into their wire format. */
struct ChatRequest
{
    QString model;
    QList<ChatMessage> messages;
    std::optional<double> temperature;
    std::optional<int> maxOutputTokens;
    bool stream = true;
};

/** Token counts as the provider reported them; -1 where it reported nothing. */
struct TokenUsage
{
    qint64 inputTokens = -1;
    qint64 outputTokens = -1;
    qint64 cachedInputTokens = -1;
    qint64 reasoningTokens = -1;

    bool isEmpty() const { return inputTokens < 0 && outputTokens < 0; }
};

/** A fragment of one tool call; fragments with the same index belong to the same call. */
struct ToolCallDelta
{
    int index = 0;
    QString id;                ///< usually only on the first fragment
    QString name;              ///< usually only on the first fragment
    QString argumentsFragment; ///< a piece of the JSON arguments text, to be concatenated
};

/** One normalised event of a provider's answer, whatever the wire protocol. */
struct StreamEvent
{
    enum class Kind
    {
        TextDelta,
        ToolCallDelta,
        Usage,
        Finish,
        Error,
    };

    Kind kind = Kind::TextDelta;
    QString text;                      ///< TextDelta
    Providers::ToolCallDelta toolCall; ///< ToolCallDelta
    TokenUsage usage;                  ///< Usage
    QString finishReason;              ///< Finish: the provider's own word ("stop", "length", ...)
    Lathe::Error error;                ///< Error

    static StreamEvent textDelta(QString text);
    static StreamEvent toolCallDelta(Providers::ToolCallDelta delta);
    static StreamEvent usageReport(TokenUsage usage);
    static StreamEvent finish(QString reason);
    static StreamEvent failure(Lathe::Error error);
};

} // namespace Lathe::Providers

Q_DECLARE_METATYPE(Lathe::Providers::StreamEvent)
