// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

class QTcpServer;

namespace Lathe::TestSupport
{

/** What a ScriptedHttpServer does on every connection once it has read a whole request. */
struct ScriptedResponse
{
    enum class End
    {
        Close, ///< close the connection cleanly (FIN) after the last write
        Abort, ///< abort the connection delayMs after the last write
        Stall, ///< keep the connection open and send nothing more
    };

    QList<QByteArray> writes; ///< raw bytes, one socket write each, in order
    int delayMs = 0;          ///< pause between two writes (and before an abort)
    End end = End::Close;
};

/**
 * A deliberately dumb HTTP server for client tests: it listens on 127.0.0.1, reads one request
 * per connection (head plus Content-Length body) and answers it with exactly the bytes it was
 * scripted with, one write per piece, on a timer so the event loop never blocks. With the delay
 * the client sees each piece in its own read, which puts TCP segment boundaries where a test
 * wants them (inside a UTF-8 character, a CRLF, an SSE field, a chunk-size line).
 */
class ScriptedHttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScriptedHttpServer)

public:
    explicit ScriptedHttpServer(ScriptedResponse response, QObject *parent = nullptr);
    ~ScriptedHttpServer() override;

    /** Listens on 127.0.0.1 on a free port. */
    bool listen();
    quint16 port() const;
    /** The API root a client is given: http://127.0.0.1:PORT/v1 */
    QUrl baseUrl() const;

    /** Every complete request received so far, raw (head and body). */
    QList<QByteArray> requests() const { return m_requests; }
    /** Connections whose script has run to its end (closed, aborted or now stalling). */
    int finishedScripts() const { return m_finishedScripts; }

Q_SIGNALS:
    void requestReceived(const QByteArray &request);

private:
    void acceptConnections();

    ScriptedResponse m_response;
    QTcpServer *m_server;
    QList<QByteArray> m_requests;
    int m_finishedScripts = 0;
};

/** How an HTTP/1.1 response body is delimited. */
enum class BodyFraming
{
    ContentLength,  ///< Content-Length header, connection kept open
    CloseDelimited, ///< Connection: close and no length: the body ends when the server closes
    Chunked,        ///< Transfer-Encoding: chunked, one HTTP chunk per body piece
};

/**
 * The writes of a whole response: the head first, then one write per body piece, framed as
 * asked (with Chunked, each piece is its own HTTP chunk and the terminator its own write).
 */
QList<QByteArray> responseWrites(int status, const QByteArray &contentType,
                                 const QList<QByteArray> &bodyPieces, BodyFraming framing);

/** One `data:` SSE event with LF line endings. */
QByteArray sseData(const QByteArray &payload);
/** The JSON of an OpenAI chat.completion.chunk whose first choice carries a content delta. */
QByteArray openAiContentChunk(const QString &content);
/** The JSON of an OpenAI chat.completion.chunk that ends the answer with a finish_reason. */
QByteArray openAiFinishChunk(const QString &finishReason);
/** The JSON of a non-streamed OpenAI chat.completion with one assistant message. */
QByteArray openAiCompletion(const QString &content, const QString &finishReason);
/**
 * A whole streamed OpenAI chat answer in one write after the head (chunked): a content chunk per
 * delta, a "stop" chunk and `[DONE]`; then the connection is closed.
 */
ScriptedResponse openAiStreamedAnswer(const QStringList &deltas);

/** The first header called `name` (case-insensitive) of a raw request, as received. */
std::optional<QByteArray> requestHeader(const QByteArray &rawRequest, QByteArrayView name);

} // namespace Lathe::TestSupport
