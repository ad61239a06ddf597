// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include "base/Result.h"

namespace Lathe::Http
{

/** A field the standard says to ignore, kept because the parser was told to keep its name. */
struct SseField
{
    QString name;
    QString value;
    qint64 byteOffset = 0; ///< offset in the stream of the field's line
};

/** One dispatched Server-Sent Event. */
struct SseEvent
{
    QString type;                ///< the `event:` field, or "message" when the event had none
    QString data;                ///< `data:` lines joined with '\n'; empty for an event of kept fields only
    QString lastEventId;         ///< the last-event-ID buffer at dispatch time (it survives dispatch)
    qint64 byteOffset = 0;       ///< offset in the stream of the event's first field line
    QList<SseField> extraFields; ///< the kept fields (SseParser::keepExtraFields()), in stream order
};

/**
 * Incremental Server-Sent Events parser that follows the WHATWG HTML rules (§9.2.5-9.2.6):
 * bytes may arrive in chunks of any size, lines end in LF, CR or CRLF (a CRLF may be split
 * across chunks), one leading UTF-8 BOM is dropped, comment lines are ignored, multi-line
 * `data:` is joined with newlines, `id:` with a NUL is ignored, `retry:` takes only digits,
 * and an event not terminated by a blank line before end of stream is discarded.
 *
 * Bytes are split into lines before decoding, so UTF-8 sequences split across chunks decode
 * correctly; invalid UTF-8 becomes U+FFFD as the standard's decoder does. The size limit
 * counts the pending event's data and kept fields plus the line being read, whatever the
 * chunking.
 *
 * Not thread-safe; one parser per stream. Plain class so it can be tested without Qt's loop.
 */
class SseParser
{
public:
    static constexpr qsizetype kDefaultMaxEventBytes = 32 * 1024 * 1024;

    explicit SseParser(qsizetype maxEventBytes = kDefaultMaxEventBytes);

    /**
     * Keeps the fields of these names, which the standard ignores, in SseEvent::extraFields, and
     * dispatches an event that has such a field even when it has no data. For servers that put
     * meaning in a field of their own, as llama.cpp does with `error:`. Call before feed().
     */
    void keepExtraFields(QByteArrayList names);

    /**
     * Parses the next chunk and appends every event it completes to `out`. Fails (and stays
     * failed) when one event grows past the size limit, naming the byte offset.
     */
    [[nodiscard]] Result<void> feed(QByteArrayView bytes, std::vector<SseEvent> &out);

    /**
     * Marks the end of the stream. The standard discards an unterminated event; this returns
     * true when something was discarded so callers can report a truncated stream.
     */
    bool finish();

    /** The reconnection time from the last valid `retry:` field, if any. */
    std::optional<qint64> retryMs() const { return m_retryMs; }
    QString lastEventId() const { return m_lastEventId; }
    qint64 bytesConsumed() const { return m_offset; }

private:
    void consumeLine(qint64 lineOffset, std::vector<SseEvent> &out);
    void processField(QByteArrayView field, QByteArrayView value, qint64 lineOffset);
    void dispatch(std::vector<SseEvent> &out);
    [[nodiscard]] Result<void> checkLimit() const;

    qsizetype m_maxEventBytes;
    QByteArray m_line;       // the current line, without its terminator
    qint64 m_lineOffset = 0; // stream offset of m_line's first byte
    QByteArray m_data;       // data buffer, raw UTF-8, each line followed by LF
    QByteArray m_eventType;  // event type buffer, raw UTF-8
    QByteArrayList m_keptFieldNames;
    QList<SseField> m_extraFields;   // the pending event's kept fields
    qsizetype m_extraFieldBytes = 0; // their values' size, counted against the limit
    QString m_lastEventId;
    std::optional<qint64> m_retryMs;
    qint64 m_eventOffset = -1; // offset of the first field line of the pending event
    qint64 m_offset = 0;       // bytes consumed so far, BOM included
    QByteArray m_bomProbe;     // the first bytes, held until we know whether they are a BOM
    bool m_bomChecked = false;
    bool m_skipLeadingLf = false; // the previous chunk ended in CR: an LF now completes a CRLF
    bool m_failed = false;
};

} // namespace Lathe::Http
