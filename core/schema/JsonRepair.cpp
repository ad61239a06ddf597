// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonRepair.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <QByteArrayView>

#include "base/Utf8.h"

namespace Lathe::Schema
{

namespace
{

using nlohmann::json;
using Kind = RepairFix::Kind;

constexpr std::size_t kNone = std::string_view::npos;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

/** The spellings read as literals: JSON's own, and Python's, which models slip into. */
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kLiterals{{
    {"true", "true"},
    {"false", "false"},
    {"null", "null"},
    {"True", "true"},
    {"False", "false"},
    {"None", "null"},
}};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isIdentifierStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

bool isWordCharacter(char c)
{
    return isIdentifierStart(c) || isDigit(c);
}

// `first-name: 1` is no valid identifier in JavaScript, but before a ':' it can only be a name.
bool isKeyCharacter(char c)
{
    return isWordCharacter(c) || c == '-';
}

bool isContinuationByte(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

int hexDigit(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

/** Text from the model quoted in a message, cut at 40 characters so one fix stays one line. */
QString elided(std::string_view text)
{
    constexpr int kMaxCharacters = 40;
    int characters = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!isContinuationByte(text[i]) && ++characters > kMaxCharacters)
            return QString::fromUtf8(text.data(), static_cast<qsizetype>(i)) + QChar(0x2026);
    }
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

/** The one character at `offset`, quoted, or its code point when it does not print. */
QString quotedCharacter(std::string_view text, std::size_t offset)
{
    const auto byte = static_cast<unsigned char>(text[offset]);
    if (byte < 0x20 || byte == 0x7F)
        return QStringLiteral("the control character U+") +
               QString::number(byte, 16).toUpper().rightJustified(4, QLatin1Char('0'));
    std::size_t end = offset + 1;
    while (end < text.size() && isContinuationByte(text[end]))
        ++end;
    return QLatin1Char('\'') + elided(text.substr(offset, end - offset)) + QLatin1Char('\'');
}

/** What stands at `offset`, for "expected X, found Y": a whole word, one character, or the end. */
QString describeFound(std::string_view text, std::size_t offset)
{
    if (offset >= text.size())
        return QStringLiteral("the end of the text");
    if (!isWordCharacter(text[offset]))
        return quotedCharacter(text, offset);
    std::size_t end = offset + 1;
    while (end < text.size() && isWordCharacter(text[end]))
        ++end;
    const std::string_view word = text.substr(offset, end - offset);
    QString found = QLatin1Char('\'') + elided(word) + QLatin1Char('\'');
    if (word == "NaN" || word == "Infinity")
        found += QStringLiteral(": JSON has no NaN or Infinity");
    return found;
}

/**
 * The JSON value of a number token that follows JSON's grammar, typed as nlohmann types it:
 * unsigned when positive, signed when negative, double when it has a fraction or an exponent
 * or does not fit 64 bits. nullopt when it is too large even for a double.
 */
std::optional<json> numberValue(std::string_view token, bool integral)
{
    const char *const first = token.data();
    const char *const last = first + token.size();
    if (integral) {
        if (token.front() == '-') {
            std::int64_t value = 0;
            if (const auto [end, error] = std::from_chars(first, last, value);
                error == std::errc() && end == last)
                return json(value);
        } else {
            std::uint64_t value = 0;
            if (const auto [end, error] = std::from_chars(first, last, value);
                error == std::errc() && end == last)
                return json(value);
        }
    }
    // from_chars, unlike strtod, ignores the C locale's decimal separator, which Qt sets from the user's.
    double value = 0;
    if (const auto [end, error] = std::from_chars(first, last, value); error == std::errc() && end == last)
        return json(value);
    // Out of range: nlohmann reads an underflow as 0 or a denormal and refuses an overflow. It decides.
    json parsed = json::parse(first, last, nullptr, false);
    if (parsed.is_discarded())
        return std::nullopt;
    return parsed;
}

/** Where and why the text could not be read; places are relative to the parsed text. */
struct Failure
{
    std::size_t offset = 0;
    QString message;
};

/**
 * The tolerant parser: one forward pass with an explicit stack of open containers, so depth
 * costs heap, not call stack. Fixes are recorded with offsets only; the caller sorts them and
 * adds lines and columns.
 */
class LenientParser
{
public:
    explicit LenientParser(std::string_view text)
        : m_text(text)
    {}

    tl::expected<json, Failure> parse();
    std::vector<RepairFix> takeFixes() { return std::move(m_fixes); }

private:
    enum class Expect
    {
        TopValue,
        ArrayFirst,  // after '['
        ArrayNext,   // after ',' in an array
        ObjectFirst, // after '{'
        ObjectNext,  // after ',' in an object
        Colon,       // after a member name
        MemberValue, // after ':'
        AfterValue,  // after a value inside an array or object
        Done,        // after the top-level value
    };

    enum class Escape
    {
        Read,
        CutOff,
        Failed,
    };

    /** An array or object still open, and the member or element being read in it. */
    struct Frame
    {
        json container;
        std::string key;                           // the pending member's name (objects)
        std::size_t memberOffset = 0;              // where the pending member starts (objects)
        std::size_t fixesBeforeMember = 0;         // m_fixes.size() when it started
        std::size_t commaOffset = kNone;           // the comma before the pending member or element
        std::size_t insertedCommaFixIndex = kNone; // or the MissingComma fix standing for it
    };

    bool skipTrivia();
    bool step(bool lineBreak);
    bool readValue();
    bool readKey();
    bool readSeparator(bool lineBreak);
    bool readString(std::string &out, bool &cutOff);
    Escape readEscape(std::string &out, char quote);
    int unicodeEscapeAt(std::size_t backslash) const;
    bool readNumber();
    bool readWord();
    bool cutOffScalar(std::size_t start);
    bool openContainer(bool object);
    void closeContainer();
    void completeValue(json value);
    void dropDanglingComma(Frame &frame);
    bool finishAtEnd();
    QString expectedValue() const;
    void addFix(Kind kind, std::size_t offset, QString description);
    bool fail(std::size_t offset, QString message);
    bool failExpecting(std::size_t offset, const QString &expected);

    static constexpr int kEscapeCutOff = -1;
    static constexpr int kEscapeMalformed = -2;

    std::string_view m_text;
    std::size_t m_pos = 0;
    Expect m_expect = Expect::TopValue;
    std::vector<Frame> m_stack;
    std::vector<RepairFix> m_fixes;
    json m_root;
    std::size_t m_lastValueEnd = 0; // where a comma would go after the last complete value
    Failure m_failure;
};

tl::expected<json, Failure> LenientParser::parse()
{
    // nlohmann's strict parser refuses bad UTF-8 too; a string holding it would make dump() throw.
    if (const auto invalid =
            firstInvalidUtf8Offset(QByteArrayView(m_text.data(), static_cast<qsizetype>(m_text.size()))))
        return tl::unexpected(
            Failure{static_cast<std::size_t>(*invalid), QStringLiteral("the text is not valid UTF-8")});
    if (m_text.substr(0, kByteOrderMark.size()) == kByteOrderMark)
        m_pos = kByteOrderMark.size(); // as nlohmann skips it
    for (;;) {
        const bool lineBreak = skipTrivia();
        const bool ok = m_pos == m_text.size() ? finishAtEnd() : step(lineBreak);
        if (!ok)
            return tl::unexpected(m_failure);
        if (m_pos == m_text.size() && m_expect == Expect::Done)
            return std::move(m_root);
    }
}

/** Skips whitespace and comments; true when a line break was among them. */
bool LenientParser::skipTrivia()
{
    const std::size_t size = m_text.size();
    bool lineBreak = false;
    while (m_pos < size) {
        const char c = m_text[m_pos];
        if (c == '\n') {
            lineBreak = true;
            ++m_pos;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            ++m_pos;
            continue;
        }
        const char next = m_pos + 1 < size ? m_text[m_pos + 1] : '\0';
        if (c == '#' || (c == '/' && next == '/')) {
            addFix(Kind::Comment, m_pos, QStringLiteral("removed a comment"));
            m_pos = std::min(m_text.find('\n', m_pos), size); // the LF itself is the line break
            continue;
        }
        if (c == '/' && next == '*') {
            const std::size_t close = m_text.find("*/", m_pos + 2);
            const std::size_t end = close == kNone ? size : close + 2;
            addFix(Kind::Comment, m_pos,
                   close == kNone ? QStringLiteral("removed a comment cut off at the end of the text")
                                  : QStringLiteral("removed a comment"));
            lineBreak = lineBreak || m_text.substr(m_pos, end - m_pos).find('\n') != kNone;
            m_pos = end;
            continue;
        }
        break;
    }
    return lineBreak;
}

bool LenientParser::step(bool lineBreak)
{
    const char c = m_text[m_pos];
    switch (m_expect) {
    case Expect::TopValue:
    case Expect::MemberValue:
        return readValue();
    case Expect::ArrayFirst:
    case Expect::ArrayNext:
        if (c == ']') {
            dropDanglingComma(m_stack.back());
            ++m_pos;
            closeContainer();
            return true;
        }
        return readValue();
    case Expect::ObjectFirst:
    case Expect::ObjectNext:
        if (c == '}') {
            dropDanglingComma(m_stack.back());
            ++m_pos;
            closeContainer();
            return true;
        }
        return readKey();
    case Expect::Colon:
        if (c != ':')
            return failExpecting(m_pos, QStringLiteral("expected ':' after the member name"));
        ++m_pos;
        m_expect = Expect::MemberValue;
        return true;
    case Expect::AfterValue:
        return readSeparator(lineBreak);
    case Expect::Done:
        break;
    }
    return failExpecting(m_pos, QStringLiteral("expected the end of the text after the JSON value"));
}

bool LenientParser::readValue()
{
    const char c = m_text[m_pos];
    if (c == '{' || c == '[')
        return openContainer(c == '{');
    if (c == '"' || c == '\'') {
        std::string text;
        bool cutOff = false;
        if (!readString(text, cutOff))
            return false;
        if (cutOff)
            addFix(Kind::TruncationClosed, m_text.size(),
                   QStringLiteral("closed a string cut off at the end of the text"));
        completeValue(json(std::move(text)));
        return true;
    }
    if (c == '-' || isDigit(c))
        return readNumber();
    if (isIdentifierStart(c))
        return readWord();
    return failExpecting(m_pos, expectedValue());
}

bool LenientParser::readKey()
{
    Frame &frame = m_stack.back();
    const std::size_t start = m_pos;
    const char c = m_text[m_pos];
    frame.memberOffset = start;
    frame.fixesBeforeMember = m_fixes.size();
    if (c == '"' || c == '\'') {
        // A name the text ends inside is not closed: finishAtEnd drops the member it began.
        bool cutOff = false;
        frame.key.clear();
        if (!readString(frame.key, cutOff))
            return false;
    } else if (isIdentifierStart(c)) {
        while (m_pos < m_text.size() && isKeyCharacter(m_text[m_pos]))
            ++m_pos;
        const std::string_view name = m_text.substr(start, m_pos - start);
        frame.key.assign(name);
        addFix(Kind::UnquotedKey, start,
               QStringLiteral("put the member name \"%1\" in double quotes").arg(elided(name)));
    } else {
        return failExpecting(m_pos, m_expect == Expect::ObjectFirst
                                        ? QStringLiteral("expected a member name in double quotes or '}'")
                                        : QStringLiteral("expected a member name in double quotes"));
    }
    m_expect = Expect::Colon;
    return true;
}

bool LenientParser::readSeparator(bool lineBreak)
{
    Frame &frame = m_stack.back();
    const bool inObject = frame.container.is_object();
    const char c = m_text[m_pos];
    if (c == ',') {
        frame.commaOffset = m_pos++;
        m_expect = inObject ? Expect::ObjectNext : Expect::ArrayNext;
        return true;
    }
    if (c == (inObject ? '}' : ']')) {
        ++m_pos;
        closeContainer();
        return true;
    }
    // A model that starts a new line for the next member but forgets the comma meant one. On one
    // line it is a guess: `1 2` may be one number with a stray space, `"a" "b"` Python's string
    // concatenation, `{"a" 1}` anything.
    const bool startsNext = inObject ? (c == '"' || c == '\'' || isIdentifierStart(c))
                                     : (c == '{' || c == '[' || c == '"' || c == '\'' || c == '-' ||
                                        isDigit(c) || isIdentifierStart(c));
    if (lineBreak && startsNext) {
        frame.insertedCommaFixIndex = m_fixes.size();
        addFix(Kind::MissingComma, m_lastValueEnd, QStringLiteral("inserted a missing comma"));
        m_expect = inObject ? Expect::ObjectNext : Expect::ArrayNext;
        return true;
    }
    return failExpecting(m_pos, inObject ? QStringLiteral("expected ',' or '}' after the member")
                                         : QStringLiteral("expected ',' or ']' after the element"));
}

/** Reads the string whose quote is at m_pos; `cutOff` when the text ends before the closing quote. */
bool LenientParser::readString(std::string &out, bool &cutOff)
{
    const std::size_t size = m_text.size();
    const std::size_t start = m_pos;
    const char quote = m_text[m_pos++];
    if (quote == '\'')
        addFix(Kind::SingleQuotedString, start,
               QStringLiteral("changed a single-quoted string to double quotes"));
    std::size_t controlCharacters = 0;
    std::size_t firstControlCharacter = kNone;
    cutOff = false;
    for (;;) {
        const std::size_t runStart = m_pos;
        while (m_pos < size) {
            const char c = m_text[m_pos];
            if (c == quote || c == '\\' || static_cast<unsigned char>(c) < 0x20)
                break;
            ++m_pos;
        }
        out.append(m_text.substr(runStart, m_pos - runStart));
        if (m_pos == size) {
            cutOff = true;
            break;
        }
        const char c = m_text[m_pos];
        if (c == quote) {
            ++m_pos;
            break;
        }
        if (c != '\\') {
            if (controlCharacters++ == 0)
                firstControlCharacter = m_pos;
            out += c;
            ++m_pos;
            continue;
        }
        const Escape escape = readEscape(out, quote);
        if (escape == Escape::Failed)
            return false;
        if (escape == Escape::CutOff) {
            m_pos = size; // the part of the escape that arrived is dropped with the cut
            cutOff = true;
            break;
        }
    }
    if (controlCharacters == 1) {
        addFix(Kind::UnescapedControlCharacter, firstControlCharacter,
               QStringLiteral("escaped a raw control character (line break or tab) in a string"));
    } else if (controlCharacters > 1) {
        addFix(Kind::UnescapedControlCharacter, firstControlCharacter,
               QStringLiteral("escaped %1 raw control characters (line breaks, tabs) in a string")
                   .arg(controlCharacters));
    }
    return true;
}

/** Reads the escape whose backslash is at m_pos, inside a string quoted with `quote`. */
LenientParser::Escape LenientParser::readEscape(std::string &out, char quote)
{
    const std::size_t backslash = m_pos;
    if (backslash + 1 == m_text.size())
        return Escape::CutOff;
    const char escaped = m_text[backslash + 1];
    m_pos += 2;
    switch (escaped) {
    case '"':
    case '\\':
    case '/':
        out += escaped;
        return Escape::Read;
    case 'b':
        out += '\b';
        return Escape::Read;
    case 'f':
        out += '\f';
        return Escape::Read;
    case 'n':
        out += '\n';
        return Escape::Read;
    case 'r':
        out += '\r';
        return Escape::Read;
    case 't':
        out += '\t';
        return Escape::Read;
    case '\'':
        if (quote != '\'')
            addFix(Kind::EscapedApostrophe, backslash,
                   QStringLiteral("removed the backslash before an apostrophe (\\' is no JSON escape)"));
        out += '\'';
        return Escape::Read;
    case 'u':
        break;
    default:
        fail(backslash,
             QStringLiteral("expected an escape (one of \" \\ / b f n r t u) after a backslash, found ") +
                 quotedCharacter(m_text, backslash + 1));
        return Escape::Failed;
    }

    const int unit = unicodeEscapeAt(backslash);
    if (unit == kEscapeCutOff)
        return Escape::CutOff;
    if (unit == kEscapeMalformed) {
        fail(backslash, QStringLiteral("expected four hexadecimal digits after \\u"));
        return Escape::Failed;
    }
    m_pos = backslash + 6;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
        fail(backslash,
             QStringLiteral("expected a high surrogate (\\uD800 to \\uDBFF) before a low surrogate"));
        return Escape::Failed;
    }
    if (unit < 0xD800 || unit > 0xDBFF) {
        appendUtf8(out, static_cast<char32_t>(unit));
        return Escape::Read;
    }
    // A high surrogate needs its low half; text that ends between the halves loses the high one.
    const std::string_view rest = m_text.substr(m_pos);
    if (rest.empty() || rest == "\\")
        return Escape::CutOff;
    const int low = rest.substr(0, 2) == "\\u" ? unicodeEscapeAt(m_pos) : kEscapeMalformed;
    if (low == kEscapeCutOff)
        return Escape::CutOff;
    if (low < 0xDC00 || low > 0xDFFF) {
        fail(backslash,
             QStringLiteral("expected a low surrogate (\\uDC00 to \\uDFFF) after a high surrogate"));
        return Escape::Failed;
    }
    m_pos += 6;
    appendUtf8(out, static_cast<char32_t>(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)));
    return Escape::Read;
}

/** The code unit of the \uXXXX at `backslash`, kEscapeCutOff or kEscapeMalformed. */
int LenientParser::unicodeEscapeAt(std::size_t backslash) const
{
    int unit = 0;
    for (std::size_t i = backslash + 2; i < backslash + 6; ++i) {
        if (i >= m_text.size())
            return kEscapeCutOff;
        const int digit = hexDigit(m_text[i]);
        if (digit < 0)
            return kEscapeMalformed;
        unit = unit * 16 + digit;
    }
    return unit;
}

bool LenientParser::readNumber()
{
    const std::size_t size = m_text.size();
    const std::size_t start = m_pos;
    std::size_t pos = start;
    const auto skipDigits = [&] {
        while (pos < size && isDigit(m_text[pos]))
            ++pos;
    };
    bool integral = true;
    if (m_text[pos] == '-')
        ++pos;
    if (pos == size)
        return cutOffScalar(start);
    if (m_text[pos] == '0') {
        if (pos + 1 < size && isDigit(m_text[pos + 1]))
            return failExpecting(pos, QStringLiteral("expected a number without leading zeros"));
        ++pos;
    } else if (isDigit(m_text[pos])) {
        skipDigits();
    } else {
        return failExpecting(pos, QStringLiteral("expected a digit after '-'"));
    }
    if (pos < size && m_text[pos] == '.') {
        integral = false;
        if (++pos == size)
            return cutOffScalar(start);
        if (!isDigit(m_text[pos]))
            return failExpecting(pos, QStringLiteral("expected a digit after the decimal point"));
        skipDigits();
    }
    if (pos < size && (m_text[pos] == 'e' || m_text[pos] == 'E')) {
        integral = false;
        if (++pos < size && (m_text[pos] == '+' || m_text[pos] == '-'))
            ++pos;
        if (pos == size)
            return cutOffScalar(start);
        if (!isDigit(m_text[pos]))
            return failExpecting(pos, QStringLiteral("expected a digit in the exponent"));
        skipDigits();
    }
    const std::string_view token = m_text.substr(start, pos - start);
    std::optional<json> value = numberValue(token, integral);
    if (!value)
        return fail(start,
                    QStringLiteral("expected a number a double can hold, found %1").arg(elided(token)));
    m_pos = pos;
    completeValue(std::move(*value));
    return true;
}

bool LenientParser::readWord()
{
    const std::size_t start = m_pos;
    std::size_t end = start;
    while (end < m_text.size() && isWordCharacter(m_text[end]))
        ++end;
    const std::string_view word = m_text.substr(start, end - start);
    for (const auto &[spelling, jsonSpelling] : kLiterals) {
        if (word != spelling)
            continue;
        if (spelling != jsonSpelling)
            addFix(Kind::PythonLiteral, start,
                   QStringLiteral("replaced Python's %1 with %2")
                       .arg(QLatin1String(spelling.data(), static_cast<qsizetype>(spelling.size())),
                            QLatin1String(jsonSpelling.data(), static_cast<qsizetype>(jsonSpelling.size()))));
        m_pos = end;
        completeValue(jsonSpelling == "true"    ? json(true)
                      : jsonSpelling == "false" ? json(false)
                                                : json(nullptr));
        return true;
    }
    if (end == m_text.size()) {
        for (const auto &literal : kLiterals) {
            if (literal.first.substr(0, word.size()) == word)
                return cutOffScalar(start);
        }
    }
    return failExpecting(start, expectedValue());
}

/** The text ends inside the number or literal at `start`: it is dropped, never completed. */
bool LenientParser::cutOffScalar(std::size_t start)
{
    m_pos = m_text.size();
    const QString token = elided(m_text.substr(start));
    if (m_stack.empty())
        return fail(start,
                    QStringLiteral("expected a complete value, found '%1' cut off at the end of the text")
                        .arg(token));
    if (m_stack.back().container.is_array())
        addFix(Kind::DroppedIncompleteMember, start,
               QStringLiteral("dropped the element '%1', cut off at the end of the text").arg(token));
    // In an object m_expect stays MemberValue, and finishAtEnd drops the member, name and all.
    return true;
}

bool LenientParser::openContainer(bool object)
{
    if (m_stack.size() >= static_cast<std::size_t>(kMaxJsonNesting))
        return fail(
            m_pos,
            QStringLiteral("expected at most %1 levels of nested arrays and objects").arg(kMaxJsonNesting));
    Frame frame;
    frame.container = object ? json::object() : json::array();
    m_stack.push_back(std::move(frame));
    ++m_pos;
    m_expect = object ? Expect::ObjectFirst : Expect::ArrayFirst;
    return true;
}

void LenientParser::closeContainer()
{
    json container = std::move(m_stack.back().container);
    m_stack.pop_back();
    completeValue(std::move(container));
}

void LenientParser::completeValue(json value)
{
    m_lastValueEnd = m_pos;
    if (m_stack.empty()) {
        m_root = std::move(value);
        m_expect = Expect::Done;
        return;
    }
    Frame &frame = m_stack.back();
    if (frame.container.is_array())
        frame.container.push_back(std::move(value));
    else
        frame.container[std::move(frame.key)] =
            std::move(value); // a repeated name: the last wins, as in nlohmann
    frame.commaOffset = kNone;
    frame.insertedCommaFixIndex = kNone;
    m_expect = Expect::AfterValue;
}

/** Nothing follows the comma before the pending member or element: it goes. */
void LenientParser::dropDanglingComma(Frame &frame)
{
    if (frame.insertedCommaFixIndex != kNone)
        m_fixes.erase(m_fixes.begin() + static_cast<std::ptrdiff_t>(frame.insertedCommaFixIndex));
    else if (frame.commaOffset != kNone)
        addFix(Kind::TrailingComma, frame.commaOffset, QStringLiteral("removed a trailing comma"));
    frame.commaOffset = kNone;
    frame.insertedCommaFixIndex = kNone;
}

/** The text has ended: drop what is incomplete, then close what is open, innermost first. */
bool LenientParser::finishAtEnd()
{
    switch (m_expect) {
    case Expect::TopValue:
        return failExpecting(m_pos, QStringLiteral("expected a JSON value"));
    case Expect::Done:
        return true;
    case Expect::ArrayFirst:
    case Expect::ObjectFirst:
    case Expect::AfterValue:
        break;
    case Expect::ArrayNext:
    case Expect::ObjectNext:
        dropDanglingComma(m_stack.back());
        break;
    case Expect::Colon:
    case Expect::MemberValue: {
        // The fixes inside the dropped member (its quotes, say) no longer describe anything.
        Frame &frame = m_stack.back();
        m_fixes.resize(frame.fixesBeforeMember);
        dropDanglingComma(frame);
        addFix(Kind::DroppedIncompleteMember, frame.memberOffset,
               QStringLiteral("dropped the member \"%1\", cut off at the end of the text")
                   .arg(elided(frame.key)));
        break;
    }
    }
    while (!m_stack.empty()) {
        addFix(Kind::TruncationClosed, m_text.size(),
               m_stack.back().container.is_object()
                   ? QStringLiteral("closed an object cut off at the end of the text")
                   : QStringLiteral("closed an array cut off at the end of the text"));
        closeContainer();
    }
    return true;
}

QString LenientParser::expectedValue() const
{
    switch (m_expect) {
    case Expect::ArrayFirst:
        return QStringLiteral("expected a value or ']'");
    case Expect::ArrayNext:
        return QStringLiteral("expected a value");
    case Expect::MemberValue:
        return QStringLiteral("expected a value after ':'");
    default:
        return QStringLiteral("expected a JSON value");
    }
}

void LenientParser::addFix(Kind kind, std::size_t offset, QString description)
{
    m_fixes.push_back(RepairFix{kind, offset, 1, 1, std::move(description)});
}

bool LenientParser::fail(std::size_t offset, QString message)
{
    m_failure = Failure{offset, std::move(message)};
    return false;
}

bool LenientParser::failExpecting(std::size_t offset, const QString &expected)
{
    return fail(offset, expected + QStringLiteral(", found ") + describeFound(m_text, offset));
}

/** Whether arrays and objects nest deeper than kMaxJsonNesting, counted as strict JSON would be. */
bool nestsTooDeep(std::string_view text)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonNesting)
                return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

/** parseLenient with the places of fixes and failure as offsets into `text`, lines and columns unset. */
tl::expected<RepairedJson, Failure> parseUnlocated(std::string_view text)
{
    // nlohmann would read a too deep text, but the value would be unsafe to dump or copy; the
    // lenient parser names the place.
    if (!nestsTooDeep(text)) {
        json strict = json::parse(text.begin(), text.end(), nullptr, false);
        if (!strict.is_discarded())
            return RepairedJson{std::move(strict), {}, false};
    }
    LenientParser parser(text);
    auto value = parser.parse();
    if (!value)
        return tl::unexpected(value.error());
    std::vector<RepairFix> fixes = parser.takeFixes();
    std::stable_sort(fixes.begin(), fixes.end(),
                     [](const RepairFix &a, const RepairFix &b) { return a.offset < b.offset; });
    return RepairedJson{std::move(*value), std::move(fixes), true};
}

/** Walks a text forward from its start, keeping the line and column of its position. */
class TextCursor
{
public:
    explicit TextCursor(std::string_view text)
        : m_text(text)
    {}

    void advanceTo(std::size_t offset)
    {
        for (; m_offset < offset && m_offset < m_text.size(); ++m_offset) {
            if (m_text[m_offset] == '\n') {
                ++m_line;
                m_column = 1;
            } else if (!isContinuationByte(m_text[m_offset])) {
                ++m_column;
            }
        }
    }

    int line() const { return m_line; }
    int column() const { return m_column; }

private:
    std::string_view m_text;
    std::size_t m_offset = 0;
    int m_line = 1;
    int m_column = 1;
};

/** Moves the places of `parsed`, found in `document` at `base`, into the document, with lines and columns. */
Result<RepairedJson> located(std::string_view document, std::size_t base,
                             tl::expected<RepairedJson, Failure> parsed)
{
    TextCursor cursor(document);
    if (!parsed) {
        const std::size_t offset = base + parsed.error().offset;
        cursor.advanceTo(offset);
        return fail(ErrorCode::Protocol, parsed.error().message,
                    QStringLiteral("line %1, column %2 (byte %3)")
                        .arg(cursor.line())
                        .arg(cursor.column())
                        .arg(offset));
    }
    for (RepairFix &fix : parsed->fixes) {
        fix.offset += base;
        cursor.advanceTo(fix.offset);
        fix.line = cursor.line();
        fix.column = cursor.column();
    }
    return std::move(*parsed);
}

} // namespace

QString fixKindName(RepairFix::Kind kind)
{
    switch (kind) {
    case Kind::TrailingComma:
        return QStringLiteral("trailing_comma");
    case Kind::SingleQuotedString:
        return QStringLiteral("single_quoted_string");
    case Kind::Comment:
        return QStringLiteral("comment");
    case Kind::UnquotedKey:
        return QStringLiteral("unquoted_key");
    case Kind::PythonLiteral:
        return QStringLiteral("python_literal");
    case Kind::MissingComma:
        return QStringLiteral("missing_comma");
    case Kind::UnescapedControlCharacter:
        return QStringLiteral("unescaped_control_character");
    case Kind::EscapedApostrophe:
        return QStringLiteral("escaped_apostrophe");
    case Kind::TruncationClosed:
        return QStringLiteral("truncation_closed");
    case Kind::DroppedIncompleteMember:
        return QStringLiteral("dropped_incomplete_member");
    }
    return QStringLiteral("unknown");
}

QString describeFix(const RepairFix &fix)
{
    return QStringLiteral("line %1, column %2: %3").arg(fix.line).arg(fix.column).arg(fix.description);
}

Result<RepairedJson> parseLenient(std::string_view utf8Text)
{
    return located(utf8Text, 0, parseUnlocated(utf8Text));
}

Result<RepairedJson> parseLenient(std::string_view document, std::size_t begin, std::size_t end)
{
    Q_ASSERT(begin <= end && end <= document.size());
    end = std::min(end, document.size());
    begin = std::min(begin, end);
    return located(document, begin, parseUnlocated(document.substr(begin, end - begin)));
}

} // namespace Lathe::Schema
