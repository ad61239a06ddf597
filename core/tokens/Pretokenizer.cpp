// SPDX-License-Identifier: GPL-3.0-or-later
#include "Pretokenizer.h"

#include <array>
#include <memory>

#include <QChar>

namespace Lathe::Tokens
{

namespace
{

/**
 * The character classes the two regexes distinguish. o200k needs case: its letter runs are
 * [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]* then [\p{Ll}\p{Lm}\p{Lo}\p{M}]+, so Lm/Lo letters and marks
 * belong to both sets, while marks are not \p{L} and so also count as punctuation.
 */
enum class CharClass : quint8
{
    Upper,     ///< Lu, Lt
    Lower,     ///< Ll
    Caseless,  ///< Lm, Lo
    Mark,      ///< Mn, Mc, Me
    Number,    ///< Nd, Nl, No
    Space,     ///< White_Space other than \r and \n
    LineBreak, ///< \r, \n
    Other,
};

struct CodePoint
{
    CharClass cls = CharClass::Other;
    qsizetype length = 1;
};

constexpr std::array<CharClass, 128> makeAsciiClasses()
{
    std::array<CharClass, 128> classes{};
    for (auto &cls : classes)
        cls = CharClass::Other;
    for (int c = 'A'; c <= 'Z'; ++c)
        classes[c] = CharClass::Upper;
    for (int c = 'a'; c <= 'z'; ++c)
        classes[c] = CharClass::Lower;
    for (int c = '0'; c <= '9'; ++c)
        classes[c] = CharClass::Number;
    // Unicode White_Space, which is what \s means in tiktoken's (Rust) regex: 0x1C-0x1F are not in
    // it, unlike in Python's str.isspace().
    for (int c : {'\t', '\v', '\f', ' '})
        classes[c] = CharClass::Space;
    classes['\r'] = CharClass::LineBreak;
    classes['\n'] = CharClass::LineBreak;
    return classes;
}

constexpr auto kAsciiClasses = makeAsciiClasses();

bool isNonAsciiWhiteSpace(char32_t cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

CharClass classify(char32_t cp)
{
    if (isNonAsciiWhiteSpace(cp))
        return CharClass::Space;
    switch (QChar::category(cp)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Titlecase:
        return CharClass::Upper;
    case QChar::Letter_Lowercase:
        return CharClass::Lower;
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return CharClass::Caseless;
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return CharClass::Mark;
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return CharClass::Number;
    default:
        return CharClass::Other;
    }
}

/**
 * The class of every BMP code point, one byte each (64 KB), built on first use: one load
 * instead of a call into Qt's two-level tables and a switch for every character outside ASCII.
 * Code points above the BMP (emoji, historic scripts) are rare enough to keep asking Qt.
 */
const CharClass *bmpClasses()
{
    static const std::unique_ptr<CharClass[]> table = [] {
        auto classes = std::make_unique<CharClass[]>(0x10000);
        for (char32_t cp = 0; cp < 0x10000; ++cp)
            classes[cp] = cp < 0x80 ? kAsciiClasses[cp] : classify(cp);
        return classes;
    }();
    return table.get();
}

bool isLetter(CharClass c)
{
    return c == CharClass::Upper || c == CharClass::Lower || c == CharClass::Caseless;
}
bool isWhite(CharClass c)
{
    return c == CharClass::Space || c == CharClass::LineBreak;
}
/** [^\r\n\p{L}\p{N}]: the optional character before a letter run. */
bool isLetterPrefix(CharClass c)
{
    return c == CharClass::Mark || c == CharClass::Space || c == CharClass::Other;
}
/** [^\s\p{L}\p{N}]: punctuation, symbols, marks. */
bool isPunctuation(CharClass c)
{
    return c == CharClass::Mark || c == CharClass::Other;
}
/** o200k's [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]. */
bool isUpperSet(CharClass c)
{
    return c == CharClass::Upper || c == CharClass::Caseless || c == CharClass::Mark;
}
/** o200k's [\p{Ll}\p{Lm}\p{Lo}\p{M}]. */
bool isLowerSet(CharClass c)
{
    return c == CharClass::Lower || c == CharClass::Caseless || c == CharClass::Mark;
}

/** Reads text known to be well-formed UTF-8 (the encoder validates or produces it). */
class Scanner
{
public:
    Scanner(const char *text, qsizetype size)
        : m_text(reinterpret_cast<const unsigned char *>(text))
        , m_size(size)
        , m_bmpClasses(bmpClasses())
    {}

    qsizetype size() const { return m_size; }
    unsigned char byte(qsizetype pos) const { return pos < m_size ? m_text[pos] : 0; }

    /** ASCII inline, the rest out of line: inlining all of it made the compiler call the whole
     *  function for every character, and English and code are nearly all ASCII. */
    CodePoint at(qsizetype pos) const
    {
        const unsigned char b0 = m_text[pos];
        if (b0 < 0x80) [[likely]]
            return {kAsciiClasses[b0], 1};
        return nonAsciiAt(pos);
    }

    [[gnu::noinline]] CodePoint nonAsciiAt(qsizetype pos) const
    {
        const unsigned char b0 = m_text[pos];
        // Callers promise well-formed UTF-8; should one break that promise, a character cut off
        // by the end still must not be read past it.
        if (pos + (b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4) > m_size)
            return {CharClass::Other, 1};
        if (b0 < 0xE0)
            return {m_bmpClasses[(char32_t(b0 & 0x1F) << 6) | (m_text[pos + 1] & 0x3F)], 2};
        if (b0 < 0xF0)
            return {m_bmpClasses[(char32_t(b0 & 0x0F) << 12) | (char32_t(m_text[pos + 1] & 0x3F) << 6) |
                                 (m_text[pos + 2] & 0x3F)],
                    3};
        return {classify((char32_t(b0 & 0x07) << 18) | (char32_t(m_text[pos + 1] & 0x3F) << 12) |
                         (char32_t(m_text[pos + 2] & 0x3F) << 6) | (m_text[pos + 3] & 0x3F)),
                4};
    }

    template <typename Predicate> qsizetype runEnd(qsizetype pos, Predicate inSet) const
    {
        while (pos < m_size) {
            const CodePoint cp = at(pos);
            if (!inSet(cp.cls))
                break;
            pos += cp.length;
        }
        return pos;
    }

    /** (?i:'s|'t|'re|'ve|'m|'ll|'d) at pos: its end, or -1. */
    qsizetype contractionEnd(qsizetype pos) const
    {
        if (byte(pos) != '\'')
            return -1;
        const auto lower = [this](qsizetype p) {
            return char(byte(p) | 0x20);
        };
        const char first = lower(pos + 1);
        if (first == 's' || first == 't' || first == 'm' || first == 'd')
            return pos + 2;
        // U+017F LATIN SMALL LETTER LONG S case-folds to 's', so the case-insensitive group matches it.
        if (byte(pos + 1) == 0xC5 && byte(pos + 2) == 0xBF)
            return pos + 3;
        const char second = lower(pos + 2);
        if ((first == 'r' && second == 'e') || (first == 'v' && second == 'e') ||
            (first == 'l' && second == 'l'))
            return pos + 3;
        return -1;
    }

    /** [^\s\p{L}\p{N}]+ then [\r\n]* (cl100k) or [\r\n/]* (o200k, `slashTrails`). */
    qsizetype punctuationEnd(qsizetype pos, bool slashTrails) const
    {
        pos = runEnd(pos, isPunctuation);
        while (pos < m_size &&
               (m_text[pos] == '\r' || m_text[pos] == '\n' || (slashTrails && m_text[pos] == '/')))
            ++pos;
        return pos;
    }

    /** \p{N}{1,3} */
    qsizetype digitsEnd(qsizetype pos) const
    {
        for (int count = 0; count < 3 && pos < m_size; ++count) {
            const CodePoint cp = at(pos);
            if (cp.cls != CharClass::Number)
                break;
            pos += cp.length;
        }
        return pos;
    }

    /** \s*[\r\n]+ | \s+(?!\S) | \s+ at a whitespace character, with the regex's backtracking. */
    qsizetype whitespaceEnd(qsizetype begin) const
    {
        qsizetype pos = begin;
        qsizetype lastStart = begin;
        qsizetype afterLastLineBreak = -1;
        while (pos < m_size) {
            const CodePoint cp = at(pos);
            if (!isWhite(cp.cls))
                break;
            lastStart = pos;
            pos += cp.length;
            if (cp.cls == CharClass::LineBreak)
                afterLastLineBreak = pos;
        }
        // \s* gives characters back until [\r\n]+ can match: that ends after the run's last line break.
        if (afterLastLineBreak > 0)
            return afterLastLineBreak;
        // \s+(?!\S) leaves the run's last character to start the next piece, unless the text ends.
        if (pos == m_size || lastStart == begin)
            return pos;
        return lastStart;
    }

private:
    const unsigned char *m_text;
    qsizetype m_size;
    const CharClass *m_bmpClasses;
};

qsizetype cl100kPieceEnd(const Scanner &text, qsizetype begin)
{
    if (const qsizetype end = text.contractionEnd(begin); end > 0)
        return end;
    const CodePoint first = text.at(begin);
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (isLetter(first.cls))
        return text.runEnd(begin, isLetter);
    const qsizetype second = begin + first.length;
    if (isLetterPrefix(first.cls) && second < text.size() && isLetter(text.at(second).cls))
        return text.runEnd(second, isLetter);
    if (first.cls == CharClass::Number)
        return text.digitsEnd(begin);
    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
    if (text.byte(begin) == ' ' && second < text.size() && isPunctuation(text.at(second).cls))
        return text.punctuationEnd(second, false);
    if (isPunctuation(first.cls))
        return text.punctuationEnd(begin, false);
    return text.whitespaceEnd(begin);
}

/**
 * [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ from pos, or -1. When the greedy
 * first run is not followed by a lower-set character, the regex backtracks to the last
 * character of that run which is in both sets (Lm, Lo or a mark) and ends right after it.
 */
qsizetype o200kUpperThenLowerEnd(const Scanner &text, qsizetype pos)
{
    qsizetype afterLastInBoth = -1;
    while (pos < text.size()) {
        const CodePoint cp = text.at(pos);
        if (!isUpperSet(cp.cls))
            break;
        pos += cp.length;
        if (isLowerSet(cp.cls))
            afterLastInBoth = pos;
    }
    if (pos < text.size() && isLowerSet(text.at(pos).cls))
        return text.runEnd(pos, isLowerSet);
    return afterLastInBoth;
}

/** [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* from pos, or -1. */
qsizetype o200kUpperRunEnd(const Scanner &text, qsizetype pos)
{
    if (pos >= text.size() || !isUpperSet(text.at(pos).cls))
        return -1;
    return text.runEnd(text.runEnd(pos, isUpperSet), isLowerSet);
}

qsizetype o200kPieceEnd(const Scanner &text, qsizetype begin)
{
    const CodePoint first = text.at(begin);
    const qsizetype second = begin + first.length;
    const bool prefixable = isLetterPrefix(first.cls);
    const bool letterLike = isLetter(first.cls) || first.cls == CharClass::Mark;
    const auto withContraction = [&text](qsizetype end) {
        const qsizetype contraction = text.contractionEnd(end);
        return contraction > 0 ? contraction : end;
    };
    // Both letter alternatives try "with the optional prefix character" before "without".
    if (prefixable) {
        if (const qsizetype end = o200kUpperThenLowerEnd(text, second); end > 0)
            return withContraction(end);
    }
    if (letterLike) {
        if (const qsizetype end = o200kUpperThenLowerEnd(text, begin); end > 0)
            return withContraction(end);
    }
    if (prefixable) {
        if (const qsizetype end = o200kUpperRunEnd(text, second); end > 0)
            return withContraction(end);
    }
    if (letterLike) {
        if (const qsizetype end = o200kUpperRunEnd(text, begin); end > 0)
            return withContraction(end);
    }
    if (first.cls == CharClass::Number)
        return text.digitsEnd(begin);
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    if (text.byte(begin) == ' ' && second < text.size() && isPunctuation(text.at(second).cls))
        return text.punctuationEnd(second, true);
    if (isPunctuation(first.cls))
        return text.punctuationEnd(begin, true);
    return text.whitespaceEnd(begin);
}

} // namespace

qsizetype nextPieceEnd(PretokenPattern pattern, const char *text, qsizetype size, qsizetype begin)
{
    const Scanner scanner(text, size);
    return pattern == PretokenPattern::Cl100k ? cl100kPieceEnd(scanner, begin)
                                              : o200kPieceEnd(scanner, begin);
}

} // namespace Lathe::Tokens
