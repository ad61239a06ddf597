// SPDX-License-Identifier: GPL-3.0-or-later
#include "GeminiProtocol.h"

#include <QUrlQuery>

#include "JsonFields.h"

// Sources for the facts below: /work/shared/research/protocols.md §8 (Gemini), §11-12, which
// paraphrase https://ai.google.dev/api/generate-content and Google's SDKs. Where that note is
// silent, the comment says which SDK behaviour we follow.

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;

// Google's SDKs append the API version to the root URL themselves; v1beta is the version they
// use by default and the only one with every field we send (systemInstruction, tools).
constexpr auto kApiVersion = "v1beta";

// The model's resource name: its collection and id. The SDKs (google-genai `t_model`) accept
// both "gemini-2.5-flash" and "models/gemini-2.5-flash", and tuned models as "tunedModels/x"; a
// name that already has its collection is not prefixed again.
struct ModelResource
{
    QString collection;
    QString id;
};

ModelResource modelResource(const QString &model)
{
    for (const QString &prefix : {QStringLiteral("models/"), QStringLiteral("tunedModels/")}) {
        if (model.startsWith(prefix))
            return {prefix.chopped(1), model.sliced(prefix.size())};
    }
    return {QStringLiteral("models"), model};
}

// `{base}/v1beta/{collection}/{id}:{method}`, with the id percent-encoded as one path segment.
// Encoding matters for our own simulator, whose fault suffix is a '+' in the model name, and
// keeps any '/', '?' or '#' in a model id from changing the URL's structure.
QUrl methodUrl(const QUrl &baseUrl, const QString &model, QLatin1String method)
{
    const ModelResource resource = modelResource(model);
    QUrl url = baseUrl;
    // Wire::appendPath() takes a decoded path and would encode our '%' a second time, so the
    // path is put together encoded and set as such.
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    path += QLatin1Char('/') + QLatin1String(kApiVersion) + QLatin1Char('/') + resource.collection +
            QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(resource.id)) + QLatin1Char(':') +
            method;
    url.setPath(path, QUrl::StrictMode);
    return url;
}

// Gemini counts thinking apart from the answer: totalTokenCount = prompt + candidates +
// toolUsePrompt + thoughts. Lathe's outputTokens follows OpenAI and Anthropic, whose output
// counts include the reasoning tokens (and Google bills thoughts as output), so the two are
// added; reasoningTokens keeps the thoughts alone. promptTokenCount already includes cached
// content, as OpenAI's prompt_tokens does.
TokenUsage usageFrom(const json &metadata)
{
    TokenUsage result;
    result.inputTokens = Json::integer(metadata, "promptTokenCount").value_or(-1);
    const auto candidates = Json::integer(metadata, "candidatesTokenCount");
    const auto thoughts = Json::integer(metadata, "thoughtsTokenCount");
    // Chunks may omit counts (often candidatesTokenCount before the last one): an absent count
    // stays -1 so that ChatCall keeps the value it already has instead of a zero.
    if (candidates || thoughts)
        result.outputTokens = candidates.value_or(0) + thoughts.value_or(0);
    result.cachedInputTokens = Json::integer(metadata, "cachedContentTokenCount").value_or(-1);
    result.reasoningTokens = thoughts.value_or(-1);
    return result;
}

// Google's error object: {"error": {"code": 429, "message": "…", "status": "RESOURCE_EXHAUSTED",
// "details": [...]}}. Returns the message with the status word, and the status word.
std::optional<std::pair<QString, QString>> errorIn(const json &payload)
{
    const json *error = Json::member(payload, "error");
    if (!error || error->is_null())
        return std::nullopt;
    if (error->is_string())
        return std::pair{QString::fromStdString(error->get<std::string>()), QString()};
    QString message = Json::string(*error, "message").value_or(QString());
    if (message.isEmpty())
        message = QStringLiteral("unspecified error");
    const QString status = Json::string(*error, "status").value_or(QString());
    if (!status.isEmpty())
        message += QStringLiteral(" [") + status + QLatin1Char(']');
    return std::pair{message, status};
}

// The wait a 429 asks for: details[] holds a google.rpc.RetryInfo with a protobuf Duration
// string such as "22s" (protocols.md §8).
QString retryDelayIn(const json &error)
{
    const json *details = Json::member(error, "details");
    if (!details || !details->is_array())
        return {};
    for (const json &detail : *details) {
        const QString type = Json::string(detail, "@type").value_or(QString());
        if (type.endsWith(QLatin1String("google.rpc.RetryInfo")))
            return Json::string(detail, "retryDelay").value_or(QString());
    }
    return {};
}

// Only the first candidate is read: Lathe never asks for candidateCount > 1.
const json *firstCandidate(const json &payload)
{
    const auto *candidates = Json::member(payload, "candidates");
    if (!candidates || !candidates->is_array())
        return nullptr;
    for (const json &candidate : *candidates) {
        if (Json::integer(candidate, "index").value_or(0) == 0)
            return &candidate;
    }
    return nullptr;
}

void appendParts(const json &parts, int &toolCallCount, QList<StreamEvent> &out)
{
    if (!parts.is_array())
        return;
    for (const json &part : parts) {
        // Thought summaries are parts with "thought": true. Parts may carry only a
        // thoughtSignature and no text; there is nothing to show for those.
        if (auto text = Json::string(part, "text"); text && !text->isEmpty()) {
            const json *thought = Json::member(part, "thought");
            const bool isThought = thought && thought->is_boolean() && thought->get<bool>();
            out.append(isThought ? StreamEvent::reasoningDelta(std::move(*text))
                                 : StreamEvent::textDelta(std::move(*text)));
        }
        const json *call = Json::member(part, "functionCall");
        if (!call || !call->is_object())
            continue;
        // Gemini sends whole calls, never argument fragments, so one delta is the whole call.
        // Calls carry no index on the wire; ours is their running count in the answer.
        ToolCallDelta delta;
        delta.index = toolCallCount++;
        delta.id = Json::string(*call, "id").value_or(QString());
        delta.name = Json::string(*call, "name").value_or(QString());
        // `args` is an object (a protobuf Struct, whose keys have no order): its compact JSON is
        // the arguments text. A function without parameters may be called without `args`.
        const json *args = Json::member(*call, "args");
        delta.argumentsFragment =
            args && args->is_object() ? QString::fromUtf8(Wire::dumpJson(*args)) : QStringLiteral("{}");
        out.append(StreamEvent::toolCallDelta(std::move(delta)));
    }
}

struct ResponseRead
{
    bool hasCandidate = false;
    bool finished = false; // the first candidate carried a finishReason
    bool blocked = false;  // promptFeedback.blockReason: the prompt was refused
};

// Reads one GenerateContentResponse, streamed chunk or whole body, into events.
ResponseRead appendResponse(const json &payload, const QString &blockWhere, int &toolCallCount,
                            QList<StreamEvent> &out)
{
    ResponseRead read;
    if (const json *candidate = firstCandidate(payload)) {
        read.hasCandidate = true;
        if (const json *content = Json::member(*candidate, "content")) {
            if (const json *parts = Json::member(*content, "parts"))
                appendParts(*parts, toolCallCount, out);
        }
        if (auto reason = Json::string(*candidate, "finishReason"); reason && !reason->isEmpty()) {
            out.append(StreamEvent::finish(std::move(*reason)));
            read.finished = true;
        }
    }
    if (const json *usage = Json::member(payload, "usageMetadata"); usage && usage->is_object())
        out.append(StreamEvent::usageReport(usageFrom(*usage)));
    // A prompt blocked by safety filters comes as HTTP 200 with no candidates: a refusal, not
    // an empty answer (protocols.md §8, §12.6).
    if (const json *feedback = Json::member(payload, "promptFeedback")) {
        if (auto reason = Json::string(*feedback, "blockReason"); reason && !reason->isEmpty()) {
            QString message = QStringLiteral("the prompt was blocked: ") + *reason;
            if (auto detail = Json::string(*feedback, "blockReasonMessage"); detail && !detail->isEmpty())
                message += QStringLiteral(" (") + *detail + QLatin1Char(')');
            out.append(
                StreamEvent::failure(Lathe::Error{ErrorCode::Provider, message, blockWhere, 0, *reason}));
            read.blocked = true;
        }
    }
    return read;
}

class StreamingDecoder final : public SseResponseDecoder
{
public:
    bool isComplete() const override { return m_finished; }

private:
    void handleEvent(const Http::SseEvent &event, QList<StreamEvent> &out) override
    {
        const auto payload = Wire::parseStreamEvent(event, out);
        if (!payload)
            return;
        const QString where = Wire::streamWhere(event.byteOffset);
        // An error after HTTP 200 arrives as a data event holding only Google's error object.
        if (auto error = errorIn(*payload)) {
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Provider, error->first, where, 0, error->second}));
            return;
        }
        m_finished = appendResponse(*payload, where, m_toolCallCount, out).finished || m_finished;
    }

    int m_toolCallCount = 0;
    bool m_finished = false; // a finishReason arrived: Gemini has no other end marker
};

bool readWholeBody(const json &payload, QList<StreamEvent> &out)
{
    if (auto error = errorIn(payload)) {
        out.append(
            StreamEvent::failure(Lathe::Error{ErrorCode::Provider, error->first, {}, 0, error->second}));
        return false;
    }
    int toolCallCount = 0;
    const ResponseRead read =
        appendResponse(payload, QStringLiteral("promptFeedback.blockReason"), toolCallCount, out);
    if (read.blocked)
        return false;
    if (!read.hasCandidate) {
        out.append(StreamEvent::failure(Lathe::Error{ErrorCode::Protocol,
                                                     QStringLiteral("response has no candidates"),
                                                     QStringLiteral("candidates"), 0}));
        return false;
    }
    return true;
}

// What the model reads: contents, the system instruction and tools. A generateContent request
// adds its generation settings; countTokens counts exactly this.
json promptBody(const ChatRequest &request)
{
    // System messages, wherever they are, become systemInstruction: Gemini has no system role
    // in `contents`. Each message stays its own part, so nothing is joined with made-up text.
    json systemParts = json::array();
    json contents = json::array();
    for (const auto &message : request.messages) {
        // The API rejects a part whose text is empty ("required oneof field 'data' must have one
        // initialized field"), and an empty message says nothing: it is left out.
        if (message.content.isEmpty())
            continue;
        json part = {{"text", message.content.toStdString()}};
        if (message.role == QLatin1String("system")) {
            systemParts.push_back(std::move(part));
            continue;
        }
        // Gemini's roles are "user" and "model"; turns alternate, so consecutive messages of
        // one role are merged into one turn with several parts, as the SDKs' chat helpers do.
        const std::string role = message.role == QLatin1String("assistant") ? "model" : "user";
        if (!contents.empty() && contents.back()["role"] == role)
            contents.back()["parts"].push_back(std::move(part));
        else
            contents.push_back({{"role", role}, {"parts", json::array({std::move(part)})}});
    }

    json body = {{"contents", std::move(contents)}};
    if (!systemParts.empty())
        body["systemInstruction"] = {{"parts", std::move(systemParts)}};

    if (!request.tools.isEmpty()) {
        // One Tool holding every declaration, as the SDKs send it. `parameters` takes Google's
        // OpenAPI-subset Schema (protocols.md §8 names no other field), so JSON Schema keywords
        // outside that subset (e.g. additionalProperties) are the caller's to avoid.
        json declarations = json::array();
        for (const ToolDefinition &tool : request.tools) {
            json declaration = {{"name", tool.name.toStdString()},
                                {"parameters", Wire::toolParameters(tool)}};
            if (!tool.description.isEmpty())
                declaration["description"] = tool.description.toStdString();
            declarations.push_back(std::move(declaration));
        }
        body["tools"] = json::array({{{"functionDeclarations", std::move(declarations)}}});
    }
    return body;
}

// A POST of `body` to `url` with the headers every Gemini method takes.
OutgoingRequest post(const ProviderEndpoint &endpoint, const QUrl &url, const QByteArray &accept,
                     const nlohmann::ordered_json &body)
{
    OutgoingRequest outgoing;
    outgoing.url = url;
    outgoing.headers.emplaceBack("Content-Type", "application/json");
    outgoing.headers.emplaceBack("Accept", accept);
    // The key goes in a header only: the `?key=` query parameter also works, but URLs end up in
    // logs, history and error messages (protocols.md §8, §12.10).
    Wire::addAuthHeader(endpoint, "x-goog-api-key", outgoing);
    Wire::addExtraHeaders(endpoint, outgoing);
    outgoing.body = Wire::dumpJson(body);
    return outgoing;
}

} // namespace

OutgoingRequest GeminiProtocol::buildRequest(const ProviderEndpoint &endpoint,
                                             const ChatRequest &request) const
{
    json body = promptBody(request);
    json generationConfig = json::object();
    if (request.temperature)
        generationConfig["temperature"] = *request.temperature;
    if (request.maxOutputTokens)
        generationConfig["maxOutputTokens"] = *request.maxOutputTokens;
    if (!generationConfig.empty())
        body["generationConfig"] = std::move(generationConfig);

    // Ordered from here on, so that the schema keeps the caller's property order, which Gemini
    // follows when it writes the answer. responseJsonSchema takes JSON Schema as it is (the older
    // responseSchema takes Google's OpenAPI subset) and requires the JSON MIME type beside it.
    nlohmann::ordered_json wire = body;
    if (request.responseFormat) {
        wire["generationConfig"]["responseMimeType"] = "application/json";
        wire["generationConfig"]["responseJsonSchema"] = Wire::responseSchema(*request.responseFormat);
    }

    QUrl url =
        methodUrl(endpoint.baseUrl, request.model,
                  request.stream ? QLatin1String("streamGenerateContent") : QLatin1String("generateContent"));
    if (request.stream) {
        // Without alt=sse the endpoint streams one JSON array instead of SSE events.
        QUrlQuery query(url);
        query.removeAllQueryItems(QStringLiteral("alt"));
        query.addQueryItem(QStringLiteral("alt"), QStringLiteral("sse"));
        url.setQuery(query);
    }
    return post(endpoint, url, request.stream ? "text/event-stream" : "application/json", wire);
}

OutgoingRequest GeminiProtocol::buildCountTokensRequest(const ProviderEndpoint &endpoint,
                                                        const ChatRequest &request) const
{
    // countTokens takes either bare `contents` or a whole `generateContentRequest`, never both;
    // only the latter carries a system instruction and tools, and it must name the model again
    // (https://ai.google.dev/api/tokens; Vertex AI's countTokens takes them at the top level,
    // the Gemini API does not).
    const ModelResource resource = modelResource(request.model);
    json generateContentRequest = promptBody(request);
    generateContentRequest["model"] =
        QString(resource.collection + QLatin1Char('/') + resource.id).toStdString();
    return post(endpoint, methodUrl(endpoint.baseUrl, request.model, QLatin1String("countTokens")),
                "application/json", {{"generateContentRequest", std::move(generateContentRequest)}});
}

std::unique_ptr<ResponseDecoder> GeminiProtocol::createDecoder(const ChatRequest &request) const
{
    if (request.stream)
        return std::make_unique<StreamingDecoder>();
    return Wire::wholeBodyDecoder(readWholeBody);
}

Lathe::Error GeminiProtocol::httpError(int status, QByteArrayView body, const QString &where) const
{
    json payload = json::parse(body.begin(), body.end(), nullptr, false);
    // Errors of the JSON-array stream (a request without alt=sse) come wrapped in an array.
    if (payload.is_array() && payload.size() == 1)
        payload = json(payload[0]);
    const json *error = Json::member(payload, "error");
    const QString text = error ? Json::string(*error, "message").value_or(QString()) : QString();
    if (text.isEmpty())
        return errorFromHttpResponse(status, body, where);

    const QString statusWord = Json::string(*error, "status").value_or(QString());
    QString message = QStringLiteral("HTTP %1: ").arg(status) + text;
    if (!statusWord.isEmpty())
        message += QStringLiteral(" [") + statusWord + QLatin1Char(']');
    if (const QString delay = retryDelayIn(*error); !delay.isEmpty())
        message += QStringLiteral(" (retry in ") + delay + QLatin1Char(')');
    return Lathe::Error{ErrorCode::Http, message, where, status, statusWord};
}

} // namespace Lathe::Providers
