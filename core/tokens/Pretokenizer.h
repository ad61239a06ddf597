// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace Lathe::Tokens
{

/** Which of OpenAI's pre-tokenization regexes to follow (see research/tokenizers.md §2). */
enum class PretokenPattern
{
    Cl100k, ///< cl100k_base: contractions, letters, 1-3 digits, punctuation, whitespace
    O200k,  ///< o200k_base: case-aware letter runs with trailing contractions
};

/**
 * The end of the piece that starts at `begin` in the well-formed UTF-8 `text` of `size`
 * bytes: the match tiktoken's regex finds there. Hand-written instead of QRegularExpression
 * because matching dominates encoding time; it follows the regex's leftmost-first alternation
 * and backtracking exactly, with \p{…} and \s taken from Qt's Unicode tables. Pure function,
 * safe from any thread.
 */
qsizetype nextPieceEnd(PretokenPattern pattern, const char *text, qsizetype size, qsizetype begin);

} // namespace Lathe::Tokens
