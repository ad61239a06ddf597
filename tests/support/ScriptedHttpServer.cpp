// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScriptedHttpServer.h"

#include <functional>

#include <QEventLoop>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include "http/HttpStatus.h"

namespace Lathe::TestSupport
{

namespace
{

/** One connection of a ScriptedHttpServer: reads a request, then plays the script. */
class ScriptedConnection final : public QObject
{
public:
    ScriptedConnection(QTcpSocket *socket, const ScriptedResponse &script,
                       std::function<void(const QByteArray &)> onRequest, std::function<void()> onScriptEnd,
                       QObject *parent)
        : QObject(parent)
        , m_socket(socket)
        , m_script(script)
        , m_onRequest(std::move(onRequest))
        , m_onScriptEnd(std::move(onScriptEnd))
    {
        m_socket->setParent(this);
        // Every write leaves at once as its own segment, so the delays decide what the client
        // can read together.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(m_socket, &QTcpSocket::readyRead, this, &ScriptedConnection::readRequest);
        if (m_socket->bytesAvailable() > 0)
            readRequest();
    }

private:
    void readRequest()
    {
        if (m_started) {
            m_socket->readAll(); // whatever else the client sends is ignored
            return;
        }
        m_buffer += m_socket->readAll();
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        qsizetype bodyLength = 0;
        for (const QByteArray &line : m_buffer.first(headEnd).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0)
                bodyLength = line.sliced(colon + 1).trimmed().toLongLong();
        }
        if (m_buffer.size() < headEnd + 4 + bodyLength)
            return;
        m_started = true;
        m_onRequest(m_buffer.first(headEnd + 4 + bodyLength));
        writeNext();
    }

    void writeNext()
    {
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
            m_onScriptEnd();
            return;
        }
        if (m_next < m_script.writes.size()) {
            m_socket->write(m_script.writes[m_next++]);
            m_socket->flush();
            if (m_next < m_script.writes.size()) {
                QTimer::singleShot(m_script.delayMs, this, &ScriptedConnection::writeNext);
                return;
            }
        }
        switch (m_script.end) {
        case ScriptedResponse::End::Close:
            m_socket->disconnectFromHost(); // after what is still buffered has gone out
            m_onScriptEnd();
            break;
        case ScriptedResponse::End::Abort:
            QTimer::singleShot(m_script.delayMs, this, [this] {
                if (m_socket)
                    m_socket->abort();
                m_onScriptEnd();
            });
            break;
        case ScriptedResponse::End::Stall:
            m_onScriptEnd();
            break;
        }
    }

    QPointer<QTcpSocket> m_socket;
    const ScriptedResponse &m_script;
    std::function<void(const QByteArray &)> m_onRequest;
    std::function<void()> m_onScriptEnd;
    QByteArray m_buffer;
    qsizetype m_next = 0;
    bool m_started = false;
};

} // namespace

ScriptedHttpServer::ScriptedHttpServer(ScriptedResponse response, QObject *parent)
    : QObject(parent)
    , m_response(std::move(response))
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &ScriptedHttpServer::acceptConnections);
}

ScriptedHttpServer::~ScriptedHttpServer() = default;

bool ScriptedHttpServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 ScriptedHttpServer::port() const
{
    return m_server->serverPort();
}

QUrl ScriptedHttpServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port()));
}

void ScriptedHttpServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        new ScriptedConnection(
            socket, m_response,
            [this](const QByteArray &request) {
                m_requests.append(request);
                Q_EMIT requestReceived(request);
            },
            [this] { ++m_finishedScripts; }, this);
    }
}

QList<QByteArray> responseWrites(int status, const QByteArray &contentType,
                                 const QList<QByteArray> &bodyPieces, BodyFraming framing)
{
    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + Lathe::Http::reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    switch (framing) {
    case BodyFraming::ContentLength: {
        qsizetype length = 0;
        for (const QByteArray &piece : bodyPieces)
            length += piece.size();
        head += "Content-Length: " + QByteArray::number(length) + "\r\n";
        break;
    }
    case BodyFraming::CloseDelimited:
        head += "Connection: close\r\n";
        break;
    case BodyFraming::Chunked:
        head += "Transfer-Encoding: chunked\r\n";
        break;
    }
    head += "\r\n";

    QList<QByteArray> writes{head};
    for (const QByteArray &piece : bodyPieces) {
        if (piece.isEmpty())
            continue; // an empty chunk would end a chunked body
        if (framing == BodyFraming::Chunked)
            writes.append(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
        else
            writes.append(piece);
    }
    if (framing == BodyFraming::Chunked)
        writes.append("0\r\n\r\n");
    return writes;
}

QList<QByteArray> splitAt(const QByteArray &bytes, const QList<qsizetype> &offsets)
{
    QList<QByteArray> pieces;
    qsizetype start = 0;
    for (const qsizetype offset : offsets) {
        Q_ASSERT(offset >= start && offset <= bytes.size());
        pieces.append(bytes.mid(start, offset - start));
        start = offset;
    }
    pieces.append(bytes.mid(start));
    return pieces;
}

QByteArray sseData(const QByteArray &payload)
{
    return "data: " + payload + "\n\n";
}

namespace
{

QByteArray chunkJson(const QJsonObject &delta, const QJsonValue &finishReason)
{
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("delta"), delta},
                             {QStringLiteral("finish_reason"), finishReason}};
    const QJsonObject chunk{{QStringLiteral("id"), QStringLiteral("chatcmpl-scripted")},
                            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("created"), 0},
                            {QStringLiteral("model"), QStringLiteral("scripted")},
                            {QStringLiteral("choices"), QJsonArray{choice}}};
    return QJsonDocument(chunk).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray openAiContentChunk(const QString &content)
{
    return chunkJson(QJsonObject{{QStringLiteral("content"), content}}, QJsonValue::Null);
}

QByteArray openAiFinishChunk(const QString &finishReason)
{
    return chunkJson(QJsonObject{}, finishReason);
}

QByteArray openAiCompletion(const QString &content, const QString &finishReason)
{
    const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                              {QStringLiteral("content"), content}};
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("finish_reason"), finishReason}};
    const QJsonObject completion{{QStringLiteral("id"), QStringLiteral("chatcmpl-scripted")},
                                 {QStringLiteral("object"), QStringLiteral("chat.completion")},
                                 {QStringLiteral("created"), 0},
                                 {QStringLiteral("model"), QStringLiteral("scripted")},
                                 {QStringLiteral("choices"), QJsonArray{choice}}};
    return QJsonDocument(completion).toJson(QJsonDocument::Compact);
}

std::optional<QByteArray> RawHttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

namespace
{

// Decodes a chunked body strictly; returns an error text when the framing is broken.
QString dechunk(const QByteArray &data, RawHttpResponse &response)
{
    qsizetype pos = 0;
    while (true) {
        const qsizetype lineEnd = data.indexOf("\r\n", pos);
        if (lineEnd < 0)
            return QStringLiteral("chunk-size line at byte %1 is not terminated").arg(pos);
        QByteArray sizeText = data.mid(pos, lineEnd - pos);
        if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0)
            sizeText.truncate(semicolon);
        bool ok = false;
        const qsizetype size = sizeText.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0)
            return QStringLiteral("bad chunk size at byte %1").arg(pos);
        pos = lineEnd + 2;
        if (size == 0) {
            if (data.mid(pos) != "\r\n")
                return QStringLiteral("the last chunk is not followed by exactly CRLF");
            response.chunkedTerminatorSeen = true;
            return {};
        }
        if (data.size() < pos + size + 2)
            return QStringLiteral("chunk at byte %1 is cut short").arg(pos);
        response.body += data.mid(pos, size);
        if (data.mid(pos + size, 2) != "\r\n")
            return QStringLiteral("chunk data at byte %1 is not followed by CRLF").arg(pos);
        pos += size + 2;
    }
}

} // namespace

RawHttpResponse parseRawHttpResponse(const QByteArray &raw)
{
    RawHttpResponse response;
    response.raw = raw;
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return response;
    const QList<QByteArray> lines = raw.first(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.front().trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine[0].startsWith("HTTP/1."))
        return response;
    response.status = statusLine[1].toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            response.headers.append({lines[i].first(colon).trimmed(), lines[i].sliced(colon + 1).trimmed()});
    }
    const QByteArray data = raw.sliced(headEnd + 4);
    const auto transferEncoding = response.header("Transfer-Encoding");
    if (transferEncoding && transferEncoding->toLower() == "chunked") {
        response.chunked = true;
        response.framingError = dechunk(data, response);
    } else if (const auto length = response.header("Content-Length")) {
        const qsizetype expected = length->toLongLong();
        response.body = data.first(std::min(expected, data.size()));
        if (data.size() != expected)
            response.framingError =
                QStringLiteral("Content-Length %1 but %2 bytes arrived").arg(expected).arg(data.size());
    } else {
        response.body = data;
    }
    return response;
}

RawHttpResponse rawHttpExchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    QTcpSocket socket;
    QByteArray received;
    QObject context;
    QObject::connect(&socket, &QTcpSocket::connected, &context, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &context, [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    // A real event loop rather than QTRY-style polling, which sleeps between polls and so
    // would slow down every timer in the process meanwhile.
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::stateChanged, &loop, [&](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (socket.state() != QAbstractSocket::UnconnectedState)
        loop.exec();
    received += socket.readAll();
    socket.abort(); // on a timeout the caller sees what arrived, and its checks fail
    return parseRawHttpResponse(received);
}

QByteArray rawPost(const QByteArray &path, const QByteArray &body, const QByteArray &extraHeaders)
{
    return "POST " + path +
           " HTTP/1.1\r\n"
           "Host: 127.0.0.1\r\n"
           "Content-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

} // namespace Lathe::TestSupport
