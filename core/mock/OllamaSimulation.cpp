// SPDX-License-Identifier: GPL-3.0-or-later
#include "OllamaSimulation.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>

#include "SimulatorServer.h"
#include "http/HttpStatus.h"

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;
using Simulation::utf8;
// Lines are written with their members in Ollama's order (its Go struct order), so that a
// stream looks like the real one byte for byte apart from the values.
using ordered = nlohmann::ordered_json;

// A warm model: Ollama reports the time it took to make sure the model is loaded even when it
// already was, typically a few milliseconds.
constexpr qint64 kWarmLoadNs = 3'000'000;

// Ollama writes Go's RFC 3339 with nanoseconds, trimmed of trailing zeros; milliseconds keep
// every line of a stream the same width, so offsets in one stream predict those in the next.
std::string createdAt()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
}

// Ollama's own words for the neutral finish reason. It says "stop" after a tool call too: it
// has no reason of its own for one.
std::string doneReason(const QString &finishReason)
{
    if (finishReason == QLatin1String("length"))
        return "length";
    return "stop";
}

// Ollama sends the arguments as the object the model wrote, not as JSON text.
ordered argumentsObject(const SimulatedToolCall &call)
{
    const std::string text = utf8(call.arguments());
    ordered arguments = ordered::parse(text, nullptr, /*allow_exceptions=*/false);
    return arguments.is_discarded() ? ordered(text) : arguments;
}

ordered toolCallsJson(const SimulatedToolCall &call)
{
    // `id` and `function.index` as newer Ollama versions send them.
    return ordered::array(
        {{{"id", utf8(call.id)},
          {"function", {{"index", 0}, {"name", utf8(call.name)}, {"arguments", argumentsObject(call)}}}}});
}

qint64 atLeastOne(qint64 ns)
{
    // Ollama leaves zero durations out (`omitempty`), and clients divide by them.
    return std::max<qint64>(ns, 1);
}

/** The final object's metrics, in Ollama's order. All durations are nanoseconds. */
void appendMetrics(ordered &object, const SimulatedAnswer &answer, qint64 promptEvalNs, qint64 evalNs)
{
    promptEvalNs = atLeastOne(promptEvalNs);
    evalNs = atLeastOne(evalNs);
    object["total_duration"] = kWarmLoadNs + promptEvalNs + evalNs;
    object["load_duration"] = kWarmLoadNs;
    object["prompt_eval_count"] = answer.promptTokens;
    object["prompt_eval_duration"] = promptEvalNs;
    object["eval_count"] = qint64(answer.pieceCount());
    object["eval_duration"] = evalNs;
}

QByteArray ndjsonLine(const ordered &object)
{
    return QByteArray::fromStdString(object.dump()) + '\n';
}

class OllamaStreamWriter final : public SimulatedStreamWriter
{
public:
    explicit OllamaStreamWriter(const SimulatedResponse &response)
        : m_response(response)
    {
        m_clock.start();
    }

    // Ollama writes nothing before the first token.
    QByteArray begin() override { return {}; }

    QByteArray piece(qsizetype index) override
    {
        if (m_firstPieceNs < 0)
            m_firstPieceNs = m_clock.nsecsElapsed();
        const SimulatedAnswer &answer = m_response.answer;
        if (!answer.toolCall)
            return ndjsonLine(line(message(answer.tokens[index])));
        // Ollama's tool parser holds back the tokens of a call and sends the call whole, in one
        // line, once the model has finished writing it.
        if (index + 1 < answer.toolCall->argumentFragments.size())
            return {};
        return toolCallLine();
    }

    QByteArray end() override
    {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 firstPiece = m_firstPieceNs < 0 ? now : m_firstPieceNs;
        QByteArray bytes;
        if (m_response.answer.toolCall && !m_toolCallSent)
            bytes += toolCallLine(); // arguments without any fragment: nothing has sent it yet
        ordered last = line(message(QString()));
        last.erase("done");
        last["done_reason"] = doneReason(m_response.answer.finishReason);
        last["done"] = true;
        appendMetrics(last, m_response.answer, firstPiece, now - firstPiece);
        return bytes + ndjsonLine(last);
    }

    // Mid-stream, the status stays 200 and the error is a line of its own with no `done`
    // (docs.ollama.com/api/errors); the server then ends the stream.
    QByteArray error(const QString &message) override { return ndjsonLine({{"error", utf8(message)}}); }

    QByteArray malformed() override
    {
        return "{\"model\":\"" + m_response.model.toUtf8() + "\",\"created_at\":\"" +
               QByteArray::fromStdString(createdAt()) +
               "\",\"message\":{\"role\":\"assistant\",\"content\":\n";
    }

private:
    static ordered message(const QString &content)
    {
        return {{"role", "assistant"}, {"content", utf8(content)}};
    }

    ordered line(ordered messageJson) const
    {
        return {{"model", utf8(m_response.model)},
                {"created_at", createdAt()},
                {"message", std::move(messageJson)},
                {"done", false}};
    }

    QByteArray toolCallLine()
    {
        m_toolCallSent = true;
        ordered withCall = message(QString());
        withCall["tool_calls"] = toolCallsJson(*m_response.answer.toolCall);
        return ndjsonLine(line(std::move(withCall)));
    }

    SimulatedResponse m_response;
    QElapsedTimer m_clock;
    qint64 m_firstPieceNs = -1;
    bool m_toolCallSent = false;
};

} // namespace

bool OllamaSimulation::handles(const Http::HttpRequest &request) const
{
    return request.path() == "/api/chat";
}

QByteArray OllamaSimulation::streamContentType() const
{
    return "application/x-ndjson";
}

Result<SimulatedRequest> OllamaSimulation::parseRequest(const Http::HttpRequest &http) const
{
    auto parsed = Simulation::parseJsonObject(http.body);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &root = *parsed;

    SimulatedRequest request;
    request.includeUsage = true; // Ollama always reports its counts
    const auto model = root.find("model");
    if (model == root.end() || !model->is_string() || model->get<std::string>().empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("model is required"));
    Simulation::splitModelAndFault(QString::fromStdString(model->get<std::string>()), request);
    // Ollama treats NAME and NAME:latest as the same model, so they give the same answer.
    if (request.model.endsWith(QLatin1String(":latest")))
        request.model.chop(int(qstrlen(":latest")));

    // Real Ollama answers an empty `messages` by loading the model (done_reason "load"); the
    // simulator has nothing to load.
    const auto messages = root.find("messages");
    if (messages == root.end() || !messages->is_array() || messages->empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("messages must be a non-empty array"));
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const json &message = (*messages)[i];
        const auto role = message.is_object() ? message.find("role") : message.end();
        if (role == message.end() || !role->is_string())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("messages[%1].role must be a string").arg(i));
        // Ollama's content is a plain string (images go in a separate `images` array).
        const auto content = message.find("content");
        if (content != message.end() && !content->is_null() && !content->is_string())
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("json: cannot unmarshal %1 into Go struct field Message.messages.content "
                               "of type string")
                    .arg(QLatin1String(content->type_name())));
        const QString text = content == message.end() || content->is_null()
                                 ? QString()
                                 : QString::fromStdString(content->get<std::string>());
        request.messages.append({QString::fromStdString(role->get<std::string>()), text});
    }

    // Ollama streams unless told not to.
    request.stream = true;
    if (const auto stream = root.find("stream"); stream != root.end() && !stream->is_null()) {
        if (!stream->is_boolean())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral(
                            "json: cannot unmarshal %1 into Go struct field ChatRequest.stream of type bool")
                            .arg(QLatin1String(stream->type_name())));
        request.stream = stream->get<bool>();
    }

    if (const auto options = root.find("options"); options != root.end() && options->is_object()) {
        if (const auto limit = options->find("num_predict"); limit != options->end() && !limit->is_null()) {
            // As Ollama's Options.FromMap: any JSON number, truncated; a value ≤ 0 means no limit.
            if (!limit->is_number())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("option \"num_predict\" must be of type integer"));
            const qint64 value =
                limit->is_number_integer() ? limit->get<qint64>() : static_cast<qint64>(limit->get<double>());
            if (value > 0)
                request.maxTokens = value;
        }
    }

    if (const auto tools = root.find("tools"); tools != root.end() && tools->is_array()) {
        for (const json &tool : *tools) {
            const json *function =
                tool.is_object() && tool.contains("function") ? &tool["function"] : nullptr;
            if (function && function->is_object() && function->contains("name") &&
                (*function)["name"].is_string())
                request.toolNames.append(QString::fromStdString((*function)["name"].get<std::string>()));
        }
    }
    // `format` is "json" (any JSON, which the simulator does not imitate) or a JSON Schema.
    if (const auto format = root.find("format"); format != root.end() && format->is_object())
        request.responseSchema = Simulation::orderedValueAt(http.body, "/format");
    return request;
}

std::unique_ptr<SimulatedStreamWriter> OllamaSimulation::streamWriter(const SimulatedResponse &response) const
{
    return std::make_unique<OllamaStreamWriter>(response);
}

json OllamaSimulation::wholeResponse(const SimulatedResponse &response) const
{
    const SimulatedAnswer &answer = response.answer;
    ordered message = {{"role", "assistant"},
                       {"content", answer.toolCall ? std::string() : utf8(answer.text())}};
    if (answer.toolCall)
        message["tool_calls"] = toolCallsJson(*answer.toolCall);
    ordered object = {{"model", utf8(response.model)},
                      {"created_at", createdAt()},
                      {"message", std::move(message)},
                      {"done_reason", doneReason(answer.finishReason)},
                      {"done", true}};
    // The protocol does not see the server's pacing, so the durations are those the default
    // pacing would have taken.
    const SimulatorOptions pacing;
    appendMetrics(object, answer, qint64(pacing.firstTokenDelayMs) * 1'000'000,
                  static_cast<qint64>(double(answer.pieceCount()) * 1.0e9 / pacing.tokensPerSecond));
    // The interface speaks nlohmann::json, whose objects sort their keys; the order of members
    // carries no meaning in JSON.
    return json::parse(object.dump());
}

json OllamaSimulation::errorBody(int status, const QString &detail) const
{
    // Ollama's errors are one string (docs.ollama.com/api/errors); the texts are the server's
    // own where it has one (503 is its queue-full error, ErrMaxQueue).
    QString message;
    switch (status) {
    case 400:
        break;
    case 401:
        message = QStringLiteral("unauthorized");
        break;
    case 404:
        message = QStringLiteral("model not found, try pulling it first");
        break;
    case 429:
        message = QStringLiteral("too many requests, please try again later");
        break;
    case 500:
        message = QStringLiteral("an error was encountered while running the model");
        break;
    case 502:
        message = QStringLiteral("the cloud model cannot be reached");
        break;
    case 503:
        message = QStringLiteral("server busy, please try again.  maximum pending requests exceeded");
        break;
    default:
        message = QString::fromLatin1(Http::reasonPhrase(status)).toLower();
        break;
    }
    if (message.isEmpty())
        message = detail;
    else if (!detail.isEmpty())
        message += QLatin1Char(' ') + detail;
    return {{"error", utf8(message)}};
}

json OllamaSimulation::modelList()
{
    // The same models as the server's OpenAI-style /v1/models, with Ollama's `:latest` tag.
    json models = json::array();
    for (const char *name : {"lathe-sim", "lathe-sim-large"}) {
        const std::string tagged = std::string(name) + ":latest";
        const QByteArray digest =
            QCryptographicHash::hash(QByteArray::fromStdString(tagged), QCryptographicHash::Sha256).toHex();
        models.push_back({{"name", tagged},
                          {"model", tagged},
                          {"modified_at", "2024-06-11T00:00:00Z"},
                          {"size", 0},
                          {"digest", digest.toStdString()},
                          {"details",
                           {{"parent_model", ""},
                            {"format", "gguf"},
                            {"family", "lathe-sim"},
                            {"families", json::array({"lathe-sim"})},
                            {"parameter_size", "0B"},
                            {"quantization_level", "none"}}}});
    }
    return {{"models", models}};
}

} // namespace Lathe::Mock
