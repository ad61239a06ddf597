// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiChatProtocol.h"

#include <algorithm>
#include <limits>

#include "JsonFields.h"

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;

// OpenAI's own API rejects `max_tokens` on reasoning models and documents
// `max_completion_tokens` as its replacement; most compatible servers know only the old name.
bool prefersMaxCompletionTokens(const QUrl &baseUrl)
{
    const QString host = baseUrl.host().toLower();
    return host == QLatin1String("api.openai.com");
}

TokenUsage usageFrom(const json &usage)
{
    TokenUsage result;
    result.inputTokens = Json::integer(usage, "prompt_tokens").value_or(-1);
    result.outputTokens = Json::integer(usage, "completion_tokens").value_or(-1);
    if (const auto *details = Json::member(usage, "prompt_tokens_details"))
        result.cachedInputTokens = Json::integer(*details, "cached_tokens").value_or(-1);
    if (const auto *details = Json::member(usage, "completion_tokens_details"))
        result.reasoningTokens = Json::integer(*details, "reasoning_tokens").value_or(-1);
    return result;
}

// llama.cpp's server sends token counts in `timings`, and some of its builds and forks send no
// `usage` beside them. prompt_n counts only the prompt tokens it evaluated; those it reused from
// its KV cache are cache_n, so the whole prompt, as every provider counts input, is their sum.
// The durations in `timings` are not kept: ChatCall times the answer itself.
TokenUsage usageFromTimings(const json &timings)
{
    TokenUsage result;
    const qint64 cached = Json::integer(timings, "cache_n").value_or(-1);
    if (cached >= 0)
        result.cachedInputTokens = cached;
    if (const qint64 evaluated = Json::integer(timings, "prompt_n").value_or(-1); evaluated >= 0) {
        // Outside input: counts at the top of the range must not overflow.
        const qint64 reused = std::max<qint64>(cached, 0);
        result.inputTokens = evaluated <= std::numeric_limits<qint64>::max() - reused
                                 ? evaluated + reused
                                 : std::numeric_limits<qint64>::max();
    }
    if (const qint64 predicted = Json::integer(timings, "predicted_n").value_or(-1); predicted >= 0)
        result.outputTokens = predicted;
    return result;
}

// The usage of one chunk or whole answer: OpenAI's `usage`, else llama.cpp's `timings`.
void appendUsage(const json &payload, QList<StreamEvent> &out)
{
    if (const auto *usage = Json::member(payload, "usage"); usage && usage->is_object()) {
        out.append(StreamEvent::usageReport(usageFrom(*usage)));
    } else if (const auto *timings = Json::member(payload, "timings"); timings && timings->is_object()) {
        if (const TokenUsage counted = usageFromTimings(*timings); !counted.isEmpty())
            out.append(StreamEvent::usageReport(counted));
    }
}

// One error object as "message [code]"; the type stands in for a code that is missing or not a
// word (llama.cpp's code is the HTTP status, a number).
QString errorText(const json &error)
{
    if (error.is_string())
        return QString::fromStdString(error.get<std::string>());
    QString message = Json::string(error, "message").value_or(QStringLiteral("unspecified error"));
    const QString type =
        Json::string(error, "code").value_or(Json::string(error, "type").value_or(QString()));
    if (!type.isEmpty())
        message += QStringLiteral(" [") + type + QLatin1Char(']');
    return message;
}

// An error payload in any of the shapes compatible servers send after HTTP 200:
// {"error": {...}}, {"error": "text"} or vLLM's older flat {"object": "error", "message": ...}.
std::optional<QString> errorMessageIn(const json &payload)
{
    const json *error = Json::member(payload, "error");
    if (!error && Json::string(payload, "object") == QStringLiteral("error"))
        error = &payload;
    if (!error || error->is_null())
        return std::nullopt;
    return errorText(*error);
}

// llama.cpp's server reports a failure during a stream on a line of its own instead of in a data
// event: `error: {"code": 500, "message": …, "type": "server_error"}`, a field the SSE standard
// ignores. Text that is not JSON is kept as the message.
Lathe::Error serverErrorField(const Http::SseField &field)
{
    const json payload = json::parse(field.value.toStdString(), nullptr, false);
    QString message =
        payload.is_discarded() ? field.value.trimmed() : errorMessageIn(payload).value_or(errorText(payload));
    if (message.isEmpty())
        message = QStringLiteral("unspecified error");
    return Lathe::Error{ErrorCode::Provider, message, Wire::streamWhere(field.byteOffset), 0};
}

void appendToolCalls(const json &toolCalls, QList<StreamEvent> &out)
{
    if (!toolCalls.is_array())
        return;
    int position = 0;
    for (const json &call : toolCalls) {
        ToolCallDelta delta;
        // Streamed fragments carry their call's index; whole calls (non-streamed) do not.
        delta.index = static_cast<int>(Json::integer(call, "index").value_or(position));
        delta.id = Json::string(call, "id").value_or(QString());
        if (const auto *function = Json::member(call, "function")) {
            delta.name = Json::string(*function, "name").value_or(QString());
            delta.argumentsFragment = Json::string(*function, "arguments").value_or(QString());
        }
        out.append(StreamEvent::toolCallDelta(std::move(delta)));
        ++position;
    }
}

// Reads one choice object, streamed (`delta`) or whole (`message`), into events.
// Returns whether it carried a finish_reason.
bool appendChoice(const json &choice, const char *contentKey, QList<StreamEvent> &out)
{
    if (const auto *content = Json::member(choice, contentKey)) {
        // Reasoning servers (vLLM, llama.cpp, DeepSeek) send `reasoning_content`; Ollama's /v1
        // and OpenRouter send `reasoning`. Neither is part of OpenAI's own API.
        for (const char *key : {"reasoning_content", "reasoning"}) {
            if (auto text = Json::string(*content, key); text && !text->isEmpty())
                out.append(StreamEvent::reasoningDelta(std::move(*text)));
        }
        if (auto text = Json::string(*content, "content"); text && !text->isEmpty())
            out.append(StreamEvent::textDelta(std::move(*text)));
        // With structured output, a safety refusal comes in `refusal` instead of `content`.
        // Lathe has no refusal event, so it is shown as the answer's text, as the Responses
        // decoder does: hiding it would leave an empty answer with no explanation.
        if (auto refusal = Json::string(*content, "refusal"); refusal && !refusal->isEmpty())
            out.append(StreamEvent::textDelta(std::move(*refusal)));
        if (const auto *toolCalls = Json::member(*content, "tool_calls"))
            appendToolCalls(*toolCalls, out);
    }
    if (auto reason = Json::string(choice, "finish_reason")) {
        out.append(StreamEvent::finish(std::move(*reason)));
        return true;
    }
    return false;
}

// Only the first choice is read: Lathe never asks for n > 1.
const json *firstChoice(const json &payload)
{
    const auto *choices = Json::member(payload, "choices");
    if (!choices || !choices->is_array())
        return nullptr;
    for (const json &choice : *choices) {
        if (Json::integer(choice, "index").value_or(0) == 0)
            return &choice;
    }
    return nullptr;
}

class StreamingDecoder final : public SseResponseDecoder
{
public:
    StreamingDecoder()
        : SseResponseDecoder({QByteArrayLiteral("error")})
    {}

    bool isComplete() const override { return m_done || m_finished; }

private:
    void handleEvent(const Http::SseEvent &event, QList<StreamEvent> &out) override
    {
        for (const Http::SseField &field : event.extraFields)
            out.append(StreamEvent::failure(serverErrorField(field)));
        if (!event.extraFields.isEmpty() && event.data.isEmpty())
            return; // llama.cpp's error line alone: no data to read
        if (event.data == QLatin1String("[DONE]")) {
            m_done = true;
            return;
        }
        const auto payload = Wire::parseStreamEvent(event, out);
        if (!payload)
            return;
        if (auto message = errorMessageIn(*payload)) {
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Provider, *message, Wire::streamWhere(event.byteOffset), 0}));
            return;
        }
        if (const json *choice = firstChoice(*payload))
            m_finished = appendChoice(*choice, "delta", out) || m_finished;
        appendUsage(*payload, out);
    }

    bool m_done = false;     // `data: [DONE]` arrived
    bool m_finished = false; // a finish_reason arrived
};

bool readWholeBody(const json &payload, QList<StreamEvent> &out)
{
    if (auto message = errorMessageIn(payload)) {
        out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Provider, *message, {}, 0}));
        return false;
    }
    const json *choice = firstChoice(payload);
    if (!choice) {
        out.append(StreamEvent::failure(Lathe::Error{
            ErrorCode::Protocol, QStringLiteral("response has no choices"), QStringLiteral("choices"), 0}));
        return false;
    }
    appendChoice(*choice, "message", out);
    appendUsage(payload, out);
    return true;
}

} // namespace

OutgoingRequest OpenAiChatProtocol::buildRequest(const ProviderEndpoint &endpoint,
                                                 const ChatRequest &request) const
{
    json messages = json::array();
    for (const auto &message : request.messages)
        messages.push_back(
            {{"role", message.role.toStdString()}, {"content", message.content.toStdString()}});

    json body = {{"model", request.model.toStdString()}, {"messages", std::move(messages)}};
    if (request.stream) {
        body["stream"] = true;
        body["stream_options"] = {{"include_usage", true}};
    }
    if (request.temperature)
        body["temperature"] = *request.temperature;
    if (request.maxOutputTokens) {
        const char *key =
            prefersMaxCompletionTokens(endpoint.baseUrl) ? "max_completion_tokens" : "max_tokens";
        body[key] = *request.maxOutputTokens;
    }

    if (!request.tools.isEmpty()) {
        json tools = json::array();
        for (const ToolDefinition &tool : request.tools) {
            json function = {{"name", tool.name.toStdString()}, {"parameters", Wire::toolParameters(tool)}};
            if (!tool.description.isEmpty())
                function["description"] = tool.description.toStdString();
            tools.push_back({{"type", "function"}, {"function", std::move(function)}});
        }
        body["tools"] = std::move(tools);
    }

    // Ordered from here on, so that the schema keeps the caller's property order (protocols.md §4).
    nlohmann::ordered_json wire = body;
    if (const auto &format = request.responseFormat) {
        wire["response_format"] = {{"type", "json_schema"},
                                   {"json_schema",
                                    {{"name", format->name.toStdString()},
                                     {"schema", Wire::responseSchema(*format)},
                                     {"strict", format->strict}}}};
    }

    OutgoingRequest outgoing;
    outgoing.url = Wire::appendPath(endpoint.baseUrl, QStringLiteral("/chat/completions"));
    outgoing.headers.emplaceBack("Content-Type", "application/json");
    outgoing.headers.emplaceBack("Accept", request.stream ? "text/event-stream" : "application/json");
    Wire::addAuthHeader(endpoint, "Authorization", outgoing);
    Wire::addExtraHeaders(endpoint, outgoing);
    outgoing.body = Wire::dumpJson(wire);
    return outgoing;
}

std::unique_ptr<ResponseDecoder> OpenAiChatProtocol::createDecoder(const ChatRequest &request) const
{
    if (request.stream)
        return std::make_unique<StreamingDecoder>();
    return Wire::wholeBodyDecoder(readWholeBody);
}

} // namespace Lathe::Providers
