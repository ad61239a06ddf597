// SPDX-License-Identifier: GPL-3.0-or-later
#include "RawHttpClient.h"

#include <algorithm>

#include <QEventLoop>
#include <QHostAddress>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>

namespace Lathe::TestSupport
{

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
    if (statusLine.size() < 2 || statusLine[0] != "HTTP/1.1")
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

bool waitUntilClosed(QTcpSocket &socket, int timeoutMs)
{
    if (socket.state() == QAbstractSocket::UnconnectedState)
        return true;
    // A real event loop rather than QTRY-style polling, which sleeps between polls and so
    // would slow down every timer in the process meanwhile.
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::stateChanged, &loop, [&](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return socket.state() == QAbstractSocket::UnconnectedState;
}

RawHttpResponse rawHttpExchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    QTcpSocket socket;
    QByteArray received;
    QObject context;
    QObject::connect(&socket, &QTcpSocket::connected, &context, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &context, [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    waitUntilClosed(socket, timeoutMs);
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
