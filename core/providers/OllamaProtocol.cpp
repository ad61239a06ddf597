// SPDX-License-Identifier: GPL-3.0-or-later
#include "OllamaProtocol.h"

#include <vector>

#include "http/NdjsonParser.h"

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;
// Answers are parsed keeping their members in order, so that a tool call's arguments object
// becomes text in the order the server sent it, not re-sorted by key. The Json:: helpers read
// only nlohmann::json, hence the few readers below.
using ordered = nlohmann::ordered_json;

// Type-checked reads, as in JsonFields.h: a member of the wrong type counts as absent.
const ordered *member(const ordered &value, const char *key)
{
    if (!value.is_object())
        return nullptr;
    const auto it = value.find(key);
    return it == value.end() ? nullptr : &*it;
}

std::optional<QString> stringMember(const ordered &value, const char *key)
{
    const ordered *field = member(value, key);
    if (!field || !field->is_string())
        return std::nullopt;
    return QString::fromStdString(field->get<std::string>());
}

std::optional<qint64> integerMember(const ordered &value, const char *key)
{
    const ordered *field = member(value, key);
    if (!field || !field->is_number_integer())
        return std::nullopt;
    return field->get<qint64>();
}

QString compactJson(const ordered &value)
{
    return QString::fromStdString(value.dump(-1, ' ', false, ordered::error_handler_t::replace));
}

// Ollama's error is a plain string (`{"error": "…"}`, docs.ollama.com/api/errors); a proxy in
// front of it may use OpenAI's object shape instead, so that is read too.
std::optional<QString> errorMessageIn(const ordered &object)
{
    const ordered *error = member(object, "error");
    if (!error || error->is_null())
        return std::nullopt;
    if (error->is_string())
        return QString::fromStdString(error->get<std::string>());
    if (auto message = stringMember(*error, "message"))
        return message;
    return compactJson(*error);
}

/** Turns the JSON objects of one answer, streamed lines or the whole body, into events. */
class AnswerReader
{
public:
    void read(const ordered &object, const QString &where, QList<StreamEvent> &out)
    {
        // Checked first: an error line has no `done`, and a reader waiting for `done: true`
        // would wait forever (protocols.md §9).
        if (auto message = errorMessageIn(object)) {
            out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Provider, *message, where, 0}));
            return;
        }
        if (const ordered *message = member(object, "message")) {
            // Thinking models (think: true, or on by default) stream `thinking` before `content`.
            if (auto thinking = stringMember(*message, "thinking"); thinking && !thinking->isEmpty())
                out.append(StreamEvent::reasoningDelta(std::move(*thinking)));
            if (auto content = stringMember(*message, "content"); content && !content->isEmpty())
                out.append(StreamEvent::textDelta(std::move(*content)));
            if (const ordered *calls = member(*message, "tool_calls"); calls && calls->is_array()) {
                for (const ordered &call : *calls)
                    out.append(StreamEvent::toolCallDelta(toolCall(call)));
            }
        }
        const ordered *done = member(object, "done");
        if (!done || !done->is_boolean() || !done->get<bool>())
            return;
        m_done = true;
        // Servers from before done_reason existed (2024) say only `done: true`: no reason is
        // better than a guessed one.
        if (auto reason = stringMember(object, "done_reason"); reason && !reason->isEmpty())
            out.append(StreamEvent::finish(std::move(*reason)));
        // Only the final object has counts. Ollama omits a zero count (`omitempty` in its Go
        // types), e.g. prompt_eval_count when the whole prompt came from the KV cache, so a
        // missing count stays "not reported". The durations (total_duration, load_duration,
        // prompt_eval_duration, eval_duration, all in ns) are not read yet: TokenUsage has no
        // place for them, and ChatCall times the answer itself.
        TokenUsage usage;
        usage.inputTokens = integerMember(object, "prompt_eval_count").value_or(-1);
        usage.outputTokens = integerMember(object, "eval_count").value_or(-1);
        if (!usage.isEmpty())
            out.append(StreamEvent::usageReport(usage));
    }

    bool isDone() const { return m_done; }

private:
    ToolCallDelta toolCall(const ordered &call)
    {
        // Every call arrives whole in one line, so each gets its own index in stream order.
        // (Newer servers put an `index` inside `function`, counted per message, so it can
        // repeat across lines and is not used.)
        ToolCallDelta delta;
        delta.index = m_toolCalls++;
        delta.id = stringMember(call, "id").value_or(QString()); // sent by newer servers only
        const ordered *function = member(call, "function");
        if (!function)
            return delta;
        delta.name = stringMember(*function, "name").value_or(QString());
        const ordered *arguments = member(*function, "arguments");
        if (!arguments || arguments->is_null())
            delta.argumentsFragment = QStringLiteral("{}"); // a Go nil map: a call without arguments
        else if (arguments->is_string())
            delta.argumentsFragment = QString::fromStdString(arguments->get<std::string>()); // OpenAI-style
        else
            delta.argumentsFragment = compactJson(*arguments); // Ollama's own: an object, not text
        return delta;
    }

    int m_toolCalls = 0;
    bool m_done = false;
};

class StreamingDecoder final : public ResponseDecoder
{
public:
    void feed(QByteArrayView bytes, QList<StreamEvent> &out) override
    {
        if (m_failed)
            return;
        std::vector<Http::NdjsonLine> lines;
        const auto split = m_parser.feed(bytes, lines);
        for (const auto &line : lines)
            handle(line, /*lastLine=*/false, out);
        if (!split) {
            m_failed = true;
            out.append(StreamEvent::failure(split.error()));
        }
    }

    void finish(QList<StreamEvent> &out) override
    {
        if (m_failed)
            return;
        std::vector<Http::NdjsonLine> lines;
        const auto split = m_parser.finish(lines);
        for (const auto &line : lines)
            handle(line, /*lastLine=*/true, out);
        if (!split)
            out.append(StreamEvent::failure(split.error()));
    }

    bool isComplete() const override { return m_reader.isDone(); }

private:
    void handle(const Http::NdjsonLine &line, bool lastLine, QList<StreamEvent> &out)
    {
        ordered object;
        try {
            object = ordered::parse(line.bytes.constBegin(), line.bytes.constEnd());
        } catch (const ordered::parse_error &e) {
            // nlohmann counts bytes from 1; Lathe names offsets from 0.
            const qint64 at = line.byteOffset + (e.byte > 0 ? qint64(e.byte) - 1 : 0);
            if (lastLine && qint64(e.byte) > line.bytes.size()) {
                // The JSON ran out with the stream, in a line without a newline: the server
                // stopped mid-line, which is a cut answer rather than a broken one.
                out.append(StreamEvent::failure(Lathe::Error{
                    ErrorCode::Truncated, QStringLiteral("stream ended inside line %1").arg(line.lineNumber),
                    Wire::streamWhere(line.byteOffset), 0}));
                return;
            }
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Protocol,
                             QStringLiteral("malformed JSON on line %1: ").arg(line.lineNumber) +
                                 QString::fromUtf8(e.what()),
                             Wire::streamWhere(at), 0}));
            return;
        }
        if (!object.is_object()) {
            out.append(StreamEvent::failure(Lathe::Error{
                ErrorCode::Protocol, QStringLiteral("line %1 is not a JSON object").arg(line.lineNumber),
                Wire::streamWhere(line.byteOffset), 0}));
            return;
        }
        m_reader.read(object, Wire::streamWhere(line.byteOffset), out);
    }

    Http::NdjsonParser m_parser;
    AnswerReader m_reader;
    bool m_failed = false;
};

bool readWholeBody(const ordered &object, QList<StreamEvent> &out)
{
    if (!object.is_object()) {
        out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Protocol,
                                                     QStringLiteral("response is not a JSON object"),
                                                     QStringLiteral("response byte 0"), 0}));
        return false;
    }
    // Without `done: true` the answer stays incomplete, and ChatCall reports it truncated.
    AnswerReader reader;
    reader.read(object, QString(), out);
    return reader.isDone();
}

} // namespace

OutgoingRequest OllamaProtocol::buildRequest(const ProviderEndpoint &endpoint,
                                             const ChatRequest &request) const
{
    // System messages stay in `messages` with role "system": Ollama has no separate field.
    json messages = json::array();
    for (const auto &message : request.messages)
        messages.push_back(
            {{"role", message.role.toStdString()}, {"content", message.content.toStdString()}});

    // `stream` is always written: Ollama streams when it is absent (protocols.md §9), so leaving
    // it out for a non-streamed request would get NDJSON back.
    json body = {{"model", request.model.toStdString()},
                 {"messages", std::move(messages)},
                 {"stream", request.stream}};

    // Sampling settings go in `options`, under llama.cpp's names; the maximum number of
    // generated tokens is `num_predict` (Ollama reads a value ≤ 0 as "no limit").
    json options = json::object();
    if (request.temperature)
        options["temperature"] = *request.temperature;
    if (request.maxOutputTokens)
        options["num_predict"] = *request.maxOutputTokens;
    if (!options.empty())
        body["options"] = std::move(options);

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

    // Ollama takes the schema itself as `format` (protocols.md §9) and turns it into a grammar
    // that constrains sampling; ordered, so that the schema keeps the caller's property order.
    nlohmann::ordered_json wire = body;
    if (request.responseFormat)
        wire["format"] = Wire::responseSchema(*request.responseFormat);

    OutgoingRequest outgoing;
    outgoing.url = Wire::appendPath(endpoint.baseUrl, QStringLiteral("/api/chat"));
    outgoing.headers.emplaceBack("Content-Type", "application/json");
    // The official clients (ollama-python, ollama-js) send this for streams too; the server
    // does not look at it.
    outgoing.headers.emplaceBack("Accept", "application/json");
    // A local server takes no key; ollama.com's cloud API takes `Authorization: Bearer`.
    Wire::addAuthHeader(endpoint, "Authorization", outgoing);
    Wire::addExtraHeaders(endpoint, outgoing);
    outgoing.body = Wire::dumpJson(wire);
    return outgoing;
}

std::unique_ptr<ResponseDecoder> OllamaProtocol::createDecoder(const ChatRequest &request) const
{
    if (request.stream)
        return std::make_unique<StreamingDecoder>();
    return Wire::wholeBodyDecoder<ordered>(readWholeBody);
}

} // namespace Lathe::Providers
