// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiResponsesProtocol.h"

#include <limits>
#include <map>

#include <QStringList>

#include "JsonFields.h"

// Field names and event types follow the openai-python SDK's generated types
// (src/openai/types/responses/*), summarised in shared/research/protocols.md §3 and §5.

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;

Lathe::Error protocolError(QString message, QString where)
{
    return Lathe::Error{ErrorCode::Protocol, std::move(message), std::move(where), 0};
}

// Usage lives only on the final Response object, with names unlike Chat Completions'.
TokenUsage usageFrom(const json &usage)
{
    TokenUsage result;
    result.inputTokens = Json::integer(usage, "input_tokens").value_or(-1);
    result.outputTokens = Json::integer(usage, "output_tokens").value_or(-1);
    if (const auto *details = Json::member(usage, "input_tokens_details"))
        result.cachedInputTokens = Json::integer(*details, "cached_tokens").value_or(-1);
    if (const auto *details = Json::member(usage, "output_tokens_details"))
        result.reasoningTokens = Json::integer(*details, "reasoning_tokens").value_or(-1);
    return result;
}

// An `error` event ({code, message, param}) or a failed Response's `error` ({code, message}).
// Both `code` and `message` may be null.
Lathe::Error providerError(const json *error, const QString &fallback, QString where)
{
    QString message = error ? Json::string(*error, "message").value_or(QString()) : QString();
    if (message.isEmpty())
        message = fallback;
    QString code = error ? Json::string(*error, "code").value_or(QString()) : QString();
    if (code.isEmpty() && error)
        code = Json::string(*error, "type").value_or(QString());
    if (!code.isEmpty())
        message += QStringLiteral(" [") + code + QLatin1Char(']');
    Lathe::Error result{ErrorCode::Provider, message, std::move(where), 0};
    result.providerCode = code;
    return result;
}

/**
 * Reasoning arrives in parts (summary parts, reasoning_text parts, several reasoning items);
 * OpenAI's own UIs show each part as its own paragraph, so parts are joined by a blank line.
 */
class ReasoningJoiner
{
public:
    StreamEvent delta(const QString &partKey, const QString &text)
    {
        QString joined = text;
        if (m_started && partKey != m_lastKey)
            joined.prepend(QStringLiteral("\n\n"));
        m_started = true;
        m_lastKey = partKey;
        return StreamEvent::reasoningDelta(std::move(joined));
    }

private:
    QString m_lastKey;
    bool m_started = false;
};

QString partKey(const json &payload, const char *kind, const char *indexKey)
{
    return Json::string(payload, "item_id").value_or(QString()) + QLatin1Char('/') + QLatin1String(kind) +
           QString::number(Json::integer(payload, indexKey).value_or(0));
}

/**
 * The end of an answer as the final Response object tells it: usage, then a Finish in the
 * provider's words or the failure. `status` is the Response's status, or for streams the
 * terminal event's name without "response.". Returns whether the answer is complete.
 */
bool appendOutcome(const QString &status, const json &response, const QString &where, QList<StreamEvent> &out)
{
    if (const auto *usage = Json::member(response, "usage"); usage && usage->is_object())
        out.append(StreamEvent::usageReport(usageFrom(*usage)));
    if (status == QLatin1String("completed")) {
        out.append(StreamEvent::finish(QStringLiteral("completed")));
        return true;
    }
    if (status == QLatin1String("incomplete")) {
        // Cut short but well-formed, like Chat's finish_reason "length": the reason is
        // max_output_tokens or content_filter.
        QString reason;
        if (const auto *details = Json::member(response, "incomplete_details"))
            reason = Json::string(*details, "reason").value_or(QString());
        out.append(StreamEvent::finish(reason.isEmpty() ? QStringLiteral("incomplete") : reason));
        return true;
    }
    if (status == QLatin1String("failed")) {
        out.append(StreamEvent::failure(
            providerError(Json::member(response, "error"), QStringLiteral("the response failed"), where)));
        return false;
    }
    out.append(StreamEvent::failure(protocolError(
        QStringLiteral("the response ended with status \"%1\", which is not final").arg(status), where)));
    return false;
}

// The items of a whole Response's `output[]`, in order.
void appendOutputItems(const json &output, QList<StreamEvent> &out)
{
    int toolIndex = 0;
    ReasoningJoiner reasoning;
    int itemNumber = 0;
    for (const json &item : output) {
        const QString type = Json::string(item, "type").value_or(QString());
        const QString itemKey = QString::number(itemNumber++);
        if (type == QLatin1String("message")) {
            const auto *content = Json::member(item, "content");
            if (!content || !content->is_array())
                continue;
            for (const json &part : *content) {
                // A refusal is shown as the answer's text: see the streaming decoder.
                const QString partType = Json::string(part, "type").value_or(QString());
                const char *key = partType == QLatin1String("output_text") ? "text"
                                  : partType == QLatin1String("refusal")   ? "refusal"
                                                                           : nullptr;
                if (!key)
                    continue;
                if (auto text = Json::string(part, key); text && !text->isEmpty())
                    out.append(StreamEvent::textDelta(std::move(*text)));
            }
        } else if (type == QLatin1String("function_call")) {
            ToolCallDelta delta;
            delta.index = toolIndex++;
            delta.id = Json::string(item, "call_id").value_or(QString());
            delta.name = Json::string(item, "name").value_or(QString());
            delta.argumentsFragment = Json::string(item, "arguments").value_or(QString());
            out.append(StreamEvent::toolCallDelta(std::move(delta)));
        } else if (type == QLatin1String("reasoning")) {
            // `summary` holds summary_text parts; `content` holds reasoning_text parts (models
            // that show their raw reasoning). Either may be absent or empty.
            for (const char *field : {"summary", "content"}) {
                const auto *parts = Json::member(item, field);
                if (!parts || !parts->is_array())
                    continue;
                int partNumber = 0;
                for (const json &part : *parts) {
                    const QString key =
                        itemKey + QLatin1Char('/') + QLatin1String(field) + QString::number(partNumber++);
                    if (auto text = Json::string(part, "text"); text && !text->isEmpty())
                        out.append(reasoning.delta(key, *text));
                }
            }
        }
        // Other items (web_search_call, file_search_call, …) carry nothing Lathe shows.
    }
}

class StreamingDecoder final : public SseResponseDecoder
{
public:
    bool isComplete() const override { return m_complete; }

private:
    void handleEvent(const Http::SseEvent &event, QList<StreamEvent> &out) override
    {
        // OpenAI sends no [DONE] on this API, but proxies that translate from Chat Completions
        // sometimes append one; it carries nothing.
        if (event.data == QLatin1String("[DONE]"))
            return;
        const QString where = Wire::streamWhere(event.byteOffset);
        const auto parsed = Wire::parseStreamEvent(event, out);
        if (!parsed) {
            // The broken event's sequence number is unknown: count again from the next one,
            // so one broken event is reported once and not also as a gap.
            m_nextSequence.reset();
            return;
        }
        const json &payload = *parsed;
        if (!payload.is_object()) {
            out.append(StreamEvent::failure(
                protocolError(QStringLiteral("stream event is not a JSON object"), where)));
            m_nextSequence.reset();
            return;
        }
        checkSequence(payload, where, out);

        // The JSON `type` repeats the SSE event name (protocols.md §3); dispatch on the JSON.
        const QString type = Json::string(payload, "type").value_or(event.type);
        if (type == QLatin1String("response.output_text.delta")) {
            appendText(payload, out);
        } else if (type == QLatin1String("response.refusal.delta")) {
            // A safety refusal comes on its own channel instead of output_text. Lathe has no
            // refusal event, so the refusal is shown as the answer's text: it is what the model
            // said, and hiding it would leave an empty answer with no explanation.
            appendText(payload, out);
        } else if (type == QLatin1String("response.reasoning_summary_text.delta")) {
            appendReasoning(partKey(payload, "summary", "summary_index"), payload, out);
        } else if (type == QLatin1String("response.reasoning_text.delta")) {
            appendReasoning(partKey(payload, "content", "content_index"), payload, out);
        } else if (type == QLatin1String("response.output_item.added")) {
            const auto *item = Json::member(payload, "item");
            if (item && Json::string(*item, "type") == QStringLiteral("function_call")) {
                ToolCallDelta delta;
                delta.index = toolIndexFor(payload);
                // call_id, not the item's own id, is what a function_call_output answers.
                delta.id = Json::string(*item, "call_id").value_or(QString());
                delta.name = Json::string(*item, "name").value_or(QString());
                delta.argumentsFragment = Json::string(*item, "arguments").value_or(QString());
                out.append(StreamEvent::toolCallDelta(std::move(delta)));
            }
        } else if (type == QLatin1String("response.function_call_arguments.delta")) {
            if (auto fragment = Json::string(payload, "delta"); fragment && !fragment->isEmpty()) {
                ToolCallDelta delta;
                delta.index = toolIndexFor(payload);
                delta.argumentsFragment = std::move(*fragment);
                out.append(StreamEvent::toolCallDelta(std::move(delta)));
            }
        } else if (type == QLatin1String("response.completed") ||
                   type == QLatin1String("response.incomplete") || type == QLatin1String("response.failed")) {
            static const json noResponse = json::object();
            const auto *response = Json::member(payload, "response");
            const QString status = type.section(QLatin1Char('.'), 1); // "completed", …
            m_complete = appendOutcome(status, response ? *response : noResponse, where, out) || m_complete;
        } else if (type == QLatin1String("error")) {
            out.append(
                StreamEvent::failure(providerError(&payload, QStringLiteral("unspecified error"), where)));
        } else if (!Json::member(payload, "type")) {
            // Proxies in front of other APIs report failures as a bare {"error": …} payload.
            if (const auto *error = Json::member(payload, "error"); error && error->is_object())
                out.append(
                    StreamEvent::failure(providerError(error, QStringLiteral("unspecified error"), where)));
        }
        // Every other event (lifecycle, *.done, annotations, hosted tools' progress) is ignored:
        // the deltas already carried its content, and new event types must not break old clients.
    }

    // sequence_number counts every event of the stream up from 0; a jump means events were lost
    // in between (a proxy dropped them), so the assembled answer would silently miss pieces.
    void checkSequence(const json &payload, const QString &where, QList<StreamEvent> &out)
    {
        const auto sequence = Json::integer(payload, "sequence_number");
        if (!sequence)
            return; // compatible servers may not number their events
        if (m_nextSequence && *sequence != *m_nextSequence)
            out.append(StreamEvent::failure(
                protocolError(QStringLiteral("stream events were lost: expected sequence_number %1, got %2")
                                  .arg(*m_nextSequence)
                                  .arg(*sequence),
                              where)));
        // Outside input: a number at the top of the range must not overflow.
        m_nextSequence =
            *sequence < std::numeric_limits<qint64>::max() ? std::optional(*sequence + 1) : std::nullopt;
    }

    void appendText(const json &payload, QList<StreamEvent> &out)
    {
        if (auto text = Json::string(payload, "delta"); text && !text->isEmpty())
            out.append(StreamEvent::textDelta(std::move(*text)));
    }

    void appendReasoning(const QString &key, const json &payload, QList<StreamEvent> &out)
    {
        if (auto text = Json::string(payload, "delta"); text && !text->isEmpty())
            out.append(m_reasoning.delta(key, *text));
    }

    // Tool calls are numbered by their order among function_call items: output_index also
    // counts messages and reasoning items, which would leave holes in ChatOutcome's numbering.
    int toolIndexFor(const json &payload)
    {
        const qint64 outputIndex = Json::integer(payload, "output_index").value_or(-1);
        return m_toolIndexes.try_emplace(outputIndex, int(m_toolIndexes.size())).first->second;
    }

    ReasoningJoiner m_reasoning;
    std::map<qint64, int> m_toolIndexes; // output_index → tool call index
    std::optional<qint64> m_nextSequence;
    bool m_complete = false; // response.completed or response.incomplete arrived
};

bool readWholeBody(const json &payload, QList<StreamEvent> &out)
{
    const auto *output = Json::member(payload, "output");
    if (!output || !output->is_array()) {
        const auto *error = Json::member(payload, "error");
        if (error && error->is_object())
            out.append(StreamEvent::failure(providerError(error, QStringLiteral("unspecified error"), {})));
        else
            out.append(StreamEvent::failure(
                protocolError(QStringLiteral("response has no output"), QStringLiteral("output"))));
        return false;
    }
    appendOutputItems(*output, out);
    return appendOutcome(Json::string(payload, "status").value_or(QString()), payload,
                         QStringLiteral("status"), out);
}

} // namespace

OutgoingRequest OpenAiResponsesProtocol::buildRequest(const ProviderEndpoint &endpoint,
                                                      const ChatRequest &request) const
{
    // System messages become `instructions`, the API's own place for them; the conversation
    // goes in `input` as EasyInputMessage items ({role, content: string}).
    QStringList instructions;
    json input = json::array();
    for (const auto &message : request.messages) {
        if (message.role == QLatin1String("system"))
            instructions.append(message.content);
        else
            input.push_back(
                {{"role", message.role.toStdString()}, {"content", message.content.toStdString()}});
    }

    json body = {{"model", request.model.toStdString()}, {"input", std::move(input)}};
    if (!instructions.isEmpty())
        body["instructions"] = instructions.join(QStringLiteral("\n\n")).toStdString();
    body["stream"] = request.stream;
    // The API stores every response for 30 days unless told not to. Lathe keeps its own
    // history and sends the whole conversation each time (no previous_response_id), and the
    // user never asked OpenAI to keep a copy.
    body["store"] = false;
    if (request.temperature)
        body["temperature"] = *request.temperature;
    if (request.maxOutputTokens)
        body["max_output_tokens"] = *request.maxOutputTokens;

    if (!request.tools.isEmpty()) {
        json tools = json::array();
        for (const ToolDefinition &tool : request.tools) {
            // Flat, unlike Chat Completions' {"type":"function","function":{…}}. `strict`
            // defaults to true on this API (openai-python FunctionToolParam), and strict mode
            // rejects ordinary schemas (optional properties, no additionalProperties:false) with
            // a 400; the user's schema is sent as written, so strict is off.
            json function = {{"type", "function"},
                             {"name", tool.name.toStdString()},
                             {"parameters", Wire::toolParameters(tool)},
                             {"strict", false}};
            if (!tool.description.isEmpty())
                function["description"] = tool.description.toStdString();
            tools.push_back(std::move(function));
        }
        body["tools"] = std::move(tools);
    }

    // Ordered from here on, so that the schema keeps the caller's property order. The format is
    // Chat Completions' json_schema flattened into text.format (protocols.md §4).
    nlohmann::ordered_json wire = body;
    if (const auto &format = request.responseFormat) {
        wire["text"] = {{"format",
                         {{"type", "json_schema"},
                          {"name", format->name.toStdString()},
                          {"schema", Wire::responseSchema(*format)},
                          {"strict", format->strict}}}};
    }

    OutgoingRequest outgoing;
    outgoing.url = Wire::appendPath(endpoint.baseUrl, QStringLiteral("/responses"));
    outgoing.headers.emplaceBack("Content-Type", "application/json");
    outgoing.headers.emplaceBack("Accept", request.stream ? "text/event-stream" : "application/json");
    Wire::addAuthHeader(endpoint, "Authorization", outgoing);
    Wire::addExtraHeaders(endpoint, outgoing);
    outgoing.body = Wire::dumpJson(wire);
    return outgoing;
}

std::unique_ptr<ResponseDecoder> OpenAiResponsesProtocol::createDecoder(const ChatRequest &request) const
{
    if (request.stream)
        return std::make_unique<StreamingDecoder>();
    return Wire::wholeBodyDecoder(readWholeBody);
}

Lathe::Error OpenAiResponsesProtocol::httpError(int status, QByteArrayView body, const QString &where) const
{
    Lathe::Error error = errorFromHttpResponse(status, body, where);
    // A 429 means "retry later" (rate_limit_exceeded) or "pay first" (insufficient_quota): only
    // the code tells them apart (protocols.md §5).
    const auto parsed = json::parse(body.begin(), body.end(), nullptr, false);
    if (const auto *object = Json::member(parsed, "error")) {
        error.providerCode = Json::string(*object, "code").value_or(QString());
        if (error.providerCode.isEmpty())
            error.providerCode = Json::string(*object, "type").value_or(QString());
    }
    return error;
}

} // namespace Lathe::Providers
