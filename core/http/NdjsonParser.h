// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>

#include "base/Result.h"

namespace Lathe::Http
{

/** One complete line of a newline-delimited JSON stream, as raw bytes. */
struct NdjsonLine
{
    QByteArray bytes;      ///< the line without its LF or CRLF; not decoded (the JSON parser checks UTF-8)
    qint64 byteOffset = 0; ///< 0-based offset in the stream of the line's first byte
    qint64 lineNumber = 0; ///< 1-based; blank lines count although they are not handed out
};

/**
 * Incremental splitter of newline-delimited JSON (NDJSON / JSON Lines, as Ollama streams
 * `application/x-ndjson`): bytes may arrive in chunks of any size; lines end in LF or CRLF (a
 * CRLF may be split across chunks); blank lines (empty, or only spaces, tabs and CRs, which JSON
 * ignores) are skipped; each other line is handed out whole with where it started. A bare CR
 * inside a line is not a line end: it is JSON whitespace, so the JSON parser decides.
 *
 * A final line without a newline is handed out by finish(); a CR at its very end is dropped as
 * the start of a CRLF the stream never finished.
 *
 * The size limit counts a line's bytes without its line end and is checked as the bytes
 * arrive, so a line too long fails whatever the chunking, as soon as it is known to be too
 * long, naming the line and its offset. The parser then stays failed.
 *
 * Not thread-safe; one parser per stream. Plain class so it can be tested without Qt's loop.
 */
class NdjsonParser
{
public:
    static constexpr qsizetype kDefaultMaxLineBytes = 32 * 1024 * 1024;

    explicit NdjsonParser(qsizetype maxLineBytes = kDefaultMaxLineBytes);

    /** Splits the next chunk and appends every line it completes to `out`. */
    [[nodiscard]] Result<void> feed(QByteArrayView bytes, std::vector<NdjsonLine> &out);

    /** Marks the end of the stream and appends the final line if it had no newline. Call once. */
    [[nodiscard]] Result<void> finish(std::vector<NdjsonLine> &out);

    /** Bytes accepted so far (all of them, unless the parser failed). */
    qint64 bytesConsumed() const { return m_offset; }

private:
    void completeLine(std::vector<NdjsonLine> &out);
    Lathe::Error tooLong() const;

    qsizetype m_maxLineBytes;
    QByteArray m_line;       // the current line so far, without its LF
    qint64 m_lineOffset = 0; // stream offset of m_line's first byte
    qint64 m_lineNumber = 1; // of the current line
    qint64 m_offset = 0;     // bytes consumed so far
    std::optional<Lathe::Error> m_failure;
};

} // namespace Lathe::Http
