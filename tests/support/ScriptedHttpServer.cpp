// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScriptedHttpServer.h"

#include <functional>

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include "http/HttpRequestReader.h"
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

QByteArray sseData(const QByteArray &payload)
{
    return "data: " + payload + "\n\n";
}

namespace
{

// An OpenAI chat.completion or chat.completion.chunk (`object`) with one choice that carries
// `body` under `key`: "message" in a completion, "delta" in a chunk.
QByteArray completionJson(const QString &object, const QString &key, const QJsonObject &body,
                          const QJsonValue &finishReason)
{
    const QJsonObject choice{
        {QStringLiteral("index"), 0}, {key, body}, {QStringLiteral("finish_reason"), finishReason}};
    const QJsonObject completion{{QStringLiteral("id"), QStringLiteral("chatcmpl-scripted")},
                                 {QStringLiteral("object"), object},
                                 {QStringLiteral("created"), 0},
                                 {QStringLiteral("model"), QStringLiteral("scripted")},
                                 {QStringLiteral("choices"), QJsonArray{choice}}};
    return QJsonDocument(completion).toJson(QJsonDocument::Compact);
}

QByteArray chunkJson(const QJsonObject &delta, const QJsonValue &finishReason)
{
    return completionJson(QStringLiteral("chat.completion.chunk"), QStringLiteral("delta"), delta,
                          finishReason);
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
    return completionJson(QStringLiteral("chat.completion"), QStringLiteral("message"), message,
                          finishReason);
}

ScriptedResponse openAiStreamedAnswer(const QStringList &deltas)
{
    QByteArray body;
    for (const QString &delta : deltas)
        body += sseData(openAiContentChunk(delta));
    body += sseData(openAiFinishChunk(QStringLiteral("stop"))) + sseData("[DONE]");
    return {responseWrites(200, "text/event-stream", {body}, BodyFraming::Chunked), 0,
            ScriptedResponse::End::Close};
}

std::optional<QByteArray> requestHeader(const QByteArray &rawRequest, QByteArrayView name)
{
    Http::HttpRequestReader reader;
    if (reader.feed(rawRequest) != Http::HttpRequestReader::State::Complete)
        return std::nullopt;
    return reader.request().header(name);
}

} // namespace Lathe::TestSupport
