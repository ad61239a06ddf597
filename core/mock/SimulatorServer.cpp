// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatorServer.h"

#include <cmath>

#include <QDateTime>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "OllamaSimulation.h"
#include "SimulatedProtocol.h"
#include "base/LogCategories.h"
#include "http/HttpRequestReader.h"
#include "http/HttpStatus.h"

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;

const SimulatedProtocol &defaultProtocol()
{
    return *simulatedProtocols().front();
}

/** One HTTP exchange on one connection: reads the request, answers it, closes. */
class SimulatorExchange final : public QObject
{
public:
    SimulatorExchange(QTcpSocket *socket, const SimulatorOptions &options, quint64 requestNumber,
                      QHash<QString, int> &faultUses, SimulatedRateLimit &rateLimit, QObject *parent)
        : QObject(parent)
        , m_socket(socket)
        , m_options(options)
        , m_faultUses(faultUses)
        , m_rateLimit(rateLimit)
        , m_requestNumber(requestNumber)
    {
        m_socket->setParent(this);
        connect(m_socket, &QTcpSocket::readyRead, this, &SimulatorExchange::readRequest);
        connect(m_socket, &QTcpSocket::disconnected, this, &SimulatorExchange::finish);
        connect(&m_timer, &QTimer::timeout, this, &SimulatorExchange::sendDuePieces);
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
            sendJson(m_reader.errorStatus(),
                     defaultProtocol().errorBody(m_reader.errorStatus(), m_reader.errorMessage()));
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
                sendJson(405, defaultProtocol().errorBody(405, QStringLiteral("use GET")), "Allow: GET\r\n");
                return;
            }
            json models = json::array();
            for (const char *name : {"lathe-sim", "lathe-sim-large"})
                models.push_back({{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", "lathe"}});
            sendJson(200, {{"object", "list"}, {"data", models}});
            return;
        }
        if (path == "/api/tags") {
            if (request.method != "GET") {
                sendJson(405, OllamaSimulation().errorBody(405, QStringLiteral("use GET")), "Allow: GET\r\n");
                return;
            }
            sendJson(200, OllamaSimulation::modelList());
            return;
        }
        for (const SimulatedProtocol *candidate : simulatedProtocols()) {
            if (candidate->handles(request)) {
                m_protocol = candidate;
                break;
            }
        }
        if (!m_protocol) {
            sendJson(404, defaultProtocol().errorBody(
                              404, QStringLiteral("Invalid URL (%1 %2)")
                                       .arg(QString::fromUtf8(request.method), QString::fromUtf8(path))));
            return;
        }
        if (request.method != "POST") {
            sendJson(405, m_protocol->errorBody(405, QStringLiteral("use POST")), "Allow: POST\r\n");
            return;
        }
        auto parsed = m_protocol->parseRequest(request);
        if (!parsed) {
            sendJson(400, m_protocol->errorBody(400, parsed.error().message));
            return;
        }
        m_request = std::move(*parsed);
        if (!chooseFault(request))
            return;
        const SimulatedRateLimit::Decision admitted = m_rateLimit.admit();
        m_rateLimitHeaders = admitted.headers;
        if (!admitted.allowed) {
            sendJson(429, m_protocol->errorBody(
                              429, QStringLiteral("Rate limit reached for requests (simulated)")));
            return;
        }

        if (m_fault.kind == SimulatorFault::Kind::HttpStatus) {
            const int status = m_fault.httpStatus;
            QByteArray headers;
            if (m_fault.durationMs >= 0) {
                headers = "retry-after-ms: " + QByteArray::number(m_fault.durationMs) +
                          "\r\nretry-after: " + QByteArray::number((m_fault.durationMs + 999) / 1000) +
                          "\r\n";
            }
            if (status == 429)
                headers += "x-ratelimit-remaining-requests: 0\r\n";
            sendJson(status,
                     m_protocol->errorBody(status, QStringLiteral("(simulated fault %1)").arg(m_fault.spec)),
                     headers);
            return;
        }

        if (m_request.countTokens) {
            // A count is a whole answer with no pieces: it comes after the first-token delay, and
            // the faults act on it as on any whole answer (a stall delays it, a reset drops it).
            m_faultIndex = m_fault.faultIndex(0);
            QTimer::singleShot(static_cast<int>(scheduledMs(0)), this, &SimulatorExchange::sendWholeAnswer);
            return;
        }

        auto answer = makeAnswer();
        if (!answer) {
            sendJson(400, m_protocol->errorBody(400, answer.error().message));
            return;
        }
        m_response.id = QStringLiteral("sim-%1").arg(m_requestNumber, 6, 10, QLatin1Char('0'));
        m_response.model = m_request.model;
        m_response.created = QDateTime::currentSecsSinceEpoch();
        m_response.includeUsage = m_request.includeUsage;
        m_response.answer = std::move(*answer);
        m_pieceCount = m_response.answer.pieceCount();
        m_faultIndex = m_fault.faultIndex(m_pieceCount);
        m_clock.start();
        if (m_request.stream) {
            startStream();
        } else {
            // A non-streamed answer arrives when the whole answer would have been generated.
            QTimer::singleShot(static_cast<int>(scheduledMs(m_pieceCount)), this,
                               &SimulatorExchange::sendWholeAnswer);
        }
    }

    // The answer to the request under its fault: a tool call, a structured answer (spoiled
    // as the fault says) when the request has a response schema, else text. Fails when a
    // structured-answer fault has nothing to act on.
    Result<SimulatedAnswer> makeAnswer() const
    {
        StructuredAnswerFlaw flaw = StructuredAnswerFlaw::None;
        switch (m_fault.kind) {
        case SimulatorFault::Kind::ToolCall:
            return simulateToolCall(m_request.model, m_request.messages,
                                    m_request.toolNames.value(0, QStringLiteral("lookup")));
        case SimulatorFault::Kind::InvalidJson:
            flaw = StructuredAnswerFlaw::InvalidJson;
            break;
        case SimulatorFault::Kind::SchemaViolation:
            flaw = StructuredAnswerFlaw::SchemaViolation;
            break;
        case SimulatorFault::Kind::None:
        case SimulatorFault::Kind::HttpStatus:
        case SimulatorFault::Kind::ResetMidStream:
        case SimulatorFault::Kind::ErrorAfter200:
        case SimulatorFault::Kind::MalformedEvent:
        case SimulatorFault::Kind::Stall:
        case SimulatorFault::Kind::SlowDrip:
            break;
        }
        if (!m_request.responseSchema) {
            if (flaw != StructuredAnswerFlaw::None)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("fault \"%1\" needs a request with a response schema (structured "
                                           "output) to act on")
                                .arg(m_fault.spec));
            return simulateAnswer(m_request.model, m_request.messages, m_request.maxTokens);
        }
        auto answer = simulateStructuredAnswer(m_request.model, m_request.messages, *m_request.responseSchema,
                                               m_request.responseTool, flaw, m_request.maxTokens);
        if (!answer)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("fault \"%1\": %2").arg(m_fault.spec, answer.error().message));
        return answer;
    }

    // Picks the fault from the header, the model suffix or the server's options. Returns false
    // when the request named a fault that does not exist (and has been answered with a 400).
    bool chooseFault(const Http::HttpRequest &request)
    {
        QString spec = m_request.faultSpec;
        if (const auto header = request.header("X-Lathe-Fault"))
            spec = QString::fromUtf8(*header);
        if (spec.isEmpty()) {
            m_fault = m_options.fault;
        } else {
            auto fault = SimulatorFault::parse(spec);
            if (!fault) {
                sendJson(400, m_protocol->errorBody(400, fault.error().message));
                return false;
            }
            m_fault = *fault;
        }
        if (m_fault.times >= 0 && m_faultUses[m_fault.spec]++ >= m_fault.times)
            m_fault = SimulatorFault{};
        return true;
    }

    // When piece `index` is due, in ms after the request was read. The end of the answer
    // (index == piece count) goes out with the last piece.
    double scheduledMs(qsizetype index) const
    {
        const qsizetype position = std::min(index, std::max<qsizetype>(m_pieceCount - 1, 0));
        double ms = m_options.firstTokenDelayMs;
        if (m_options.tokensPerSecond > 0)
            ms += position * 1000.0 / m_options.tokensPerSecond;
        if (m_fault.kind == SimulatorFault::Kind::SlowDrip)
            ms += position * double(m_fault.durationMs);
        if (m_fault.kind == SimulatorFault::Kind::Stall && index >= m_faultIndex)
            ms += m_fault.durationMs;
        return ms;
    }

    void sendWholeAnswer()
    {
        switch (m_fault.kind) {
        case SimulatorFault::Kind::ResetMidStream:
            m_socket->abort();
            deleteLater();
            return;
        case SimulatorFault::Kind::ErrorAfter200:
        case SimulatorFault::Kind::MalformedEvent:
            // There is no stream to break: the error is the answer.
            sendJson(500,
                     m_protocol->errorBody(500, QStringLiteral("(simulated fault %1)").arg(m_fault.spec)));
            return;
        case SimulatorFault::Kind::None:
        case SimulatorFault::Kind::HttpStatus:
        case SimulatorFault::Kind::Stall:
        case SimulatorFault::Kind::SlowDrip:
        case SimulatorFault::Kind::ToolCall:
        case SimulatorFault::Kind::InvalidJson:     // the answer itself is spoiled
        case SimulatorFault::Kind::SchemaViolation: // likewise
            break;
        }
        sendJson(200, m_request.countTokens
                          ? m_protocol->tokenCountBody(simulatedPromptTokens(m_request.messages))
                          : m_protocol->wholeResponse(m_response));
    }

    void startStream()
    {
        m_writer = m_protocol->streamWriter(m_response);
        m_socket->write("HTTP/1.1 200 OK\r\n"
                        "Content-Type: " +
                        m_protocol->streamContentType() +
                        "\r\n"
                        "Cache-Control: no-cache\r\n"
                        "Transfer-Encoding: chunked\r\n"
                        "Connection: close\r\n"
                        "x-request-id: " +
                        m_response.id.toUtf8() + "\r\n" + m_rateLimitHeaders + "\r\n");
        writeChunk(m_writer->begin());
        const double rate = m_options.tokensPerSecond;
        m_timer.setInterval(rate > 0 ? std::clamp(static_cast<int>(1000.0 / rate), 1, 50) : 1);
        m_timer.start();
        sendDuePieces();
    }

    void sendDuePieces()
    {
        if (m_streamEnded)
            return;
        const double now = m_clock.nsecsElapsed() / 1.0e6;
        QByteArray batch;
        while (m_nextPiece <= m_pieceCount && scheduledMs(m_nextPiece) <= now) {
            if (m_nextPiece == m_faultIndex && !m_faultDone) {
                m_faultDone = true;
                if (!injectFault(batch))
                    return;
            }
            if (m_nextPiece == m_pieceCount) {
                endStream(batch + m_writer->end());
                return;
            }
            batch += m_writer->piece(m_nextPiece);
            ++m_nextPiece;
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
        case SimulatorFault::Kind::ErrorAfter200:
            endStream(
                batch +
                m_writer->error(
                    QStringLiteral("The simulator injected an error after %1 tokens").arg(m_nextPiece)));
            return false;
        case SimulatorFault::Kind::MalformedEvent:
            batch += m_writer->malformed();
            return true;
        case SimulatorFault::Kind::None:
        case SimulatorFault::Kind::HttpStatus:
        case SimulatorFault::Kind::Stall:
        case SimulatorFault::Kind::SlowDrip:
        case SimulatorFault::Kind::ToolCall:
        case SimulatorFault::Kind::InvalidJson:     // the answer itself is spoiled
        case SimulatorFault::Kind::SchemaViolation: // likewise
            break;
        }
        return true;
    }

    void writeChunk(const QByteArray &bytes)
    {
        if (!bytes.isEmpty())
            m_socket->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
    }

    void endStream(const QByteArray &lastBytes)
    {
        m_streamEnded = true;
        m_timer.stop();
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
                        m_rateLimitHeaders + extraHeaders + "\r\n" + payload);
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
    QHash<QString, int> &m_faultUses;
    SimulatedRateLimit &m_rateLimit;
    QByteArray m_rateLimitHeaders; // on every answer to this request
    quint64 m_requestNumber;
    Http::HttpRequestReader m_reader;
    const SimulatedProtocol *m_protocol = nullptr;
    SimulatedRequest m_request;
    SimulatedResponse m_response;
    std::unique_ptr<SimulatedStreamWriter> m_writer;
    SimulatorFault m_fault;
    QElapsedTimer m_clock;
    QTimer m_timer;
    qsizetype m_pieceCount = 0;
    qsizetype m_nextPiece = 0;
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
    , m_rateLimit(m_options.requestsPerMinute)
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
        new SimulatorExchange(socket, m_options, ++m_requestCount, m_faultUses, m_rateLimit, this);
}

} // namespace Lathe::Mock
