// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatorServer.h"

#include <cmath>

#include <QDateTime>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "SimulatedAnswer.h"
#include "base/LogCategories.h"
#include "http/HttpRequestReader.h"
#include "http/HttpStatus.h"

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;

// The error body OpenAI sends for a status, so clients see the shapes they will meet.
json errorBodyFor(int status, const QString &detail)
{
    std::string type = status < 500 ? "invalid_request_error" : "server_error";
    std::string code;
    std::string message = detail.toStdString();
    switch (status) {
    case 401:
        code = "invalid_api_key";
        message = "Incorrect API key provided. " + message;
        break;
    case 429:
        type = "requests";
        code = "rate_limit_exceeded";
        message = "Rate limit reached for requests. Please try again in 1s. " + message;
        break;
    case 503:
        message = "The server is overloaded or not ready yet. " + message;
        break;
    case 529:
        type = "overloaded_error";
        message = "Overloaded. " + message;
        break;
    default:
        break;
    }
    json error = {{"message", message}, {"type", type}, {"param", nullptr}};
    error["code"] = code.empty() ? json(nullptr) : json(code);
    return {{"error", error}};
}

struct ParsedChatRequest
{
    QString model;     ///< without the fault suffix
    QString faultSpec; ///< from the model suffix, if any
    QList<Providers::ChatMessage> messages;
    std::optional<qint64> maxTokens;
    bool stream = false;
    bool includeUsage = false;
};

// Text of an OpenAI message content: a string, or an array of {"type":"text","text":…} parts.
std::optional<QString> contentText(const json &content)
{
    if (content.is_string())
        return QString::fromStdString(content.get<std::string>());
    if (content.is_null())
        return QString();
    if (!content.is_array())
        return std::nullopt;
    QString text;
    for (const json &part : content) {
        const auto it = part.is_object() ? part.find("text") : part.end();
        if (it == part.end() || !it->is_string())
            return std::nullopt;
        text += QString::fromStdString(it->get<std::string>());
    }
    return text;
}

Result<ParsedChatRequest> parseChatRequest(const QByteArray &body)
{
    json root;
    try {
        root = json::parse(body.constBegin(), body.constEnd());
    } catch (const json::parse_error &e) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("invalid JSON in request body: ") + QString::fromUtf8(e.what()));
    }
    if (!root.is_object())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the request body must be a JSON object"));

    ParsedChatRequest request;
    const auto model = root.find("model");
    if (model == root.end() || !model->is_string() || model->get<std::string>().empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'model' must be a non-empty string"));
    const QString fullModel = QString::fromStdString(model->get<std::string>());
    const qsizetype plus = fullModel.indexOf(QLatin1Char('+'));
    request.model = plus < 0 ? fullModel : fullModel.first(plus);
    request.faultSpec = plus < 0 ? QString() : fullModel.sliced(plus + 1);

    const auto messages = root.find("messages");
    if (messages == root.end() || !messages->is_array() || messages->empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'messages' must be a non-empty array"));
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const json &message = (*messages)[i];
        const auto role = message.is_object() ? message.find("role") : message.end();
        if (role == message.end() || !role->is_string())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'messages[%1].role' must be a string").arg(i));
        const auto content = message.find("content");
        auto text = content == message.end() ? std::optional<QString>(QString()) : contentText(*content);
        if (!text)
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("'messages[%1].content' must be a string or an array of text parts").arg(i));
        request.messages.append({QString::fromStdString(role->get<std::string>()), *text});
    }

    for (const char *key : {"max_tokens", "max_completion_tokens"}) {
        const auto limit = root.find(key);
        if (limit == root.end() || limit->is_null())
            continue;
        if (!limit->is_number_integer() || limit->get<qint64>() < 1)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'%1' must be a whole number ≥ 1").arg(QLatin1String(key)));
        request.maxTokens = limit->get<qint64>();
    }
    if (const auto stream = root.find("stream"); stream != root.end() && !stream->is_null()) {
        if (!stream->is_boolean())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("'stream' must be a boolean"));
        request.stream = stream->get<bool>();
    }
    if (const auto options = root.find("stream_options"); options != root.end() && options->is_object()) {
        const auto include = options->find("include_usage");
        request.includeUsage = include != options->end() && include->is_boolean() && include->get<bool>();
    }
    return request;
}

/** One HTTP exchange on one connection: reads the request, answers it, closes. */
class SimulatorExchange final : public QObject
{
public:
    SimulatorExchange(QTcpSocket *socket, const SimulatorOptions &options, quint64 requestNumber,
                      QObject *parent)
        : QObject(parent)
        , m_socket(socket)
        , m_options(options)
        , m_id(QStringLiteral("chatcmpl-sim-%1").arg(requestNumber, 6, 10, QLatin1Char('0')).toStdString())
    {
        m_socket->setParent(this);
        connect(m_socket, &QTcpSocket::readyRead, this, &SimulatorExchange::readRequest);
        connect(m_socket, &QTcpSocket::disconnected, this, &SimulatorExchange::finish);
        connect(&m_timer, &QTimer::timeout, this, &SimulatorExchange::sendDueTokens);
        m_timer.setTimerType(Qt::PreciseTimer);
        if (m_socket->bytesAvailable() > 0)
            readRequest();
    }

private:
    void readRequest()
    {
        if (m_answering)
            return;
        const auto state = m_reader.feed(m_socket->readAll());
        if (state == Http::HttpRequestReader::State::Incomplete)
            return;
        m_answering = true;
        if (state == Http::HttpRequestReader::State::Failed) {
            sendJson(m_reader.errorStatus(), errorBodyFor(m_reader.errorStatus(), m_reader.errorMessage()));
            return;
        }
        route(m_reader.request());
    }

    void route(const Http::HttpRequest &request)
    {
        const QByteArray path = request.path();
        qCDebug(lcMock) << request.method << path;
        if (path == "/v1/models") {
            if (request.method != "GET") {
                sendJson(405, errorBodyFor(405, QStringLiteral("use GET")), "Allow: GET\r\n");
                return;
            }
            json models = json::array();
            for (const char *name : {"lathe-sim", "lathe-sim-large"})
                models.push_back({{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", "lathe"}});
            sendJson(200, {{"object", "list"}, {"data", models}});
            return;
        }
        if (path != "/v1/chat/completions") {
            sendJson(404,
                     errorBodyFor(404, QStringLiteral("Invalid URL (%1 %2)")
                                           .arg(QString::fromUtf8(request.method), QString::fromUtf8(path))));
            return;
        }
        if (request.method != "POST") {
            sendJson(405, errorBodyFor(405, QStringLiteral("use POST")), "Allow: POST\r\n");
            return;
        }
        auto parsed = parseChatRequest(request.body);
        if (!parsed) {
            sendJson(400, errorBodyFor(400, parsed.error().message));
            return;
        }
        m_request = std::move(*parsed);

        QString faultSpec = m_request.faultSpec;
        if (const auto header = request.header("X-Lathe-Fault"))
            faultSpec = QString::fromUtf8(*header);
        if (!faultSpec.isEmpty()) {
            auto fault = SimulatorFault::parse(faultSpec);
            if (!fault) {
                sendJson(400, errorBodyFor(400, fault.error().message));
                return;
            }
            m_fault = *fault;
        } else {
            m_fault = m_options.fault;
        }

        if (m_fault.kind == SimulatorFault::Kind::HttpStatus) {
            const int status = m_fault.httpStatus;
            QByteArray extraHeaders;
            if (status == 429)
                extraHeaders =
                    "retry-after: 1\r\nretry-after-ms: 1000\r\nx-ratelimit-remaining-requests: 0\r\n";
            sendJson(status, errorBodyFor(status, QStringLiteral("(simulated fault http-%1)").arg(status)),
                     extraHeaders);
            return;
        }

        m_answer = simulateAnswer(m_request.model, m_request.messages, m_request.maxTokens);
        m_faultIndex =
            m_fault.kind == SimulatorFault::Kind::None ? -1 : m_fault.faultIndex(m_answer.tokens.size());
        m_clock.start();
        if (m_request.stream) {
            startStream();
        } else {
            // A non-streamed answer arrives when the whole answer would have been generated.
            const double generationMs = m_options.tokensPerSecond > 0
                                            ? m_answer.tokens.size() * 1000.0 / m_options.tokensPerSecond
                                            : 0.0;
            QTimer::singleShot(m_options.firstTokenDelayMs + static_cast<int>(generationMs), this,
                               &SimulatorExchange::sendWholeAnswer);
        }
    }

    json usageJson() const
    {
        const qint64 completion = m_answer.tokens.size();
        return {{"prompt_tokens", m_answer.promptTokens},
                {"completion_tokens", completion},
                {"total_tokens", m_answer.promptTokens + completion},
                {"prompt_tokens_details", {{"cached_tokens", 0}}},
                {"completion_tokens_details", {{"reasoning_tokens", 0}}}};
    }

    void sendWholeAnswer()
    {
        if (m_fault.kind == SimulatorFault::Kind::ResetMidStream) {
            m_socket->abort();
            deleteLater();
            return;
        }
        if (m_fault.kind != SimulatorFault::Kind::None) {
            // There is no stream to break: the error is the answer.
            sendJson(500, errorBodyFor(500, QStringLiteral("(simulated fault)")));
            return;
        }
        const json message = {{"role", "assistant"}, {"content", m_answer.text().toStdString()}};
        json body = {{"id", m_id},
                     {"object", "chat.completion"},
                     {"created", QDateTime::currentSecsSinceEpoch()},
                     {"model", m_request.model.toStdString()},
                     {"system_fingerprint", "lathe-sim"},
                     {"choices", json::array({{{"index", 0},
                                               {"message", message},
                                               {"logprobs", nullptr},
                                               {"finish_reason", m_answer.finishReason.toStdString()}}})},
                     {"usage", usageJson()}};
        sendJson(200, body);
    }

    json chunk(json delta, const json &finishReason) const
    {
        json body = {{"id", m_id},
                     {"object", "chat.completion.chunk"},
                     {"created", m_created},
                     {"model", m_request.model.toStdString()},
                     {"system_fingerprint", "lathe-sim"},
                     {"choices", json::array({{{"index", 0},
                                               {"delta", std::move(delta)},
                                               {"logprobs", nullptr},
                                               {"finish_reason", finishReason}}})}};
        if (m_request.includeUsage)
            body["usage"] = nullptr;
        return body;
    }

    void startStream()
    {
        m_created = QDateTime::currentSecsSinceEpoch();
        m_socket->write("HTTP/1.1 200 OK\r\n"
                        "Content-Type: text/event-stream; charset=utf-8\r\n"
                        "Cache-Control: no-cache\r\n"
                        "Transfer-Encoding: chunked\r\n"
                        "Connection: close\r\n"
                        "x-request-id: " +
                        QByteArray::fromStdString(m_id) + "\r\n\r\n");
        writeChunk(sseEvent(chunk({{"role", "assistant"}, {"content", ""}}, nullptr)));
        const double rate = m_options.tokensPerSecond;
        m_timer.setInterval(rate > 0 ? std::clamp(static_cast<int>(1000.0 / rate), 1, 50) : 0);
        QTimer::singleShot(m_options.firstTokenDelayMs, this, [this] {
            sendDueTokens();
            if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState && !m_streamEnded)
                m_timer.start();
        });
    }

    void sendDueTokens()
    {
        if (m_streamEnded)
            return;
        const qsizetype total = m_answer.tokens.size();
        qsizetype due = total;
        if (m_options.tokensPerSecond > 0) {
            const double generatingMs = m_clock.nsecsElapsed() / 1.0e6 - m_options.firstTokenDelayMs;
            due = std::min<qsizetype>(total, 1 + static_cast<qsizetype>(std::floor(
                                                     generatingMs * m_options.tokensPerSecond / 1000.0)));
        }
        QByteArray batch;
        while (m_nextToken < due) {
            if (m_nextToken == m_faultIndex && !m_faultDone) {
                m_faultDone = true;
                if (!injectFault(batch))
                    return;
            }
            batch += sseEvent(chunk({{"content", m_answer.tokens[m_nextToken].toStdString()}}, nullptr));
            ++m_nextToken;
        }
        if (m_nextToken == total && m_faultIndex == total && !m_faultDone) {
            m_faultDone = true;
            if (!injectFault(batch))
                return;
        }
        if (m_nextToken == total) {
            batch += sseEvent(chunk(json::object(), m_answer.finishReason.toStdString()));
            if (m_request.includeUsage) {
                json last = chunk(json::object(), nullptr);
                last["choices"] = json::array();
                last["usage"] = usageJson();
                batch += sseEvent(last);
            }
            batch += "data: [DONE]\n\n";
            endStream(batch);
            return;
        }
        if (!batch.isEmpty())
            writeChunk(batch);
    }

    // Returns false when the fault ended the stream.
    bool injectFault(QByteArray &batch)
    {
        switch (m_fault.kind) {
        case SimulatorFault::Kind::ResetMidStream:
            if (!batch.isEmpty())
                writeChunk(batch);
            m_socket->flush();
            m_streamEnded = true;
            m_timer.stop();
            m_socket->abort();
            deleteLater();
            return false;
        case SimulatorFault::Kind::ErrorAfter200: {
            const json error = {{"error",
                                 {{"message", "The simulator injected an error after " +
                                                  std::to_string(m_nextToken) + " tokens"},
                                  {"type", "server_error"},
                                  {"param", nullptr},
                                  {"code", "simulated_fault"}}}};
            batch += sseEvent(error);
            batch += "data: [DONE]\n\n";
            endStream(batch);
            return false;
        }
        case SimulatorFault::Kind::MalformedEvent:
            batch +=
                "data: {\"id\": \"" + QByteArray::fromStdString(m_id) + "\", \"choices\": [{\"delta\": \n\n";
            return true;
        case SimulatorFault::Kind::None:
        case SimulatorFault::Kind::HttpStatus:
            break;
        }
        return true;
    }

    static QByteArray sseEvent(const json &payload)
    {
        return "data: " + QByteArray::fromStdString(payload.dump()) + "\n\n";
    }

    void writeChunk(const QByteArray &bytes)
    {
        m_socket->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
    }

    void endStream(const QByteArray &lastBytes)
    {
        m_streamEnded = true;
        m_timer.stop();
        if (!lastBytes.isEmpty())
            writeChunk(lastBytes);
        m_socket->write("0\r\n\r\n");
        m_socket->disconnectFromHost();
    }

    void sendJson(int status, const json &body, const QByteArray &extraHeaders = {})
    {
        const QByteArray payload = QByteArray::fromStdString(body.dump());
        m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + Http::reasonPhrase(status) +
                        "\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: " +
                        QByteArray::number(payload.size()) +
                        "\r\n"
                        "Connection: close\r\n" +
                        extraHeaders + "\r\n" + payload);
        m_socket->disconnectFromHost();
    }

    void finish()
    {
        m_timer.stop();
        m_streamEnded = true;
        deleteLater();
    }

    QTcpSocket *m_socket;
    const SimulatorOptions &m_options;
    std::string m_id;
    Http::HttpRequestReader m_reader;
    ParsedChatRequest m_request;
    SimulatorFault m_fault;
    SimulatedAnswer m_answer;
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_created = 0;
    qsizetype m_nextToken = 0;
    qsizetype m_faultIndex = -1;
    bool m_faultDone = false;
    bool m_answering = false;
    bool m_streamEnded = false;
};

} // namespace

SimulatorServer::SimulatorServer(SimulatorOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &SimulatorServer::acceptConnections);
}

SimulatorServer::~SimulatorServer() = default;

Result<quint16> SimulatorServer::listen(quint16 port)
{
    if (!m_server->listen(QHostAddress::LocalHost, port))
        return fail(ErrorCode::Network, QStringLiteral("cannot listen: ") + m_server->errorString(),
                    QStringLiteral("127.0.0.1:%1").arg(port));
    return m_server->serverPort();
}

quint16 SimulatorServer::port() const
{
    return m_server->serverPort();
}

QUrl SimulatorServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port()));
}

void SimulatorServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection())
        new SimulatorExchange(socket, m_options, ++m_requestCount, this);
}

} // namespace Lathe::Mock
