// SPDX-License-Identifier: GPL-3.0-or-later
#include "IncrementalTokenCount.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "tokens/Pretokenizer.h"

namespace Lathe::Tokens
{

namespace
{

/*
 * How far back an edit must restart pre-tokenizing. Neither regex has a lookbehind, so the piece
 * that starts at a boundary depends only on the text from there on, and the pieces are a chain:
 * each ends where the next starts. The new text's chain therefore follows the old one until the
 * first piece whose match depended on a byte at or after the edit (or on where the text ends).
 * How far past its end can a piece's match depend on the text? Call that point its reach.
 *
 *  - Letter, digit and punctuation runs end at the first character outside their class, one
 *    character (at most 4 bytes) past the piece. A contraction, the optional leading space or
 *    letter prefix and o200k's optional trailing contraction read at most 3 bytes past where
 *    they are tried, which is within the piece or at its end.
 *  - Whitespace ("\s*[\r\n]+", "\s+(?!\S)", "\s+") depends on the whole whitespace run and the
 *    character after it. A match that stops one character short of the run's end leaves that
 *    character to the next piece. A match that ends after the run's last line break leaves the
 *    rest of the run, which has no line break, to at most two pieces: all its characters but the
 *    last, then the last, alone or leading the next word or punctuation. Either way the run ends
 *    no later than the second piece after the match, and the reach is 4 bytes past that.
 *  - o200k's first letter alternative, "[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*" then
 *    "[\p{Ll}\p{Lm}\p{Lo}\p{M}]+", reads a whole run of upper-set characters and, when no
 *    lower-set character follows, gives back those after the last one in both sets. What it gives
 *    back is upper case only (Lu, Lt), which the next piece takes whole by the second alternative,
 *    so the reach is within 4 bytes of the next piece's end.
 *
 * So every piece's reach is at most 4 bytes past the end of the second piece after it, and a
 * restart kLookBackPieces pieces before the piece holding byte (position - kLookBackBytes) keeps
 * every piece before the restart point as it was. This follows from what the regexes match, not
 * from how Pretokenizer.cpp scans them, and holds for ill-formed bytes too, as the scanner never
 * reads a character as more than 4 bytes. An edit on a character boundary needs only one of the
 * two pieces; the second covers an edit inside a character. The tests fail with no piece, or
 * with one piece and 1 byte.
 */
constexpr qsizetype kLookBackBytes = 4;
constexpr size_t kLookBackPieces = 2;

} // namespace

IncrementalTokenCount::IncrementalTokenCount(BpeEncoding encoding)
    : m_encoding(std::move(encoding))
{}

void IncrementalTokenCount::setText(QByteArrayView utf8)
{
    m_text = utf8.toByteArray();
    m_pieces.clear();
    m_tokenCount = 0;
    m_lastRestart = {0, 0};
    for (qsizetype begin = 0; begin < m_text.size();) {
        const Piece piece = pieceAt(begin);
        m_pieces.push_back(piece);
        m_tokenCount += piece.tokens;
        begin += piece.length;
    }
}

Result<void> IncrementalTokenCount::applyEdit(qsizetype position, qsizetype removedBytes,
                                              QByteArrayView insertedUtf8)
{
    const qsizetype oldSize = m_text.size();
    if (position < 0 || removedBytes < 0 || position > oldSize || removedBytes > oldSize - position) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("cannot replace %1 bytes at byte %2 of a %3-byte text")
                        .arg(removedBytes)
                        .arg(position)
                        .arg(oldSize));
    }
    const auto [first, firstBegin] = restartPoint(position);
    m_text.replace(position, removedBytes, insertedUtf8);
    const qsizetype shift = insertedUtf8.size() - removedBytes;
    const qsizetype editEnd = position + insertedUtf8.size();

    // Pieces are re-made from firstBegin until a new boundary past the edit is also an old one
    // (shifted by the edit's size): the text after it is the same, and so are the pieces.
    m_newPieces.clear();
    size_t last = first; // old pieces [first, last) are being replaced
    qsizetype oldEnd = firstBegin;
    qsizetype tokenChange = 0;
    qsizetype begin = firstBegin;
    for (;;) {
        if (begin == m_text.size()) {
            for (; last < m_pieces.size(); ++last)
                tokenChange -= m_pieces[last].tokens;
            break;
        }
        const Piece piece = pieceAt(begin);
        m_newPieces.push_back(piece);
        tokenChange += piece.tokens;
        begin += piece.length;
        for (; last < m_pieces.size() && oldEnd < begin - shift; ++last) {
            oldEnd += m_pieces[last].length;
            tokenChange -= m_pieces[last].tokens;
        }
        if (begin >= editEnd && oldEnd == begin - shift)
            break;
    }

    const auto replaced = qsizetype(last - first);
    const auto made = qsizetype(m_newPieces.size());
    const auto at = m_pieces.begin() + qsizetype(first);
    std::copy_n(m_newPieces.begin(), std::min(replaced, made), at);
    if (replaced > made)
        m_pieces.erase(at + made, at + replaced);
    else
        m_pieces.insert(at + replaced, m_newPieces.begin() + replaced, m_newPieces.end());
    m_tokenCount += tokenChange;
    m_lastRestart = {first, firstBegin};
    return {};
}

std::pair<size_t, qsizetype> IncrementalTokenCount::restartPoint(qsizetype position) const
{
    const qsizetype target = position - kLookBackBytes;
    if (target < 0)
        return {0, 0};
    // Walks to the piece holding target (< m_text.size(), so inside the pieces) from the nearest
    // boundary it knows: the start, the end, or the last edit's restart point, which is where
    // the next keystroke usually lands.
    auto [index, begin] = std::pair<size_t, qsizetype>{0, 0};
    if (std::abs(m_lastRestart.second - target) < target)
        std::tie(index, begin) = m_lastRestart;
    if (m_text.size() - target < std::abs(begin - target))
        std::tie(index, begin) = std::pair{m_pieces.size(), m_text.size()};
    while (begin > target)
        begin -= m_pieces[--index].length;
    while (begin + m_pieces[index].length <= target)
        begin += m_pieces[index++].length;
    for (size_t back = 0; back < kLookBackPieces && index > 0; ++back)
        begin -= m_pieces[--index].length;
    return {index, begin};
}

IncrementalTokenCount::Piece IncrementalTokenCount::pieceAt(qsizetype begin)
{
    const qsizetype end = nextPieceEnd(m_encoding.pattern(), m_text.constData(), m_text.size(), begin);
    m_pieceIds.clear();
    m_encoding.encodePiece(QByteArrayView(m_text).sliced(begin, end - begin), m_pieceIds);
    return {end - begin, qsizetype(m_pieceIds.size())};
}

} // namespace Lathe::Tokens
