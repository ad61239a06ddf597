// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

class QTcpSocket;

namespace Lathe::TestSupport
{

/** A response as read off a raw socket, with a chunked body decoded. */
struct RawHttpResponse
{
    QByteArray raw; ///< every byte received
    int status = 0; ///< 0 when the status line was unreadable or not HTTP/1.1
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; ///< de-chunked when the response was chunked
    bool chunked = false;
    bool chunkedTerminatorSeen = false; ///< the final `0\r\n\r\n` ended the data exactly
    QString framingError;               ///< why the body does not match its chunked or Content-Length framing

    std::optional<QByteArray> header(QByteArrayView name) const;
};

/**
 * Parses raw response bytes. Every server under test speaks HTTP/1.1, so another version
 * leaves the status at 0. A chunked body is decoded strictly (sizes, CRLFs, terminator), and a
 * Content-Length body must have exactly that length.
 */
RawHttpResponse parseRawHttpResponse(const QByteArray &raw);

/**
 * Sends `request` as is on a new connection to 127.0.0.1:port and reads until the server closes
 * it or the timeout passes (then `raw` holds what arrived). Runs the event loop meanwhile.
 */
RawHttpResponse rawHttpExchange(quint16 port, const QByteArray &request, int timeoutMs = 5000);

/**
 * Runs the event loop until the socket is unconnected or the timeout passes; true when it is
 * unconnected. For tests that drive a socket themselves (writing slowly, timing reads).
 */
bool waitUntilClosed(QTcpSocket &socket, int timeoutMs);

/** A POST request with Content-Length, written by hand; extra header lines end in CRLF. */
QByteArray rawPost(const QByteArray &path, const QByteArray &body, const QByteArray &extraHeaders = {});

} // namespace Lathe::TestSupport
