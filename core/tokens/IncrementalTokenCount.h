// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <utility>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>

#include "base/Result.h"
#include "tokens/BpeEncoding.h"

namespace Lathe::Tokens
{

/**
 * The exact token count of a document under edits, for a live count while the user types: an
 * edit re-tokenizes only the few pre-tokenizer pieces it touched, so a one-character edit in a
 * 100,000-token document costs tens of microseconds instead of a full encode.
 *
 * tokenCount() always equals encoding.encodeUtf8(text()).size(): special-token text counts as
 * ordinary text (SpecialTokens::AsText), since the count is of what the user typed. The text must
 * be well-formed UTF-8, as an editor's buffer is, and edits must keep it so (positions on
 * character boundaries); any other bytes never crash or hang, but their count is only
 * encodeUtf8()'s, not necessarily tiktoken's.
 *
 * Keeps its own copy of the text, so a copy of the object can be updated off the GUI thread. Not
 * safe to use from two threads at once.
 */
class IncrementalTokenCount
{
public:
    explicit IncrementalTokenCount(BpeEncoding encoding);

    /** Replaces the whole text and counts it from scratch. */
    void setText(QByteArrayView utf8);

    /**
     * Replaces the `removedBytes` bytes at byte `position` with `insertedUtf8` (what QScintilla's
     * SCN_MODIFIED reports) and updates the count. A range outside the text is an
     * InvalidArgument error that leaves text and count unchanged.
     */
    Result<void> applyEdit(qsizetype position, qsizetype removedBytes, QByteArrayView insertedUtf8);

    qsizetype tokenCount() const { return m_tokenCount; }
    const QByteArray &text() const { return m_text; }

private:
    /** One pre-tokenizer piece; its offset is the sum of the lengths before it. */
    struct Piece
    {
        qsizetype length = 0;
        qsizetype tokens = 0;
    };

    /** Where re-tokenizing may restart for an edit at `position`: a piece index and its offset. */
    std::pair<size_t, qsizetype> restartPoint(qsizetype position) const;
    Piece pieceAt(qsizetype begin);

    BpeEncoding m_encoding;
    QByteArray m_text;
    std::vector<Piece> m_pieces;
    qsizetype m_tokenCount = 0;
    /** Where the last edit restarted, as a piece index and its offset: still valid, since the
     *  pieces before it did not change. */
    std::pair<size_t, qsizetype> m_lastRestart{0, 0};
    // Kept between calls so that an edit allocates nothing.
    std::vector<TokenId> m_pieceIds;
    std::vector<Piece> m_newPieces;
};

} // namespace Lathe::Tokens
