// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProviderProtocol.h"

#include <vector>

#include <QRegularExpression>

#include "AnthropicProtocol.h"
#include "GeminiProtocol.h"
#include "JsonFields.h"
#include "OllamaProtocol.h"
#include "OpenAiChatProtocol.h"
#include "OpenAiResponsesProtocol.h"
#include "base/Utf8.h"
#include "http/HttpStatus.h"

namespace Lathe::Providers
{

namespace
{

struct ProviderMessage
{
    QString message;
    QString code;
};

// The provider's message and its machine-readable code, from whichever shape the body uses:
// OpenAI's code (or type), Anthropic's error type, Google's status word.
ProviderMessage providerMessage(const nlohmann::json &body)
{
    const nlohmann::json *source = &body;
    if (const auto *error = Json::member(body, "error")) {
        if (error->is_string())
            return {QString::fromStdString(error->get<std::string>()), {}};
        if (error->is_object())
            source = error;
    }
    ProviderMessage result;
    result.message = Json::string(*source, "message").value_or(QString());
    for (const char *key : {"code", "type", "status"}) {
        result.code = Json::string(*source, key).value_or(QString());
        if (!result.code.isEmpty())
            break;
    }
    return result;
}

template <typename Json> class WholeBodyDecoder final : public ResponseDecoder
{
public:
    explicit WholeBodyDecoder(Wire::BodyReader<Json> read)
        : m_read(std::move(read))
    {}

    void feed(QByteArrayView bytes, QList<StreamEvent> &) override { m_body.append(bytes); }

    void finish(QList<StreamEvent> &out) override
    {
        Json payload;
        try {
            payload = Json::parse(m_body.constBegin(), m_body.constEnd());
        } catch (const typename Json::parse_error &e) {
            out.append(StreamEvent::failure(
                Lathe::Error{ErrorCode::Protocol,
                             QStringLiteral("malformed JSON response: ") + QString::fromUtf8(e.what()),
                             // nlohmann counts bytes from 1; Lathe names offsets from 0.
                             QStringLiteral("response byte %1").arg(e.byte > 0 ? e.byte - 1 : 0), 0}));
            return;
        }
        m_complete = m_read(payload, out);
    }

    bool isComplete() const override { return m_complete; }

private:
    Wire::BodyReader<Json> m_read;
    QByteArray m_body;
    bool m_complete = false;
};

} // namespace

const ProviderProtocol &protocolFor(WireProtocol protocol)
{
    switch (protocol) {
    case WireProtocol::OpenAiResponses: {
        static const OpenAiResponsesProtocol openAiResponses;
        return openAiResponses;
    }
    case WireProtocol::OpenAiChat:
        break;
    case WireProtocol::Anthropic: {
        static const AnthropicProtocol anthropic;
        return anthropic;
    }
    case WireProtocol::Gemini: {
        static const GeminiProtocol gemini;
        return gemini;
    }
    case WireProtocol::Ollama: {
        static const OllamaProtocol ollama;
        return ollama;
    }
    }
    static const OpenAiChatProtocol openAiChat;
    return openAiChat;
}

Lathe::Error ProviderProtocol::httpError(int status, QByteArrayView body, const QString &where) const
{
    return errorFromHttpResponse(status, body, where);
}

Result<void> validateChatRequest(const ChatRequest &request)
{
    if (request.model.trimmed().isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the request names no model"),
                    QStringLiteral("model"));
    if (request.messages.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the request has no messages"),
                    QStringLiteral("messages"));
    static const QStringList knownRoles = {QStringLiteral("system"), QStringLiteral("user"),
                                           QStringLiteral("assistant")};
    for (qsizetype i = 0; i < request.messages.size(); ++i) {
        if (!knownRoles.contains(request.messages[i].role))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("unknown role \"%1\"; use system, user or assistant")
                            .arg(request.messages[i].role),
                        QStringLiteral("messages[%1].role").arg(i));
    }
    if (request.maxOutputTokens && *request.maxOutputTokens < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the output token limit must be at least 1"),
                    QStringLiteral("maxOutputTokens"));
    static const QRegularExpression toolName(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    for (qsizetype i = 0; i < request.tools.size(); ++i) {
        const ToolDefinition &tool = request.tools[i];
        if (!toolName.match(tool.name).hasMatch())
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("tool name \"%1\" must be 1-64 letters, digits, '_' or '-'").arg(tool.name),
                QStringLiteral("tools[%1].name").arg(i));
        if (tool.parametersSchema.trimmed().isEmpty())
            continue;
        try {
            if (!nlohmann::json::parse(tool.parametersSchema.constBegin(), tool.parametersSchema.constEnd())
                     .is_object())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("the parameter schema must be a JSON object"),
                            QStringLiteral("tools[%1].parameters").arg(i));
        } catch (const nlohmann::json::parse_error &e) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the parameter schema is not JSON: ") + QString::fromUtf8(e.what()),
                        QStringLiteral("tools[%1].parameters").arg(i));
        }
    }
    if (request.responseFormat) {
        const QString &name = request.responseFormat->name;
        if (!toolName.match(name).hasMatch())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("response format name \"%1\" must be 1-64 letters, digits, '_' or '-'")
                            .arg(name),
                        QStringLiteral("responseFormat.name"));
        for (qsizetype i = 0; i < request.tools.size(); ++i) {
            if (request.tools[i].name == name)
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("response format name \"%1\" is also the name of a tool; Anthropic "
                                   "receives the format as a tool of that name, so rename one")
                        .arg(name),
                    QStringLiteral("responseFormat.name"));
        }
        if (auto schema = parseResponseSchema(*request.responseFormat); !schema)
            return tl::unexpected(schema.error());
    }
    return {};
}

Result<nlohmann::ordered_json> parseResponseSchema(const ResponseFormat &format)
{
    const QString where = QStringLiteral("responseFormat.schema");
    nlohmann::ordered_json schema;
    try {
        schema = nlohmann::ordered_json::parse(format.schema.constBegin(), format.schema.constEnd());
    } catch (const nlohmann::ordered_json::parse_error &e) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the response schema is not JSON: ") + QString::fromUtf8(e.what()), where);
    }
    if (!schema.is_object())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the response schema must be a JSON object"),
                    where);
    return schema;
}

namespace Wire
{

QUrl appendPath(const QUrl &baseUrl, const QString &path)
{
    QUrl url = baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    return url;
}

void addAuthHeader(const ProviderEndpoint &endpoint, const QByteArray &defaultHeader,
                   OutgoingRequest &request)
{
    if (endpoint.apiKey.isEmpty())
        return;
    const QByteArray header = endpoint.apiKeyHeader.isEmpty() ? defaultHeader : endpoint.apiKeyHeader;
    const QByteArray key = endpoint.apiKey.toUtf8();
    request.headers.emplaceBack(header, header.compare("Authorization", Qt::CaseInsensitive) == 0
                                            ? QByteArray("Bearer " + key)
                                            : key);
}

void addExtraHeaders(const ProviderEndpoint &endpoint, OutgoingRequest &request)
{
    request.headers.append(endpoint.extraHeaders);
}

nlohmann::json toolParameters(const ToolDefinition &tool)
{
    if (tool.parametersSchema.trimmed().isEmpty())
        return {{"type", "object"}, {"properties", nlohmann::json::object()}};
    auto schema = nlohmann::json::parse(tool.parametersSchema.constBegin(), tool.parametersSchema.constEnd(),
                                        nullptr, false);
    // validateChatRequest() has run: a schema that does not parse cannot get here.
    return schema.is_object() ? schema : nlohmann::json::object();
}

nlohmann::ordered_json responseSchema(const ResponseFormat &format)
{
    // validateChatRequest() has run: a schema that is not a JSON object cannot get here.
    return parseResponseSchema(format).value_or(nlohmann::ordered_json::object());
}

QByteArray dumpJson(const nlohmann::json &body)
{
    return QByteArray::fromStdString(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

QByteArray dumpJson(const nlohmann::ordered_json &body)
{
    return QByteArray::fromStdString(
        body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

QString streamWhere(qint64 byteOffset)
{
    return QStringLiteral("stream byte %1").arg(byteOffset);
}

std::optional<nlohmann::json> parseStreamEvent(const Http::SseEvent &event, QList<StreamEvent> &out)
{
    try {
        return nlohmann::json::parse(event.data.toStdString());
    } catch (const nlohmann::json::parse_error &e) {
        out.append(StreamEvent::failure(
            Lathe::Error{ErrorCode::Protocol,
                         QStringLiteral("malformed JSON in stream event: ") + QString::fromUtf8(e.what()),
                         streamWhere(event.byteOffset), 0}));
        return std::nullopt;
    }
}

template <typename Json>
std::unique_ptr<ResponseDecoder> wholeBodyDecoder(std::type_identity_t<BodyReader<Json>> read)
{
    return std::make_unique<WholeBodyDecoder<Json>>(std::move(read));
}

template std::unique_ptr<ResponseDecoder> wholeBodyDecoder<nlohmann::json>(BodyReader<nlohmann::json> read);
template std::unique_ptr<ResponseDecoder>
wholeBodyDecoder<nlohmann::ordered_json>(BodyReader<nlohmann::ordered_json> read);

} // namespace Wire

SseResponseDecoder::SseResponseDecoder(QByteArrayList extraFields)
{
    m_parser.keepExtraFields(std::move(extraFields));
}

void SseResponseDecoder::feed(QByteArrayView bytes, QList<StreamEvent> &out)
{
    if (m_failed)
        return;
    std::vector<Http::SseEvent> events;
    const auto parsed = m_parser.feed(bytes, events);
    for (const auto &event : events)
        handleEvent(event, out);
    if (!parsed) {
        m_failed = true;
        out.append(StreamEvent::failure(parsed.error()));
    }
}

void SseResponseDecoder::finish(QList<StreamEvent> &)
{
    m_parser.finish();
}

Lathe::Error errorFromHttpResponse(int status, QByteArrayView body, const QString &where)
{
    QString detail;
    QString code;
    const auto json = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (!json.is_discarded()) {
        const ProviderMessage provider = providerMessage(json);
        code = provider.code;
        if (!provider.message.isEmpty())
            detail = code.isEmpty() ? provider.message
                                    : provider.message + QStringLiteral(" [") + code + QLatin1Char(']');
    }
    if (detail.isEmpty()) {
        constexpr qsizetype kMaxQuotedChars = 300;
        detail = decodeUtf8(body).simplified();
        if (detail.size() > kMaxQuotedChars) {
            detail.truncate(kMaxQuotedChars);
            if (detail.back().isHighSurrogate())
                detail.chop(1);
            detail += QStringLiteral("…");
        }
    }
    if (detail.isEmpty())
        detail = QString::fromLatin1(Http::reasonPhrase(status));
    QString message = QStringLiteral("HTTP %1").arg(status);
    if (!detail.isEmpty())
        message += QStringLiteral(": ") + detail;
    return Lathe::Error{ErrorCode::Http, message, where, status, code};
}

} // namespace Lathe::Providers
