// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include <QString>

#include <nlohmann/json.hpp>

#include "base/Result.h"

namespace Lathe::Schema
{

/**
 * Deeper nesting is refused, whether the text is strict JSON or not. nlohmann's parser is
 * iterative, but dump(), copies and comparisons of the value recurse: with the default 8 MB
 * stack under ASan, dump() overflows at 3,000 levels and a copy at 10,000. Model answers nest
 * a dozen levels at most.
 */
inline constexpr int kMaxJsonNesting = 1000;

/** One change parseLenient made to a model's text to read it as JSON. */
struct RepairFix
{
    enum class Kind
    {
        TrailingComma,             ///< removed a comma before '}' or ']' (or at the end of cut-off text)
        SingleQuotedString,        ///< read a 'single-quoted' string
        Comment,                   ///< removed a // line, /* block */ or # line comment
        UnquotedKey,               ///< read an identifier-like member name without quotes
        PythonLiteral,             ///< True, False, None became true, false, null
        MissingComma,              ///< inserted a comma between two values on separate lines
        UnescapedControlCharacter, ///< kept raw line breaks, tabs and other control characters in a string
        EscapedApostrophe,         ///< read \' in a double-quoted string as an apostrophe
        TruncationClosed,          ///< closed a string, array or object the text ended inside
        DroppedIncompleteMember,   ///< dropped a member or element the text ended inside
    };

    Kind kind = Kind::TrailingComma;
    std::size_t offset = 0; ///< byte offset of the place in the original text
    int line = 1;           ///< 1-based; lines end at LF
    int column = 1;         ///< 1-based, in Unicode code points from the line's start (a tab counts one)
    QString description;    ///< what was done, without the place: "removed a trailing comma"
};

/** A stable lower-case name for logs and tests, e.g. "trailing_comma". */
QString fixKindName(RepairFix::Kind kind);

/** The fix as the UI lists it: "line 3, column 14: removed a trailing comma". */
QString describeFix(const RepairFix &fix);

struct RepairedJson
{
    nlohmann::json value;
    std::vector<RepairFix> fixes; ///< in text order; empty when the text was JSON as it stood
    bool repaired = false;        ///< false: nlohmann's strict parser read the text unchanged
};

/**
 * Reads one JSON value from a model's text. Strict JSON is read by nlohmann as it stands;
 * anything else goes through a tolerant hand-written parser that records every change it makes
 * (see RepairFix::Kind). Repair never invents data: text cut off inside a key, a number or a
 * literal loses that member or element rather than gaining a guessed value; a cut-off string
 * keeps what arrived; NaN and Infinity are refused, as are values that run together on one line.
 * A number the text ends on (`[1, 23`) is kept although more digits may have been lost.
 *
 * Fails with ErrorCode::Protocol when no JSON can be read; the message says what was expected
 * and `where` is "line L, column C (byte B)" in the text. Linear in the text's length.
 */
Result<RepairedJson> parseLenient(std::string_view utf8Text);

/**
 * parseLenient of `document[begin, end)`, e.g. one candidate picked out of a model's answer,
 * with every place (fixes and the Error's `where`) given in the whole document. Locating costs
 * a pass over the document up to the last place, so a caller trying many spans of one text
 * should try them with the overload above and call this one for the span it keeps.
 */
Result<RepairedJson> parseLenient(std::string_view document, std::size_t begin, std::size_t end);

} // namespace Lathe::Schema
