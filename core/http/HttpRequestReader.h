// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace Lathe::Http
{

/** One HTTP/1.1 request as a server received it. */
struct HttpRequest
{
    QByteArray method;
    QByteArray target; ///< path and query as sent, e.g. "/v1/chat/completions"
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    /** The first header with this name, compared case-insensitively. */
    std::optional<QByteArray> header(QByteArrayView name) const;
    /** The target without its query string. */
    QByteArray path() const;
};

/**
 * Incremental reader of one HTTP/1.1 request (request line, headers, Content-Length body) for
 * the built-in simulator. Bytes may arrive in any chunks. Malformed or oversized requests end
 * in an error state that carries the status code to answer with.
 */
class HttpRequestReader
{
public:
    enum class State
    {
        Incomplete,
        Complete,
        Failed,
    };

    static constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;

    State feed(QByteArrayView bytes);
    State state() const { return m_state; }
    const HttpRequest &request() const { return m_request; }
    /** When Failed: the status to answer with (400, 411, 413, 431, 501) and why. */
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }

private:
    State parseHead(qsizetype headEnd);
    State failWith(int status, QString message);

    QByteArray m_buffer;
    HttpRequest m_request;
    qsizetype m_bodyLength = -1; // -1 while the head is still being read
    State m_state = State::Incomplete;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace Lathe::Http
