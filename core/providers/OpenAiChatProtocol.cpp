// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiChatProtocol.h"

#include <vector>

#include "JsonFields.h"
#include "http/SseParser.h"

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;

QString streamWhere(qint64 byteOffset)
{
    return QStringLiteral("stream byte %1").arg(byteOffset);
}

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

// An error payload in any of the shapes compatible servers send after HTTP 200:
// {"error": {...}}, {"error": "text"} or vLLM's older flat {"object": "error", "message": ...}.
std::optional<QString> errorMessageIn(const json &payload)
{
    const json *error = Json::member(payload, "error");
    if (!error && Json::string(payload, "object") == QStringLiteral("error"))
        error = &payload;
    if (!error || error->is_null())
        return std::nullopt;
    if (error->is_string())
        return QString::fromStdString(error->get<std::string>());
    QString message = Json::string(*error, "message").value_or(QStringLiteral("unspecified error"));
    const QString type =
        Json::string(*error, "code").value_or(Json::string(*error, "type").value_or(QString()));
    if (!type.isEmpty())
        message += QStringLiteral(" [") + type + QLatin1Char(']');
    return message;
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

class StreamingDecoder final : public ResponseDecoder
{
public:
    void feed(QByteArrayView bytes, QList<StreamEvent> &out) override
    {
        if (m_failed)
            return;
        std::vector<Http::SseEvent> events;
        const auto parsed = m_parser.feed(bytes, events);
        for (const auto &event : events)
            handle(event, out);
        if (!parsed) {
            m_failed = true;
            out.append(StreamEvent::failure(parsed.error()));
        }
    }

    void finish(QList<StreamEvent> &) override { m_parser.finish(); }

    bool isComplete() const override { return m_done || m_finished; }

private:
    void handle(const Http::SseEvent &event, QList<StreamEvent> &out)
    {
        if (event.data == QLatin1String("[DONE]")) {
            m_done = true;
            return;
        }
        json payload;
        try {
            payload = json::parse(event.data.toStdString());
        } catch (const json::parse_error &e) {
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Protocol,
                             QStringLiteral("malformed JSON in stream event: ") + QString::fromUtf8(e.what()),
                             streamWhere(event.byteOffset), 0}));
            return;
        }
        if (auto message = errorMessageIn(payload)) {
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Provider, *message, streamWhere(event.byteOffset), 0}));
            return;
        }
        if (const json *choice = firstChoice(payload))
            m_finished = appendChoice(*choice, "delta", out) || m_finished;
        if (const auto *usage = Json::member(payload, "usage"); usage && usage->is_object())
            out.append(StreamEvent::usageReport(usageFrom(*usage)));
    }

    Http::SseParser m_parser;
    bool m_done = false;     // `data: [DONE]` arrived
    bool m_finished = false; // a finish_reason arrived
    bool m_failed = false;
};

class WholeBodyDecoder final : public ResponseDecoder
{
public:
    void feed(QByteArrayView bytes, QList<StreamEvent> &) override { m_body.append(bytes); }

    void finish(QList<StreamEvent> &out) override
    {
        json payload;
        try {
            payload = json::parse(m_body.constBegin(), m_body.constEnd());
        } catch (const json::parse_error &e) {
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Protocol,
                             QStringLiteral("malformed JSON response: ") + QString::fromUtf8(e.what()),
                             // nlohmann counts bytes from 1; Lathe names offsets from 0.
                             QStringLiteral("response byte %1").arg(e.byte > 0 ? e.byte - 1 : 0), 0}));
            return;
        }
        if (auto message = errorMessageIn(payload)) {
            out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Provider, *message, {}, 0}));
            return;
        }
        const json *choice = firstChoice(payload);
        if (!choice) {
            out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Protocol,
                                                         QStringLiteral("response has no choices"),
                                                         QStringLiteral("choices"), 0}));
            return;
        }
        appendChoice(*choice, "message", out);
        if (const auto *usage = Json::member(payload, "usage"); usage && usage->is_object())
            out.append(StreamEvent::usageReport(usageFrom(*usage)));
        m_complete = true;
    }

    bool isComplete() const override { return m_complete; }

private:
    QByteArray m_body;
    bool m_complete = false;
};

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

    OutgoingRequest outgoing;
    outgoing.url = Wire::appendPath(endpoint.baseUrl, QStringLiteral("/chat/completions"));
    outgoing.headers.emplaceBack("Content-Type", "application/json");
    outgoing.headers.emplaceBack("Accept", request.stream ? "text/event-stream" : "application/json");
    Wire::addAuthHeader(endpoint, "Authorization", outgoing);
    Wire::addExtraHeaders(endpoint, outgoing);
    outgoing.body = Wire::dumpJson(body);
    return outgoing;
}

std::unique_ptr<ResponseDecoder> OpenAiChatProtocol::createDecoder(const ChatRequest &request) const
{
    if (request.stream)
        return std::make_unique<StreamingDecoder>();
    return std::make_unique<WholeBodyDecoder>();
}

} // namespace Lathe::Providers
