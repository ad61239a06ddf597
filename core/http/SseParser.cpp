// SPDX-License-Identifier: GPL-3.0-or-later
#include "SseParser.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "base/Utf8.h"

namespace Lathe::Http
{

namespace
{

constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr qsizetype kBomSize = 3;

bool isAllAsciiDigits(QByteArrayView value)
{
    return !value.isEmpty() &&
           std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes)
{}

void SseParser::keepExtraFields(QByteArrayList names)
{
    m_keptFieldNames = std::move(names);
}

Result<void> SseParser::feed(QByteArrayView bytes, std::vector<SseEvent> &out)
{
    if (m_failed)
        return fail(ErrorCode::Protocol, QStringLiteral("event stream already failed"));

    if (!m_bomChecked) {
        // The BOM may itself arrive one byte at a time, so hold the first bytes until they
        // either complete a BOM or stop matching one.
        const qsizetype want = std::min(kBomSize - m_bomProbe.size(), bytes.size());
        m_bomProbe.append(bytes.first(want));
        bytes = bytes.sliced(want);
        if (QByteArrayView(kBom, kBomSize).startsWith(m_bomProbe) && m_bomProbe.size() < kBomSize)
            return {};
        m_bomChecked = true;
        QByteArray probe = std::exchange(m_bomProbe, {});
        if (probe == QByteArrayView(kBom, kBomSize)) {
            m_offset = kBomSize;
            m_lineOffset = kBomSize;
        } else if (auto r = feed(probe, out); !r) {
            return r;
        }
    }

    const char *const begin = bytes.data();
    const char *const end = begin + bytes.size();
    const char *pos = begin;
    if (m_skipLeadingLf && pos != end) {
        m_skipLeadingLf = false;
        if (*pos == '\n') {
            ++pos;
            ++m_offset;
            m_lineOffset = m_offset;
        }
    }
    while (pos != end) {
        const char *eol = std::find_if(pos, end, [](char c) { return c == '\n' || c == '\r'; });
        m_line.append(pos, eol - pos);
        m_offset += eol - pos;
        // Checked before the line is consumed, so that the verdict never depends on where
        // the chunks happened to end.
        if (auto r = checkLimit(); !r) {
            m_failed = true;
            return r;
        }
        if (eol == end)
            break;
        const qint64 lineOffset = m_lineOffset;
        qint64 terminatorSize = 1;
        if (*eol == '\r') {
            if (eol + 1 == end)
                m_skipLeadingLf = true; // a CRLF may be split across chunks
            else if (eol[1] == '\n')
                terminatorSize = 2;
        }
        pos = eol + terminatorSize;
        m_offset += terminatorSize;
        m_lineOffset = m_offset;
        consumeLine(lineOffset, out);
        if (auto r = checkLimit(); !r) {
            m_failed = true;
            return r;
        }
    }
    return {};
}

bool SseParser::finish()
{
    if (!m_bomChecked) {
        // A stream shorter than a BOM: whatever it held is an unterminated line.
        m_bomChecked = true;
        m_line = std::exchange(m_bomProbe, {});
    }
    const bool discarded =
        !m_line.isEmpty() || !m_data.isEmpty() || !m_eventType.isEmpty() || !m_extraFields.isEmpty();
    m_line.clear();
    m_data.clear();
    m_eventType.clear();
    m_extraFields.clear();
    m_extraFieldBytes = 0;
    m_eventOffset = -1;
    return discarded;
}

void SseParser::consumeLine(qint64 lineOffset, std::vector<SseEvent> &out)
{
    const QByteArray line = std::exchange(m_line, {});
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':')
        return; // comment, e.g. a keep-alive
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        processField(line, {}, lineOffset);
        return;
    }
    QByteArrayView value = QByteArrayView(line).sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    processField(QByteArrayView(line).first(colon), value, lineOffset);
}

void SseParser::processField(QByteArrayView field, QByteArrayView value, qint64 lineOffset)
{
    if (field == "data") {
        if (m_eventOffset < 0)
            m_eventOffset = lineOffset;
        m_data.append(value);
        m_data.append('\n');
    } else if (field == "event") {
        if (m_eventOffset < 0)
            m_eventOffset = lineOffset;
        m_eventType = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventId = decodeUtf8(value);
    } else if (field == "retry") {
        if (isAllAsciiDigits(value)) {
            bool ok = false;
            const qint64 ms = value.toLongLong(&ok);
            m_retryMs = ok ? ms : std::numeric_limits<qint64>::max();
        }
    } else if (m_keptFieldNames.contains(field)) {
        if (m_eventOffset < 0)
            m_eventOffset = lineOffset;
        m_extraFields.append(SseField{decodeUtf8(field), decodeUtf8(value), lineOffset});
        m_extraFieldBytes += value.size();
    }
    // Any other field is ignored, as the standard requires.
}

void SseParser::dispatch(std::vector<SseEvent> &out)
{
    const qint64 eventOffset = std::exchange(m_eventOffset, -1);
    if (m_data.isEmpty() && m_extraFields.isEmpty()) {
        m_eventType.clear();
        return;
    }
    m_data.chop(1); // the LF appended after the last data line, if there was one
    SseEvent event;
    event.type = m_eventType.isEmpty() ? QStringLiteral("message") : decodeUtf8(m_eventType);
    event.data = decodeUtf8(m_data);
    event.lastEventId = m_lastEventId;
    event.byteOffset = eventOffset;
    event.extraFields = std::exchange(m_extraFields, {});
    out.push_back(std::move(event));
    m_data.clear();
    m_eventType.clear();
    m_extraFieldBytes = 0;
}

Result<void> SseParser::checkLimit() const
{
    if (m_line.size() + m_data.size() + m_extraFieldBytes <= m_maxEventBytes)
        return {};
    const qint64 start = m_eventOffset >= 0 ? m_eventOffset : m_lineOffset;
    return fail(ErrorCode::Protocol, QStringLiteral("event larger than %1 bytes").arg(m_maxEventBytes),
                QStringLiteral("stream byte %1").arg(start));
}

} // namespace Lathe::Http
