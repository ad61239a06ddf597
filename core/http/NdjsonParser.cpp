// SPDX-License-Identifier: GPL-3.0-or-later
#include "NdjsonParser.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace Lathe::Http
{

namespace
{

// JSON's insignificant whitespace (RFC 8259 §2) without LF, which cannot occur inside a line.
bool isBlank(QByteArrayView line)
{
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

} // namespace

NdjsonParser::NdjsonParser(qsizetype maxLineBytes)
    : m_maxLineBytes(maxLineBytes)
{}

Result<void> NdjsonParser::feed(QByteArrayView bytes, std::vector<NdjsonLine> &out)
{
    if (m_failure)
        return tl::unexpected(*m_failure);

    const char *pos = bytes.data();
    const char *const end = pos + bytes.size();
    while (pos != end) {
        const auto *lf =
            static_cast<const char *>(std::memchr(pos, '\n', static_cast<std::size_t>(end - pos)));
        const char *const segmentEnd = lf ? lf : end;
        const qsizetype segment = segmentEnd - pos;

        // Checked before the bytes are kept, so that an endless line costs no more than the
        // limit. A CR at the end of what has arrived may be the first half of a CRLF and does
        // not count yet: the verdict must not depend on where the chunks happened to end.
        const char last = segment > 0 ? segmentEnd[-1] : (m_line.isEmpty() ? '\0' : m_line.back());
        const qsizetype contentBytes = m_line.size() + segment - (last == '\r' ? 1 : 0);
        if (contentBytes > m_maxLineBytes) {
            m_failure = tooLong();
            return tl::unexpected(*m_failure);
        }

        m_line.append(pos, segment);
        m_offset += segment;
        pos = segmentEnd;
        if (!lf)
            break;
        ++pos;
        ++m_offset;
        completeLine(out);
    }
    return {};
}

Result<void> NdjsonParser::finish(std::vector<NdjsonLine> &out)
{
    if (m_failure)
        return tl::unexpected(*m_failure);
    if (!m_line.isEmpty())
        completeLine(out);
    return {};
}

void NdjsonParser::completeLine(std::vector<NdjsonLine> &out)
{
    QByteArray line = std::exchange(m_line, {});
    if (line.endsWith('\r'))
        line.chop(1); // CRLF line end (or, at the end of the stream, its first half)
    if (!isBlank(line))
        out.push_back({std::move(line), m_lineOffset, m_lineNumber});
    ++m_lineNumber;
    m_lineOffset = m_offset;
}

Lathe::Error NdjsonParser::tooLong() const
{
    return Lathe::Error{
        ErrorCode::Protocol,
        QStringLiteral("line %1 is longer than %2 bytes").arg(m_lineNumber).arg(m_maxLineBytes),
        QStringLiteral("stream byte %1").arg(m_lineOffset), 0};
}

} // namespace Lathe::Http
