// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnthropicProtocol.h"

#include <algorithm>
#include <limits>

#include <QHash>

#include "JsonFields.h"

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;
using ordered = nlohmann::ordered_json;

// Anthropic has no response format: a structured answer is asked for as the input of a tool the
// model must call, and its decoder turns that call back into text.
constexpr auto kAnswerToolDescription = "Respond with the answer, as this tool's input.";

// The name of the tool whose input is the answer, or empty when the request asks for none.
QString answerToolOf(const ChatRequest &request)
{
    return request.responseFormat ? request.responseFormat->name : QString();
}

// A count as Anthropic reports it: a non-negative integer, else unknown (-1).
qint64 countIn(const json &usage, const char *key)
{
    const qint64 value = Json::integer(usage, key).value_or(-1);
    return value >= 0 ? value : -1;
}

/**
 * The usage reported so far. Anthropic reports input and cache counts in message_start and
 * running totals in message_delta (ANT-DOC streaming: the counts in message_delta are
 * cumulative); a report may leave fields out, so each field keeps its last reported value, as
 * the SDK's accumulate_event (ANT-PY lib/streaming/_messages.py) does.
 */
class UsageTotals
{
public:
    void update(const json &usage)
    {
        for (auto [key, field] :
             {std::pair{"input_tokens", &m_input}, std::pair{"cache_read_input_tokens", &m_cacheRead},
              std::pair{"cache_creation_input_tokens", &m_cacheCreation},
              std::pair{"output_tokens", &m_output}}) {
            if (const qint64 value = countIn(usage, key); value >= 0)
                *field = value;
        }
    }

    TokenUsage totals() const
    {
        TokenUsage usage;
        // Anthropic's input_tokens leaves out the tokens read from or written to the prompt
        // cache (ANT-PY types/usage.py documents the three as separate counts); every other
        // provider counts them as input, so the sum is what compares across providers.
        if (m_input >= 0)
            usage.inputTokens =
                m_input + std::max<qint64>(m_cacheRead, 0) + std::max<qint64>(m_cacheCreation, 0);
        usage.outputTokens = m_output;
        usage.cachedInputTokens = m_cacheRead;
        usage.cacheWriteInputTokens = m_cacheCreation;
        // Thinking tokens are billed as output tokens and not reported apart.
        return usage;
    }

private:
    qint64 m_input = -1;
    qint64 m_cacheRead = -1;
    qint64 m_cacheCreation = -1;
    qint64 m_output = -1;
};

// An error payload {"type": "error", "error": {"type": …, "message": …}} (ANT-PY ErrorResponse)
// as an error written as errorFromHttpResponse() writes it, "message [type]", with the type as
// the provider code (overloaded_error is worth a retry, invalid_request_error is not).
Lathe::Error providerError(const json &payload, const QString &where)
{
    const json *error = Json::member(payload, "error");
    if (error && error->is_string())
        return Lathe::Error(ErrorCode::Provider, QString::fromStdString(error->get<std::string>()), where);
    QString message = (error ? Json::string(*error, "message") : std::nullopt)
                          .value_or(QStringLiteral("unspecified error"));
    const QString type = error ? Json::string(*error, "type").value_or(QString()) : QString();
    if (!type.isEmpty())
        message += QStringLiteral(" [") + type + QLatin1Char(']');
    return Lathe::Error(ErrorCode::Provider, message, where, 0, type);
}

bool isErrorPayload(const json &payload)
{
    return Json::string(payload, "type") == QStringLiteral("error");
}

// A content block's index as an int, or -1 when it is missing or out of range.
int blockIndexIn(const json &payload)
{
    const auto index = Json::integer(payload, "index");
    if (!index || *index < 0 || *index > std::numeric_limits<int>::max())
        return -1;
    return static_cast<int>(*index);
}

ToolCallDelta toolCallStart(int index, const json &block)
{
    ToolCallDelta delta;
    delta.index = index;
    delta.id = Json::string(block, "id").value_or(QString());
    delta.name = Json::string(block, "name").value_or(QString());
    return delta;
}

class StreamingDecoder final : public SseResponseDecoder
{
public:
    explicit StreamingDecoder(QString answerTool)
        : m_answerTool(std::move(answerTool))
    {}

    // Only message_stop ends an answer: a stream cut after message_delta is still truncated.
    bool isComplete() const override { return m_complete; }

private:
    struct Block
    {
        QString type;
        bool hasArguments = false; // a tool_use block received a non-empty input fragment
        bool isAnswer = false;     // the call of the answer tool: its input is the answer's text
    };

    void handleEvent(const Http::SseEvent &event, QList<StreamEvent> &out) override
    {
        const QString where = Wire::streamWhere(event.byteOffset);
        // Some proxies answer an overload with `event: error` and plain text; keep its words.
        if (event.type == QLatin1String("error") && !json::accept(event.data.toStdString())) {
            out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Provider, event.data, where, 0}));
            return;
        }
        const auto payload = Wire::parseStreamEvent(event, out);
        if (!payload)
            return;
        try {
            dispatch(event, *payload, where, out);
        } catch (const json::exception &e) {
            // Json:: reads are type-checked, so this is a safety net, not a path we expect.
            out.append(StreamEvent::failure(Lathe::Error{
                ErrorCode::Protocol,
                QStringLiteral("unreadable stream event: ") + QString::fromUtf8(e.what()), where, 0}));
        }
    }

    void dispatch(const Http::SseEvent &event, const json &payload, const QString &where,
                  QList<StreamEvent> &out)
    {
        // The event name always equals the payload's type (ANT-DOC streaming); the type is read
        // first so that a gateway that drops `event:` lines still works.
        const QString type = Json::string(payload, "type").value_or(event.type);
        if (isErrorPayload(payload) || event.type == QLatin1String("error")) {
            out.append(StreamEvent::failure(providerError(payload, where)));
        } else if (type == QLatin1String("message_start")) {
            if (const json *message = Json::member(payload, "message")) {
                if (const json *usage = Json::member(*message, "usage"); usage && usage->is_object()) {
                    m_usage.update(*usage);
                    out.append(StreamEvent::usageReport(m_usage.totals()));
                }
            }
        } else if (type == QLatin1String("content_block_start")) {
            blockStarted(blockIndexIn(payload), payload, out);
        } else if (type == QLatin1String("content_block_delta")) {
            blockDelta(blockIndexIn(payload), payload, out);
        } else if (type == QLatin1String("content_block_stop")) {
            blockStopped(blockIndexIn(payload), out);
        } else if (type == QLatin1String("message_delta")) {
            if (const json *delta = Json::member(payload, "delta")) {
                if (auto reason = Json::string(*delta, "stop_reason"))
                    out.append(StreamEvent::finish(std::move(*reason)));
            }
            if (const json *usage = Json::member(payload, "usage"); usage && usage->is_object()) {
                m_usage.update(*usage);
                out.append(StreamEvent::usageReport(m_usage.totals()));
            }
        } else if (type == QLatin1String("message_stop")) {
            m_complete = true;
        }
        // `ping` and event types added after this was written are ignored, as the docs ask.
    }

    void blockStarted(int index, const json &payload, QList<StreamEvent> &out)
    {
        const json *block = Json::member(payload, "content_block");
        if (!block)
            return;
        const QString type = Json::string(*block, "type").value_or(QString());
        const bool isAnswer = type == QLatin1String("tool_use") && !m_answerTool.isEmpty() &&
                              Json::string(*block, "name") == m_answerTool;
        if (index >= 0)
            m_blocks.insert(index, Block{type, false, isAnswer});
        if (isAnswer)
            return; // its input arrives as text, and it is no call for the client
        // The start carries the block's opening state, empty in every stream seen so far; the
        // SDK's accumulator starts from it, so a non-empty one is part of the answer.
        if (type == QLatin1String("text")) {
            if (auto text = Json::string(*block, "text"); text && !text->isEmpty())
                out.append(StreamEvent::textDelta(std::move(*text)));
        } else if (type == QLatin1String("thinking")) {
            if (auto text = Json::string(*block, "thinking"); text && !text->isEmpty())
                out.append(StreamEvent::reasoningDelta(std::move(*text)));
        } else if (type == QLatin1String("tool_use") && index >= 0) {
            // The tool call's index is the block's: ChatCall assembles fragments by index, and
            // a text block before the call simply leaves index 0 unused.
            out.append(StreamEvent::toolCallDelta(toolCallStart(index, *block)));
        }
    }

    void blockDelta(int index, const json &payload, QList<StreamEvent> &out)
    {
        const json *delta = Json::member(payload, "delta");
        if (!delta)
            return;
        const QString type = Json::string(*delta, "type").value_or(QString());
        if (type == QLatin1String("text_delta")) {
            if (auto text = Json::string(*delta, "text"); text && !text->isEmpty())
                out.append(StreamEvent::textDelta(std::move(*text)));
        } else if (type == QLatin1String("thinking_delta")) {
            if (auto text = Json::string(*delta, "thinking"); text && !text->isEmpty())
                out.append(StreamEvent::reasoningDelta(std::move(*text)));
        } else if (type == QLatin1String("input_json_delta") && index >= 0) {
            // server_tool_use blocks (web search, code execution) stream their input the same
            // way, but Anthropic runs those tools itself: they are not calls for the client.
            const auto block = m_blocks.find(index);
            if (block != m_blocks.end() && block->type != QLatin1String("tool_use"))
                return;
            auto fragment = Json::string(*delta, "partial_json");
            if (!fragment || fragment->isEmpty())
                return;
            if (block != m_blocks.end())
                block->hasArguments = true;
            if (block != m_blocks.end() && block->isAnswer) {
                out.append(StreamEvent::textDelta(std::move(*fragment)));
                return;
            }
            ToolCallDelta call;
            call.index = index;
            call.argumentsFragment = std::move(*fragment);
            out.append(StreamEvent::toolCallDelta(std::move(call)));
        }
        // signature_delta (kept only to send a thinking block back) and citations_delta carry
        // nothing Lathe shows.
    }

    void blockStopped(int index, QList<StreamEvent> &out)
    {
        const auto block = m_blocks.constFind(index);
        if (block == m_blocks.constEnd())
            return;
        // A call of a tool without arguments streams no (or only empty) input fragments; the
        // SDK reads that as the input {} (ANT-PY lib/streaming/_messages.py, accumulate_event), and so do we,
        // so the assembled arguments are always JSON as with other providers.
        if (block->type == QLatin1String("tool_use") && !block->hasArguments) {
            if (block->isAnswer) {
                out.append(StreamEvent::textDelta(QStringLiteral("{}")));
            } else {
                ToolCallDelta call;
                call.index = index;
                call.argumentsFragment = QStringLiteral("{}");
                out.append(StreamEvent::toolCallDelta(std::move(call)));
            }
        }
        m_blocks.erase(block);
    }

    QString m_answerTool;       // empty: the request asked for no structured answer
    QHash<int, Block> m_blocks; // open content blocks by index
    UsageTotals m_usage;
    bool m_complete = false; // message_stop arrived
};

// A tool_use block's input as text, in the member order the server sent; a missing input is {}.
QString inputText(const ordered &block)
{
    const auto input = block.is_object() ? block.find("input") : block.end();
    if (input == block.end() || input->is_null())
        return QStringLiteral("{}");
    return QString::fromUtf8(Wire::dumpJson(*input));
}

// Reads a whole Message (the non-streamed answer) into the events a stream would give.
// `orderedContent` is `content` as sent, for the tool inputs.
void appendMessage(const json &message, const json &content, const ordered &orderedContent,
                   const QString &answerTool, QList<StreamEvent> &out)
{
    int index = 0;
    for (const json &block : content) {
        const QString type = Json::string(block, "type").value_or(QString());
        const ordered &orderedBlock = orderedContent.at(static_cast<std::size_t>(index));
        if (type == QLatin1String("text")) {
            if (auto text = Json::string(block, "text"); text && !text->isEmpty())
                out.append(StreamEvent::textDelta(std::move(*text)));
        } else if (type == QLatin1String("thinking")) {
            if (auto text = Json::string(block, "thinking"); text && !text->isEmpty())
                out.append(StreamEvent::reasoningDelta(std::move(*text)));
        } else if (type == QLatin1String("tool_use") && !answerTool.isEmpty() &&
                   Json::string(block, "name") == answerTool) {
            out.append(StreamEvent::textDelta(inputText(orderedBlock)));
        } else if (type == QLatin1String("tool_use")) {
            ToolCallDelta call = toolCallStart(index, block);
            call.argumentsFragment = inputText(orderedBlock);
            out.append(StreamEvent::toolCallDelta(std::move(call)));
        }
        ++index;
    }
    if (auto reason = Json::string(message, "stop_reason"))
        out.append(StreamEvent::finish(std::move(*reason)));
    if (const json *usage = Json::member(message, "usage"); usage && usage->is_object()) {
        UsageTotals totals;
        totals.update(*usage);
        out.append(StreamEvent::usageReport(totals.totals()));
    }
}

// The body is parsed keeping its members in order, so that tool inputs (and a structured answer)
// become text in the order the server wrote them; everything else is read through the Json::
// helpers, which take nlohmann::json.
bool readWholeBody(const ordered &body, const QString &answerTool, QList<StreamEvent> &out)
{
    const json payload = body;
    if (isErrorPayload(payload)) {
        out.append(StreamEvent::failure(providerError(payload, QString())));
        return false;
    }
    const json *content = Json::member(payload, "content");
    if (!content || !content->is_array()) {
        out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Protocol,
                                                     QStringLiteral("response has no content array"),
                                                     QStringLiteral("content"), 0}));
        return false;
    }
    try {
        appendMessage(payload, *content, body.at("content"), answerTool, out);
    } catch (const json::exception &e) {
        out.append(StreamEvent::failure(
            Lathe::Error{ErrorCode::Protocol,
                         QStringLiteral("unreadable response: ") + QString::fromUtf8(e.what()),
                         {},
                         0}));
        return false;
    }
    return true;
}

// Consecutive messages of one role become one turn: the API wants user and assistant turns to
// alternate. Each message stays a text block of its own, which is what the API itself does with
// consecutive turns (its Messages reference: they "will be combined into a single turn"; not in
// protocols.md), so no separator is invented. Empty blocks are left out because the API rejects them
// ("text content blocks must be non-empty").
json messagesJson(const QList<ChatMessage> &messages)
{
    struct Turn
    {
        QString role;
        QStringList texts;
    };
    QList<Turn> turns;
    for (const ChatMessage &message : messages) {
        if (message.role == QLatin1String("system"))
            continue;
        if (turns.isEmpty() || turns.back().role != message.role)
            turns.append(Turn{message.role, {}});
        turns.back().texts.append(message.content);
    }

    json result = json::array();
    for (const Turn &turn : turns) {
        json content;
        if (turn.texts.size() == 1) {
            content = turn.texts.front().toStdString();
        } else {
            content = json::array();
            for (const QString &text : turn.texts) {
                if (!text.isEmpty())
                    content.push_back({{"type", "text"}, {"text", text.toStdString()}});
            }
            // Only empty messages: send an empty string and let the API say what it thinks.
            if (content.empty())
                content = "";
        }
        result.push_back({{"role", turn.role.toStdString()}, {"content", std::move(content)}});
    }
    return result;
}

// Anthropic has no system role in `messages`: the system prompt is the top-level `system`.
QString systemPrompt(const QList<ChatMessage> &messages)
{
    QStringList parts;
    for (const ChatMessage &message : messages) {
        if (message.role == QLatin1String("system") && !message.content.isEmpty())
            parts.append(message.content);
    }
    return parts.join(QStringLiteral("\n\n"));
}

// What the model reads: model, system prompt, messages, tools and the tool choice. A Messages
// request adds its generation settings; a count_tokens request is exactly this (protocols.md §7).
ordered promptBody(const ChatRequest &request)
{
    json body = {{"model", request.model.toStdString()}};
    if (const QString system = systemPrompt(request.messages); !system.isEmpty())
        body["system"] = system.toStdString();
    body["messages"] = messagesJson(request.messages);

    if (!request.tools.isEmpty()) {
        json tools = json::array();
        for (const ToolDefinition &tool : request.tools) {
            json definition = {{"name", tool.name.toStdString()}};
            if (!tool.description.isEmpty())
                definition["description"] = tool.description.toStdString();
            definition["input_schema"] = Wire::toolParameters(tool);
            tools.push_back(std::move(definition));
        }
        body["tools"] = std::move(tools);
    }

    // Ordered from here on, so that the answer schema keeps the caller's property order.
    ordered prompt = body;
    if (const auto &format = request.responseFormat) {
        // The answer tool comes last and is forced, so the model answers by calling it; a forced
        // tool_use block carries no text before it (Anthropic's tool-use docs).
        if (!prompt.contains("tools"))
            prompt["tools"] = ordered::array();
        prompt["tools"].push_back({{"name", format->name.toStdString()},
                                   {"description", kAnswerToolDescription},
                                   {"input_schema", Wire::responseSchema(*format)}});
        prompt["tool_choice"] = {{"type", "tool"}, {"name", format->name.toStdString()}};
    }
    return prompt;
}

// A POST of `body` to `path` with the headers every Anthropic endpoint takes.
OutgoingRequest post(const ProviderEndpoint &endpoint, const QString &path, const QByteArray &accept,
                     const ordered &body)
{
    OutgoingRequest outgoing;
    outgoing.url = Wire::appendPath(endpoint.baseUrl, path);
    outgoing.headers.emplaceBack("Content-Type", "application/json");
    outgoing.headers.emplaceBack("Accept", accept);
    outgoing.headers.emplaceBack("anthropic-version", AnthropicProtocol::kApiVersion);
    // x-api-key for Anthropic's own keys; a gateway or OAuth token goes in Authorization as
    // "Bearer …" when the endpoint names that header (protocols.md §6).
    Wire::addAuthHeader(endpoint, "x-api-key", outgoing);
    Wire::addExtraHeaders(endpoint, outgoing);
    outgoing.body = Wire::dumpJson(body);
    return outgoing;
}

} // namespace

OutgoingRequest AnthropicProtocol::buildRequest(const ProviderEndpoint &endpoint,
                                                const ChatRequest &request) const
{
    ordered body = promptBody(request);
    // max_tokens is required by the Messages API (protocols.md §6) and there is no "as much as
    // the model allows" value. 4096 is the output limit of the smallest Claude models (the
    // Claude 3 family), so every model accepts it, and it is long enough for an ordinary
    // answer; set maxOutputTokens for more.
    body["max_tokens"] = request.maxOutputTokens.value_or(kDefaultMaxTokens);
    if (request.temperature)
        body["temperature"] = *request.temperature;
    if (request.stream)
        body["stream"] = true;
    return post(endpoint, QStringLiteral("/v1/messages"),
                request.stream ? "text/event-stream" : "application/json", body);
}

OutgoingRequest AnthropicProtocol::buildCountTokensRequest(const ProviderEndpoint &endpoint,
                                                           const ChatRequest &request) const
{
    return post(endpoint, QStringLiteral("/v1/messages/count_tokens"), "application/json",
                promptBody(request));
}

std::unique_ptr<ResponseDecoder> AnthropicProtocol::createDecoder(const ChatRequest &request) const
{
    if (request.stream)
        return std::make_unique<StreamingDecoder>(answerToolOf(request));
    return Wire::wholeBodyDecoder<ordered>(
        [answerTool = answerToolOf(request)](const ordered &body, QList<StreamEvent> &out) {
            return readWholeBody(body, answerTool, out);
        });
}

} // namespace Lathe::Providers
