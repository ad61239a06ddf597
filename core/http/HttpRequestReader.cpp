// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpRequestReader.h"

namespace Lathe::Http
{

std::optional<QByteArray> HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

QByteArray HttpRequest::path() const
{
    const qsizetype query = target.indexOf('?');
    return query < 0 ? target : target.first(query);
}

HttpRequestReader::State HttpRequestReader::feed(QByteArrayView bytes)
{
    if (m_state != State::Incomplete)
        return m_state;
    m_buffer.append(bytes);
    if (m_bodyLength < 0) {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if ((headEnd < 0 && m_buffer.size() > kMaxHeaderBytes) || headEnd > kMaxHeaderBytes)
            return failWith(431, QStringLiteral("request head larger than %1 bytes").arg(kMaxHeaderBytes));
        if (headEnd < 0)
            return m_state;
        if (parseHead(headEnd) == State::Failed)
            return m_state;
        m_buffer.remove(0, headEnd + 4);
    }
    if (m_buffer.size() >= m_bodyLength) {
        m_request.body = m_buffer.first(m_bodyLength);
        m_buffer.clear();
        m_state = State::Complete;
    }
    return m_state;
}

HttpRequestReader::State HttpRequestReader::parseHead(qsizetype headEnd)
{
    const QList<QByteArray> lines = m_buffer.first(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.front().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return failWith(400, QStringLiteral("malformed request line"));
    m_request.method = requestLine[0];
    m_request.target = requestLine[1];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return failWith(400, QStringLiteral("malformed header on line %1").arg(i + 1));
        m_request.headers.append({line.first(colon).trimmed(), line.sliced(colon + 1).trimmed()});
    }
    if (m_request.header("Transfer-Encoding"))
        return failWith(501, QStringLiteral("chunked request bodies are not supported; send Content-Length"));
    m_bodyLength = 0;
    if (const auto length = m_request.header("Content-Length")) {
        bool ok = false;
        m_bodyLength = length->toLongLong(&ok);
        if (!ok || m_bodyLength < 0)
            return failWith(400, QStringLiteral("invalid Content-Length"));
        if (m_bodyLength > kMaxBodyBytes)
            return failWith(413, QStringLiteral("request body larger than %1 bytes").arg(kMaxBodyBytes));
    } else if (m_request.method == "POST" || m_request.method == "PUT") {
        return failWith(411, QStringLiteral("a request body needs Content-Length"));
    }
    return m_state;
}

HttpRequestReader::State HttpRequestReader::failWith(int status, QString message)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    return m_state;
}

} // namespace Lathe::Http
