// SPDX-License-Identifier: GPL-3.0-or-later
#include "GeminiSimulation.h"

#include <QUrlQuery>

// The wire format follows /work/shared/research/protocols.md §8 (https://ai.google.dev/api/
// generate-content): data-only SSE events, each a whole GenerateContentResponse, CRLF line
// endings, no end marker, running usageMetadata, Google's error object.

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;
using Simulation::utf8;

struct MethodPath
{
    QString model; ///< percent-decoded, fault suffix included
    bool stream = false;
    bool countTokens = false;
};

// `/v1beta/models/{model}:generateContent`, `…:streamGenerateContent` or `…:countTokens`; the
// model is one percent-encoded path segment, so the method is after its last raw ':'.
std::optional<MethodPath> methodPath(const QByteArray &path)
{
    QByteArray rest;
    for (const QByteArrayView prefix : {QByteArrayView("/v1beta/models/"), QByteArrayView("/v1/models/")}) {
        if (path.startsWith(prefix)) {
            rest = path.sliced(prefix.size());
            break;
        }
    }
    const qsizetype colon = rest.lastIndexOf(':');
    if (colon <= 0 || rest.first(colon).contains('/'))
        return std::nullopt;
    const QByteArray method = rest.sliced(colon + 1);
    MethodPath result;
    if (method == "streamGenerateContent")
        result.stream = true;
    else if (method == "countTokens")
        result.countTokens = true;
    else if (method != "generateContent")
        return std::nullopt;
    result.model = QString::fromUtf8(QByteArray::fromPercentEncoding(rest.first(colon)));
    return result;
}

// Gemini's SSE events end in CRLF CRLF (protocols.md §8), unlike the simulator's other streams.
QByteArray sseEvent(const json &payload)
{
    return "data: " + QByteArray::fromStdString(payload.dump()) + "\r\n\r\n";
}

// The simulator's answers use OpenAI's neutral words; Gemini ends a tool call with STOP too.
std::string finishReason(const SimulatedAnswer &answer)
{
    return answer.finishReason == QLatin1String("length") ? "MAX_TOKENS" : "STOP";
}

json usageMetadata(const SimulatedAnswer &answer, qint64 candidates)
{
    return {
        {"promptTokenCount", answer.promptTokens},
        {"candidatesTokenCount", candidates},
        {"totalTokenCount", answer.promptTokens + candidates},
        {"promptTokensDetails", json::array({{{"modality", "TEXT"}, {"tokenCount", answer.promptTokens}}})}};
}

json functionCallPart(const SimulatedToolCall &call)
{
    // Gemini sends the arguments as an object, never as text; the simulated arguments are JSON.
    json args = json::parse(utf8(call.arguments()), nullptr, false);
    if (!args.is_object())
        args = json::object();
    return {{"functionCall", {{"id", utf8(call.id)}, {"name", utf8(call.name)}, {"args", std::move(args)}}}};
}

json response(const SimulatedResponse &response, json parts, const json &finish, json usage)
{
    json candidate = {{"content", {{"parts", std::move(parts)}, {"role", "model"}}}, {"index", 0}};
    if (!finish.is_null())
        candidate["finishReason"] = finish;
    return {{"candidates", json::array({std::move(candidate)})},
            {"usageMetadata", std::move(usage)},
            {"modelVersion", utf8(response.model)},
            {"responseId", utf8(response.id)}};
}

class GeminiStreamWriter final : public SimulatedStreamWriter
{
public:
    explicit GeminiStreamWriter(const SimulatedResponse &response)
        : m_response(response)
    {}

    // Gemini sends nothing before the first chunk.
    QByteArray begin() override { return {}; }

    QByteArray piece(qsizetype index) override
    {
        const SimulatedAnswer &answer = m_response.answer;
        if (!answer.toolCall) {
            return sseEvent(response(m_response, json::array({{{"text", utf8(answer.tokens[index])}}}),
                                     nullptr, usageMetadata(answer, index + 1)));
        }
        // Gemini delivers a function call whole, once the model has written all of it: the
        // pieces before the last send nothing.
        if (index + 1 < answer.pieceCount())
            return {};
        return sseEvent(response(m_response, json::array({functionCallPart(*answer.toolCall)}), nullptr,
                                 usageMetadata(answer, index + 1)));
    }

    QByteArray end() override
    {
        // The last chunk carries the finishReason and the final counts, with an empty text part.
        const SimulatedAnswer &answer = m_response.answer;
        return sseEvent(response(m_response, json::array({{{"text", ""}}}), finishReason(answer),
                                 usageMetadata(answer, answer.pieceCount())));
    }

    QByteArray error(const QString &message) override
    {
        // An error after HTTP 200 is a data event with Google's error object; the body ends.
        return sseEvent({{"error", {{"code", 500}, {"message", utf8(message)}, {"status", "INTERNAL"}}}});
    }

    QByteArray malformed() override
    {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \r\n\r\n";
    }

private:
    SimulatedResponse m_response;
};

std::optional<QString> readTextParts(const json &parts, QList<Providers::ChatMessage> &messages,
                                     const QString &role)
{
    if (!parts.is_array() || parts.empty())
        return QStringLiteral("must be a non-empty array of parts");
    for (const json &part : parts) {
        if (!part.is_object())
            return QStringLiteral("must hold objects");
        const auto text = part.find("text");
        if (text == part.end())
            continue; // functionCall, functionResponse, inlineData…: nothing to answer to
        if (!text->is_string())
            return QStringLiteral("has a 'text' that is not a string");
        // Each part is its own message: the client sends one part per chat message, so the
        // answer is the one simulateAnswer() gives for the client's own message list.
        messages.append({role, QString::fromStdString(text->get<std::string>())});
    }
    return std::nullopt;
}

// The prompt of a GenerateContentRequest: the system instruction, the contents and the names of
// the declared functions, into `request`.
Result<void> readPrompt(const json &root, SimulatedRequest &request)
{
    // Proto JSON accepts both the lowerCamel and the original snake_case field names.
    for (const char *key : {"systemInstruction", "system_instruction"}) {
        const auto system = root.find(key);
        if (system == root.end() || system->is_null())
            continue;
        const auto parts = system->is_object() ? system->find("parts") : system->end();
        if (parts == system->end())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'%1' must have 'parts'").arg(QLatin1String(key)));
        if (auto problem = readTextParts(*parts, request.messages, QStringLiteral("system")))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'%1.parts' ").arg(QLatin1String(key)) + *problem);
    }

    const auto contents = root.find("contents");
    if (contents == root.end() || !contents->is_array() || contents->empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'contents' must be a non-empty array"));
    for (std::size_t i = 0; i < contents->size(); ++i) {
        const json &content = (*contents)[i];
        if (!content.is_object())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'contents[%1]' must be an object").arg(i));
        // The role may be left out of a single-turn request; it then means the user.
        QString role = QStringLiteral("user");
        if (const auto given = content.find("role"); given != content.end()) {
            if (!given->is_string() || (*given != "user" && *given != "model"))
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("'contents[%1].role' must be \"user\" or \"model\"").arg(i));
            if (*given == "model")
                role = QStringLiteral("assistant");
        }
        const auto parts = content.find("parts");
        if (parts == content.end())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("'contents[%1].parts' is missing").arg(i));
        if (auto problem = readTextParts(*parts, request.messages, role))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'contents[%1].parts' ").arg(i) + *problem);
    }

    if (const auto tools = root.find("tools"); tools != root.end() && tools->is_array()) {
        for (const json &tool : *tools) {
            const auto declarations = tool.is_object() ? tool.find("functionDeclarations") : tool.end();
            if (declarations == tool.end() || !declarations->is_array())
                continue;
            for (const json &declaration : *declarations) {
                const auto name = declaration.is_object() ? declaration.find("name") : declaration.end();
                if (name != declaration.end() && name->is_string())
                    request.toolNames.append(QString::fromStdString(name->get<std::string>()));
            }
        }
    }
    return {};
}

} // namespace

bool GeminiSimulation::handles(const Http::HttpRequest &request) const
{
    return methodPath(request.path()).has_value();
}

Result<SimulatedRequest> GeminiSimulation::parseRequest(const Http::HttpRequest &http) const
{
    const auto path = methodPath(http.path());
    if (!path)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("unknown method"));
    SimulatedRequest request;
    Simulation::splitModelAndFault(path->model, request);
    if (request.model.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the path names no model"));
    request.stream = path->stream;
    if (request.stream) {
        const qsizetype mark = http.target.indexOf('?');
        const QUrlQuery query(mark < 0 ? QString() : QString::fromUtf8(http.target.sliced(mark + 1)));
        if (query.queryItemValue(QStringLiteral("alt")) != QLatin1String("sse"))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("streamGenerateContent without alt=sse streams one JSON array, which "
                                       "this simulator does not write: add ?alt=sse to the URL"));
    }

    auto parsed = Simulation::parseJsonObject(http.body);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &root = *parsed;

    if (path->countTokens) {
        request.countTokens = true;
        // Bare `contents`, or a whole `generateContentRequest` that names its model; a system
        // instruction or tools at the top level are unknown fields to the real API, as to us.
        for (const auto &member : root.items()) {
            if (member.key() != "contents" && member.key() != "generateContentRequest")
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("Invalid JSON payload received. Unknown name \"%1\": Cannot find field.")
                        .arg(QString::fromStdString(member.key())));
        }
        const auto wrapped = root.find("generateContentRequest");
        const bool isWrapped = wrapped != root.end() && !wrapped->is_null();
        if (isWrapped) {
            const auto model = wrapped->is_object() ? wrapped->find("model") : wrapped->end();
            if (model == wrapped->end() || !model->is_string() || model->get<std::string>().empty())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("'generateContentRequest.model' is required"));
        }
        if (auto read = readPrompt(isWrapped ? *wrapped : root, request); !read)
            return tl::unexpected(read.error());
        return request;
    }

    if (auto read = readPrompt(root, request); !read)
        return tl::unexpected(read.error());
    if (const auto config = root.find("generationConfig"); config != root.end() && config->is_object()) {
        if (const auto limit = config->find("maxOutputTokens"); limit != config->end() && !limit->is_null()) {
            if (!limit->is_number_integer() || limit->get<qint64>() < 1)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("'generationConfig.maxOutputTokens' must be a whole number ≥ 1"));
            request.maxTokens = limit->get<qint64>();
        }
        if (const auto schema = config->find("responseJsonSchema");
            schema != config->end() && !schema->is_null()) {
            // As the real API: a JSON schema constrains JSON output only.
            const auto mimeType = config->find("responseMimeType");
            if (mimeType == config->end() || *mimeType != "application/json")
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("'generationConfig.responseJsonSchema' requires "
                                           "'generationConfig.responseMimeType' to be \"application/json\""));
            if (!schema->is_object())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("'generationConfig.responseJsonSchema' must be an object"));
            request.responseSchema =
                Simulation::orderedValueAt(http.body, "/generationConfig/responseJsonSchema");
        }
    }
    request.includeUsage = true; // Gemini always reports usage
    return request;
}

std::unique_ptr<SimulatedStreamWriter> GeminiSimulation::streamWriter(const SimulatedResponse &response) const
{
    return std::make_unique<GeminiStreamWriter>(response);
}

json GeminiSimulation::wholeResponse(const SimulatedResponse &simulated) const
{
    const SimulatedAnswer &answer = simulated.answer;
    json parts = answer.toolCall ? json::array({functionCallPart(*answer.toolCall)})
                                 : json::array({{{"text", utf8(answer.text())}}});
    return response(simulated, std::move(parts), finishReason(answer),
                    usageMetadata(answer, answer.pieceCount()));
}

json GeminiSimulation::tokenCountBody(qint64 inputTokens) const
{
    return {{"totalTokens", inputTokens}};
}

json GeminiSimulation::errorBody(int status, const QString &detail) const
{
    // Google's error object: the HTTP status, a message, and the gRPC status name.
    const char *word = "UNKNOWN";
    QString message;
    switch (status) {
    case 400:
        word = "INVALID_ARGUMENT";
        message = QStringLiteral("Request contains an invalid argument.");
        break;
    case 401:
        word = "UNAUTHENTICATED";
        message = QStringLiteral("Request had invalid authentication credentials.");
        break;
    case 403:
        word = "PERMISSION_DENIED";
        message = QStringLiteral("The caller does not have permission.");
        break;
    case 404:
        word = "NOT_FOUND";
        message = QStringLiteral("Requested entity was not found.");
        break;
    case 429:
        word = "RESOURCE_EXHAUSTED";
        message = QStringLiteral("Resource has been exhausted (e.g. check quota).");
        break;
    case 500:
        word = "INTERNAL";
        message = QStringLiteral("An internal error has occurred.");
        break;
    case 503:
        word = "UNAVAILABLE";
        message = QStringLiteral("The model is overloaded. Please try again later.");
        break;
    default:
        break;
    }
    if (!detail.isEmpty())
        message += (message.isEmpty() ? QString() : QStringLiteral(" ")) + detail;
    return {{"error", {{"code", status}, {"message", utf8(message)}, {"status", word}}}};
}

} // namespace Lathe::Mock
