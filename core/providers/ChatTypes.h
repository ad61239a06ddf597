// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayList>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "base/Error.h"

namespace Lathe::Providers
{

/** Which wire protocol an endpoint speaks. */
enum class WireProtocol
{
    OpenAiChat,      ///< OpenAI-compatible Chat Completions (`POST {base}/chat/completions`)
    OpenAiResponses, ///< OpenAI Responses API (`POST {base}/responses`)
    Anthropic,       ///< Anthropic Messages API (`POST {base}/v1/messages`)
    Gemini,          ///< Google Gemini API (`POST {base}/v1beta/models/{model}:generateContent`)
    Ollama,          ///< Ollama's native chat API (`POST {base}/api/chat`, NDJSON streams)
};

/** The name users type for a wire protocol: "openai", "openai-responses", "anthropic", … */
QString wireProtocolName(WireProtocol protocol);
std::optional<WireProtocol> wireProtocolFromName(const QString &name);
QStringList wireProtocolNames();
/** The API root of the protocol's own service, as its official SDK takes it. */
QUrl defaultBaseUrl(WireProtocol protocol);
/** The environment variable that conventionally holds the service's API key. */
QString defaultApiKeyVariable(WireProtocol protocol);

/** Where a request goes. The key is held only in memory and never logged or stored. */
struct ProviderEndpoint
{
    WireProtocol protocol = WireProtocol::OpenAiChat;
    QUrl baseUrl;   ///< the API root as the provider's official SDK takes it (see README.md)
    QString apiKey; ///< empty: send no credentials (local servers, the simulator)
    /// The header that carries the key; empty: the protocol's own (Authorization: Bearer for
    /// OpenAI, x-api-key for Anthropic, x-goog-api-key for Gemini). "Authorization" sends
    /// "Bearer KEY"; any other name sends the key as it is (Azure's `api-key`).
    QByteArray apiKeyHeader;
    QList<QPair<QByteArray, QByteArray>> extraHeaders; ///< e.g. anthropic-beta, OpenAI-Project
    int connectTimeoutMs = 10'000;                     ///< until the request has been sent
    int firstByteTimeoutMs = 120'000;                  ///< from the request sent to the response headers
    int idleTimeoutMs = 300'000;                       ///< the longest gap between two received bytes
    int totalTimeoutMs = 0; ///< the whole request; 0: no limit (long answers stream for minutes)

    /** What must never be shown or written: the key, and extra header values that are credentials. */
    QByteArrayList secrets() const;
};

struct ChatMessage
{
    QString role; ///< "system", "user", "assistant"
    QString content;
};

/** A function the model may call. */
struct ToolDefinition
{
    QString name;
    QString description;
    QByteArray parametersSchema; ///< JSON Schema of the arguments, as JSON text
};

/**
 * Structured output: the answer must be a JSON instance of `schema`. Each protocol asks for it
 * natively (OpenAI's json_schema response format, Gemini's responseJsonSchema, Ollama's format,
 * and for Anthropic a forced tool whose input is the answer, which its decoder turns back into
 * text), so the answer arrives as ordinary text on every provider.
 */
struct ResponseFormat
{
    QByteArray schema;                       ///< JSON Schema of the answer, as JSON text (an object)
    QString name = QStringLiteral("answer"); ///< 1-64 letters, digits, '_' or '-' (OpenAI's rule)
    bool strict = true;                      ///< OpenAI's strict mode; the other protocols have none
};

/** One chat request in provider-neutral form; adapters turn it into their wire format. */
struct ChatRequest
{
    QString model;
    QList<ChatMessage> messages; ///< each protocol places "system" messages where it wants them
    std::optional<double> temperature;
    std::optional<int> maxOutputTokens;
    QList<ToolDefinition> tools;
    std::optional<ResponseFormat> responseFormat; ///< set: the answer is JSON following its schema
    bool stream = true;
};

/**
 * Token counts as the provider reported them, in one convention across providers: input counts
 * every prompt token, cached ones included (Anthropic reports cache reads and writes apart from
 * input_tokens; its adapter adds them in), and output includes reasoning tokens. -1 where the
 * provider reported nothing.
 */
struct TokenUsage
{
    qint64 inputTokens = -1;
    qint64 outputTokens = -1;
    qint64 cachedInputTokens = -1;     ///< read from the prompt cache (part of inputTokens)
    qint64 cacheWriteInputTokens = -1; ///< written to the prompt cache (Anthropic; part of inputTokens)
    qint64 reasoningTokens = -1;       ///< part of outputTokens

    bool isEmpty() const { return inputTokens < 0 && outputTokens < 0; }
};

/** A whole tool call, assembled from its fragments. */
struct ToolCall
{
    QString id;
    QString name;
    QString arguments; ///< JSON text as the model wrote it; not guaranteed to parse
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
        ReasoningDelta, ///< visible reasoning ("thinking") text, kept apart from the answer
        ToolCallDelta,
        Usage,
        Finish,
        Error,
    };

    Kind kind = Kind::TextDelta;
    QString text;                      ///< TextDelta, ReasoningDelta
    Providers::ToolCallDelta toolCall; ///< ToolCallDelta
    TokenUsage usage;                  ///< Usage
    QString finishReason;              ///< Finish: the provider's own word ("stop", "length", ...)
    Lathe::Error error;                ///< Error

    static StreamEvent textDelta(QString text);
    static StreamEvent reasoningDelta(QString text);
    static StreamEvent toolCallDelta(Providers::ToolCallDelta delta);
    static StreamEvent usageReport(TokenUsage usage);
    static StreamEvent finish(QString reason);
    static StreamEvent failure(Lathe::Error error);
};

} // namespace Lathe::Providers

Q_DECLARE_METATYPE(Lathe::Providers::StreamEvent)
