// SPDX-License-Identifier: GPL-3.0-or-later
#include "PartialJsonParser.h"

#include <algorithm>
#include <charconv>

#include "JsonPointer.h"

namespace Lathe::Schema
{

namespace
{

// Far below the depth at which nlohmann's recursive copy overflows an 8 MB stack under ASan
// (10,000), and far above what model answers nest.
constexpr std::size_t kRecursiveCopyDepth = 500;

/** What a UTF-8 lead byte promises: the sequence's length (0: it cannot lead one) and the
 *  range its second byte must fall in, which excludes overlong forms, surrogates and code points
 *  above U+10FFFF (Unicode Table 3-7). */
struct Utf8Lead
{
    int length;
    unsigned char secondLow;
    unsigned char secondHigh;
};

Utf8Lead utf8Lead(unsigned char lead)
{
    if (lead >= 0xC2 && lead <= 0xDF)
        return {2, 0x80, 0xBF};
    if (lead == 0xE0)
        return {3, 0xA0, 0xBF};
    if (lead == 0xED)
        return {3, 0x80, 0x9F};
    if (lead >= 0xE1 && lead <= 0xEF)
        return {3, 0x80, 0xBF};
    if (lead == 0xF0)
        return {4, 0x90, 0xBF};
    if (lead >= 0xF1 && lead <= 0xF3)
        return {4, 0x80, 0xBF};
    if (lead == 0xF4)
        return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

/** Whether the `lead.length` bytes at `sequence` are one well-formed character. */
bool isWellFormed(const unsigned char *sequence, const Utf8Lead &lead)
{
    if (sequence[1] < lead.secondLow || sequence[1] > lead.secondHigh)
        return false;
    for (int k = 2; k < lead.length; ++k) {
        if ((sequence[k] & 0xC0) != 0x80)
            return false;
    }
    return true;
}

void appendUtf8(std::string &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out.push_back(static_cast<char>(codePoint));
    } else if (codePoint < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (codePoint >> 6)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else if (codePoint < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (codePoint >> 12)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (codePoint >> 18)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    }
}

int hexValue(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

QString hex(uint value, int digits)
{
    return QStringLiteral("%1").arg(value, digits, 16, QLatin1Char('0')).toUpper();
}

/** A byte as an error message names it: printable ASCII quoted, anything else by its value. */
QString describeByte(unsigned char c)
{
    if (c == ' ')
        return QStringLiteral("a space");
    if (c > ' ' && c < 0x7F)
        return QStringLiteral("'%1'").arg(QLatin1Char(static_cast<char>(c)));
    return QStringLiteral("byte 0x") + hex(c, 2);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/**
 * The number nlohmann::json::parse makes of `text` (already checked against the grammar):
 * without a fraction or exponent an unsigned or, with a minus, a signed 64-bit integer when it
 * fits, else a double; nullopt when the double would be infinite, which nlohmann rejects.
 */
std::optional<nlohmann::json> numberValue(const std::string &text)
{
    const char *first = text.data();
    const char *last = first + text.size();
    if (text.find_first_of(".eE") == std::string::npos) {
        if (text.front() == '-') {
            std::int64_t value = 0;
            if (std::from_chars(first, last, value).ec == std::errc())
                return nlohmann::json(value);
        } else {
            std::uint64_t value = 0;
            if (std::from_chars(first, last, value).ec == std::errc())
                return nlohmann::json(value);
        }
    }
    double value = 0;
    if (std::from_chars(first, last, value).ec == std::errc())
        return nlohmann::json(value);
    // Out of range: nlohmann turns an underflow into 0 or a subnormal and rejects an overflow;
    // its own verdict keeps the value identical to parsing the whole text at once.
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded())
        return std::nullopt;
    return parsed;
}

/** A node's copy without its children: a scalar as it is, an empty container of its kind. */
nlohmann::json withoutChildren(const nlohmann::json &node)
{
    if (node.is_object())
        return nlohmann::json::object();
    if (node.is_array())
        return nlohmann::json::array();
    return node;
}

} // namespace

void PartialJsonParser::append(std::string_view chunk)
{
    if (m_state == State::Failed)
        return;
    std::size_t i = 0;
    while (i < chunk.size()) {
        switch (m_state) {
        case State::Leading:
            i = skipLeading(chunk, i);
            break;
        case State::FirstKey:
        case State::FirstValue:
        case State::Key:
        case State::Colon:
        case State::Value:
        case State::AfterValue:
            i = readStructure(chunk, i);
            break;
        case State::String:
            i = readString(chunk, i);
            break;
        case State::Number:
            i = readNumber(chunk, i);
            break;
        case State::Literal:
            i = readLiteral(chunk, i);
            break;
        case State::Done:
            m_ignored += static_cast<qint64>(chunk.size() - i);
            i = chunk.size();
            break;
        case State::Failed:
            i = chunk.size();
            break;
        }
    }
    m_offset = m_state == State::Failed ? m_errorOffset : m_offset + static_cast<qint64>(chunk.size());
}

void PartialJsonParser::reset()
{
    m_root = nullptr;
    m_frames.clear();
    m_maxDepth = 0;
    m_state = State::Leading;
    m_error.reset();
    m_key.clear();
    m_keyPending = false;
    m_openString = OpenString::None;
    m_text = nullptr;
    m_number.clear();
    m_offset = 0;
    m_line = 1;
    m_lineStart = 0;
    m_lineContinuationBytes = 0;
    m_skipped = 0;
    m_ignored = 0;
}

std::vector<std::string_view> PartialJsonParser::openPath() const
{
    std::vector<std::string_view> path;
    path.reserve(m_frames.size());
    for (std::size_t f = 1; f < m_frames.size(); ++f)
        path.push_back(m_frames[f].token);
    if (m_openString == OpenString::Value)
        path.push_back(m_valueToken);
    return path;
}

std::string PartialJsonParser::openPointer() const
{
    std::string pointer;
    for (const std::string_view token : openPath())
        pointer += '/' + escapePointerToken(token);
    return pointer;
}

bool PartialJsonParser::isComplete(std::string_view pointer) const
{
    const auto tokens = parsePointer(pointer);
    if (!tokens || !started() || !resolvePointer(m_root, *tokens))
        return false;
    if (complete())
        return true;
    const std::vector<std::string_view> open = openPath();
    return tokens->size() > open.size() || !std::equal(tokens->begin(), tokens->end(), open.begin());
}

nlohmann::json PartialJsonParser::snapshot() const
{
    // nlohmann's copy constructor recurses a few frames per level, which overflows an 8 MB stack
    // under ASan before 10,000 levels. It is twice as fast as rebuilding the maps node by node
    // (it clones them without comparing keys), so it copies every value of a sane depth.
    if (m_maxDepth <= kRecursiveCopyDepth)
        return m_root;
    nlohmann::json copy = withoutChildren(m_root);
    std::vector<std::pair<const nlohmann::json *, nlohmann::json *>> pending{{&m_root, &copy}};
    while (!pending.empty()) {
        const auto [from, to] = pending.back();
        pending.pop_back();
        if (from->is_object()) {
            auto &members = to->get_ref<nlohmann::json::object_t &>();
            for (const auto &[key, value] : from->get_ref<const nlohmann::json::object_t &>()) {
                nlohmann::json &member =
                    members.emplace_hint(members.end(), key, withoutChildren(value))->second;
                if (value.is_structured())
                    pending.emplace_back(&value, &member);
            }
        } else if (from->is_array()) {
            const auto &source = from->get_ref<const nlohmann::json::array_t &>();
            auto &elements = to->get_ref<nlohmann::json::array_t &>();
            elements.reserve(source.size());
            for (const nlohmann::json &value : source)
                elements.push_back(withoutChildren(value));
            // Only now: pointers into `elements` are stable once it stops growing.
            for (std::size_t index = 0; index < source.size(); ++index) {
                if (source[index].is_structured())
                    pending.emplace_back(&source[index], &elements[index]);
            }
        }
    }
    return copy;
}

std::optional<std::string> PartialJsonParser::pendingKey() const
{
    if (!m_keyPending)
        return std::nullopt;
    return m_key;
}

std::size_t PartialJsonParser::skipLeading(std::string_view chunk, std::size_t i)
{
    const std::size_t start = i;
    for (; i < chunk.size(); ++i) {
        const char c = chunk[i];
        if (c == '{' || c == '[') {
            m_skipped += static_cast<qint64>(i - start);
            openContainer(c == '{' ? nlohmann::json::object() : nlohmann::json::array());
            return i + 1;
        }
        if (c == '\n')
            newLine(i);
        else if ((static_cast<unsigned char>(c) & 0xC0) == 0x80)
            ++m_lineContinuationBytes;
    }
    m_skipped += static_cast<qint64>(i - start);
    return i;
}

std::size_t PartialJsonParser::readStructure(std::string_view chunk, std::size_t i)
{
    const auto c = static_cast<unsigned char>(chunk[i]);
    switch (c) {
    case '\n':
        newLine(i);
        return i + 1;
    case ' ':
    case '\t':
    case '\r':
        return i + 1;
    default:
        break;
    }

    switch (m_state) {
    case State::FirstKey:
        if (c == '}') {
            closeContainer();
            return i + 1;
        }
        [[fallthrough]];
    case State::Key:
        if (c == '"') {
            startString(OpenString::Key);
            return i + 1;
        }
        fail(at(i), QStringLiteral("expected an object key in double quotes, found %1").arg(describeByte(c)));
        return i;
    case State::Colon:
        if (c == ':') {
            m_state = State::Value;
            return i + 1;
        }
        fail(at(i), QStringLiteral("expected ':' after an object key, found %1").arg(describeByte(c)));
        return i;
    case State::FirstValue:
        if (c == ']') {
            closeContainer();
            return i + 1;
        }
        [[fallthrough]];
    case State::Value:
        return startValue(chunk, i);
    case State::AfterValue: {
        const bool inObject = m_frames.back().node->is_object();
        if (c == ',') {
            m_state = inObject ? State::Key : State::Value;
            return i + 1;
        }
        if (c == (inObject ? '}' : ']')) {
            closeContainer();
            return i + 1;
        }
        fail(at(i), (inObject ? QStringLiteral("expected ',' or '}' after an object member, found %1")
                              : QStringLiteral("expected ',' or ']' after an array element, found %1"))
                        .arg(describeByte(c)));
        return i;
    }
    case State::Leading:
    case State::String:
    case State::Number:
    case State::Literal:
    case State::Done:
    case State::Failed:
        break;
    }
    Q_UNREACHABLE();
    return i;
}

std::size_t PartialJsonParser::startValue(std::string_view chunk, std::size_t i)
{
    const char c = chunk[i];
    switch (c) {
    case '{':
        openContainer(nlohmann::json::object());
        return i + 1;
    case '[':
        openContainer(nlohmann::json::array());
        return i + 1;
    case '"':
        startString(OpenString::Value);
        return i + 1;
    case 't':
        m_literal = "true";
        break;
    case 'f':
        m_literal = "false";
        break;
    case 'n':
        m_literal = "null";
        break;
    default:
        if (c == '-' || isDigit(c)) {
            m_number.clear();
            m_numberPart = NumberPart::Start;
            m_numberStart = at(i);
            m_state = State::Number;
            return i;
        }
        fail(at(i),
             QStringLiteral("expected a value, found %1").arg(describeByte(static_cast<unsigned char>(c))));
        return i;
    }
    m_literalMatched = 0;
    m_state = State::Literal;
    return i;
}

void PartialJsonParser::startString(OpenString kind)
{
    m_openString = kind;
    m_stringPart = StringPart::Plain;
    if (kind == OpenString::Key) {
        m_key.clear();
        m_keyPending = true;
        m_text = &m_key;
    } else {
        m_valueToken = childToken();
        m_text = &place(nlohmann::json::string_t()).get_ref<nlohmann::json::string_t &>();
    }
    m_state = State::String;
}

void PartialJsonParser::finishString()
{
    m_state = m_openString == OpenString::Key ? State::Colon : State::AfterValue;
    m_openString = OpenString::None;
    m_text = nullptr;
}

std::size_t PartialJsonParser::readString(std::string_view chunk, std::size_t i)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(chunk.data());
    const std::size_t size = chunk.size();
    while (i < size) {
        if (m_stringPart != StringPart::Plain) {
            i = readStringByte(chunk, i);
            if (m_state != State::String)
                return i;
            continue;
        }
        // Most of an answer is plain text: copy runs of it, well-formed multibyte characters
        // included, in one append.
        const std::size_t run = i;
        while (i < size) {
            const unsigned char c = bytes[i];
            if (c < 0x80) {
                if (c < 0x20 || c == '"' || c == '\\')
                    break;
                ++i;
                continue;
            }
            const Utf8Lead lead = utf8Lead(c);
            if (lead.length == 0 || i + static_cast<std::size_t>(lead.length) > size ||
                !isWellFormed(bytes + i, lead))
                break;
            i += static_cast<std::size_t>(lead.length);
            m_lineContinuationBytes += lead.length - 1;
        }
        m_text->append(chunk.data() + run, i - run);
        if (i == size)
            return i;

        const unsigned char c = bytes[i];
        if (c == '"') {
            finishString();
            return i + 1;
        }
        if (c == '\\') {
            m_stringPart = StringPart::Escape;
            ++i;
            continue;
        }
        if (c < 0x20) {
            fail(at(i), QStringLiteral("unescaped control character U+%1 in a string").arg(hex(c, 4)));
            return i;
        }
        // A multibyte character the chunk cuts, or an ill-formed one: byte by byte from here, so
        // the error names the first byte that is wrong whatever the chunking.
        const Utf8Lead lead = utf8Lead(c);
        if (lead.length == 0) {
            fail(at(i), QStringLiteral("invalid UTF-8: byte 0x%1 cannot start a character").arg(hex(c, 2)));
            return i;
        }
        m_utf8[0] = static_cast<char>(c);
        m_utf8Size = 1;
        m_utf8Length = lead.length;
        m_utf8SecondLow = lead.secondLow;
        m_utf8SecondHigh = lead.secondHigh;
        m_stringPart = StringPart::Utf8Tail;
        ++i;
    }
    return i;
}

std::size_t PartialJsonParser::readStringByte(std::string_view chunk, std::size_t i)
{
    const auto c = static_cast<unsigned char>(chunk[i]);
    switch (m_stringPart) {
    case StringPart::Escape: {
        char decoded = 0;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            decoded = static_cast<char>(c);
            break;
        case 'b':
            decoded = '\b';
            break;
        case 'f':
            decoded = '\f';
            break;
        case 'n':
            decoded = '\n';
            break;
        case 'r':
            decoded = '\r';
            break;
        case 't':
            decoded = '\t';
            break;
        case 'u':
            m_stringPart = StringPart::Hex;
            m_hexDigits = 0;
            m_codeUnit = 0;
            return i + 1;
        default:
            fail(at(i), QStringLiteral("invalid escape: %1 after a backslash").arg(describeByte(c)));
            return i;
        }
        m_text->push_back(decoded);
        m_stringPart = StringPart::Plain;
        return i + 1;
    }
    case StringPart::Hex:
    case StringPart::LowHex: {
        const int digit = hexValue(c);
        if (digit < 0) {
            fail(at(i),
                 QStringLiteral("expected a hex digit in a \\u escape, found %1").arg(describeByte(c)));
            return i;
        }
        m_codeUnit = m_codeUnit * 16 + static_cast<char32_t>(digit);
        if (++m_hexDigits < 4)
            return i + 1;
        const bool high = m_codeUnit >= 0xD800 && m_codeUnit <= 0xDBFF;
        const bool low = m_codeUnit >= 0xDC00 && m_codeUnit <= 0xDFFF;
        if (m_stringPart == StringPart::Hex) {
            if (high) {
                m_highSurrogate = m_codeUnit;
                m_stringPart = StringPart::LowBackslash;
                return i + 1;
            }
            if (low) {
                fail(at(i), QStringLiteral("\\u%1 is the low half of a surrogate pair without its high half")
                                .arg(hex(m_codeUnit, 4)));
                return i;
            }
            appendUtf8(*m_text, m_codeUnit);
        } else {
            if (!low) {
                fail(at(i),
                     QStringLiteral("\\u%1 follows the high surrogate \\u%2 but is not a low surrogate")
                         .arg(hex(m_codeUnit, 4), hex(m_highSurrogate, 4)));
                return i;
            }
            appendUtf8(*m_text, 0x10000 + ((m_highSurrogate - 0xD800) << 10) + (m_codeUnit - 0xDC00));
        }
        m_stringPart = StringPart::Plain;
        return i + 1;
    }
    case StringPart::LowBackslash:
    case StringPart::LowU:
        if (c == (m_stringPart == StringPart::LowBackslash ? '\\' : 'u')) {
            if (m_stringPart == StringPart::LowU) {
                m_hexDigits = 0;
                m_codeUnit = 0;
            }
            m_stringPart = m_stringPart == StringPart::LowBackslash ? StringPart::LowU : StringPart::LowHex;
            return i + 1;
        }
        fail(at(i),
             QStringLiteral("the high surrogate \\u%1 must be followed by a \\u escape of its low half, "
                            "found %2")
                 .arg(hex(m_highSurrogate, 4), describeByte(c)));
        return i;
    case StringPart::Utf8Tail: {
        const unsigned char low = m_utf8Size == 1 ? m_utf8SecondLow : 0x80;
        const unsigned char high = m_utf8Size == 1 ? m_utf8SecondHigh : 0xBF;
        if (c < low || c > high) {
            fail(at(i),
                 QStringLiteral("invalid UTF-8: byte 0x%1 cannot continue the character that byte 0x%2 "
                                "started")
                     .arg(hex(c, 2), hex(static_cast<unsigned char>(m_utf8[0]), 2)));
            return i;
        }
        m_utf8[m_utf8Size++] = static_cast<char>(c);
        ++m_lineContinuationBytes;
        if (m_utf8Size == m_utf8Length) {
            m_text->append(m_utf8, static_cast<std::size_t>(m_utf8Length));
            m_stringPart = StringPart::Plain;
        }
        return i + 1;
    }
    case StringPart::Plain:
        break;
    }
    Q_UNREACHABLE();
    return i;
}

bool PartialJsonParser::advanceNumber(NumberPart &part, char c)
{
    const bool digit = isDigit(c);
    const bool exponent = c == 'e' || c == 'E';
    switch (part) {
    case NumberPart::Start:
        part = c == '-' ? NumberPart::Minus : c == '0' ? NumberPart::Zero : NumberPart::Integer;
        return true;
    case NumberPart::Minus:
        if (!digit)
            return false;
        part = c == '0' ? NumberPart::Zero : NumberPart::Integer;
        return true;
    case NumberPart::Zero:
    case NumberPart::Integer:
        if (digit && part == NumberPart::Integer)
            return true;
        if (c == '.')
            part = NumberPart::Point;
        else if (exponent)
            part = NumberPart::Exponent;
        else
            return false;
        return true;
    case NumberPart::Point:
        if (!digit)
            return false;
        part = NumberPart::Fraction;
        return true;
    case NumberPart::Fraction:
        if (digit)
            return true;
        if (!exponent)
            return false;
        part = NumberPart::Exponent;
        return true;
    case NumberPart::Exponent:
        if (c == '+' || c == '-') {
            part = NumberPart::ExponentSign;
            return true;
        }
        [[fallthrough]];
    case NumberPart::ExponentSign:
    case NumberPart::ExponentDigits:
        if (!digit)
            return false;
        part = NumberPart::ExponentDigits;
        return true;
    }
    return false;
}

std::size_t PartialJsonParser::readNumber(std::string_view chunk, std::size_t i)
{
    const std::size_t start = i;
    while (i < chunk.size() && advanceNumber(m_numberPart, chunk[i]))
        ++i;
    m_number.append(chunk.data() + start, i - start);
    if (i == chunk.size())
        return i;

    // chunk[i] cannot continue the number: it ends it, or the number is malformed.
    const char c = chunk[i];
    QString expected;
    switch (m_numberPart) {
    case NumberPart::Zero:
        if (isDigit(c)) {
            fail(at(i), QStringLiteral("a number must not start with 0 followed by another digit"));
            return i;
        }
        finishNumber();
        return i;
    case NumberPart::Integer:
    case NumberPart::Fraction:
    case NumberPart::ExponentDigits:
        finishNumber();
        return i;
    case NumberPart::Start:
    case NumberPart::Minus:
        expected = QStringLiteral("a digit after '-'");
        break;
    case NumberPart::Point:
        expected = QStringLiteral("a digit after the decimal point");
        break;
    case NumberPart::Exponent:
    case NumberPart::ExponentSign:
        expected = QStringLiteral("a digit in the exponent");
        break;
    }
    fail(at(i),
         QStringLiteral("expected %1, found %2").arg(expected, describeByte(static_cast<unsigned char>(c))));
    return i;
}

void PartialJsonParser::finishNumber()
{
    std::optional<nlohmann::json> value = numberValue(m_number);
    if (!value) {
        fail(m_numberStart, QStringLiteral("number out of range: %1").arg(QString::fromLatin1(m_number)));
        return;
    }
    place(std::move(*value));
    m_state = State::AfterValue;
}

std::size_t PartialJsonParser::readLiteral(std::string_view chunk, std::size_t i)
{
    for (; i < chunk.size(); ++i) {
        if (chunk[i] != m_literal[m_literalMatched]) {
            fail(at(i),
                 QStringLiteral("expected '%1', found %2")
                     .arg(QLatin1String(m_literal), describeByte(static_cast<unsigned char>(chunk[i]))));
            return i;
        }
        if (++m_literalMatched == m_literal.size()) {
            place(m_literal == "null" ? nlohmann::json(nullptr) : nlohmann::json(m_literal == "true"));
            m_state = State::AfterValue;
            return i + 1;
        }
    }
    return i;
}

std::string PartialJsonParser::childToken() const
{
    const nlohmann::json &parent = *m_frames.back().node;
    return parent.is_object() ? m_key : std::to_string(parent.size());
}

nlohmann::json &PartialJsonParser::place(nlohmann::json value)
{
    nlohmann::json &parent = *m_frames.back().node;
    if (parent.is_object()) {
        // A repeated key replaces the earlier member, as nlohmann::json::parse does.
        nlohmann::json &member = parent.get_ref<nlohmann::json::object_t &>()[m_key];
        member = std::move(value);
        m_keyPending = false;
        return member;
    }
    auto &elements = parent.get_ref<nlohmann::json::array_t &>();
    elements.push_back(std::move(value));
    return elements.back();
}

void PartialJsonParser::openContainer(nlohmann::json container)
{
    m_state = container.is_object() ? State::FirstKey : State::FirstValue;
    if (m_frames.empty()) {
        m_root = std::move(container);
        m_frames.push_back({&m_root, {}});
    } else {
        // The new node's address stays valid while it is open: its parent gains no other child
        // until it closes, and std::map nodes never move.
        std::string token = childToken();
        nlohmann::json &node = place(std::move(container));
        m_frames.push_back({&node, std::move(token)});
    }
    m_maxDepth = std::max(m_maxDepth, m_frames.size());
}

void PartialJsonParser::closeContainer()
{
    m_frames.pop_back();
    m_state = m_frames.empty() ? State::Done : State::AfterValue;
}

void PartialJsonParser::newLine(std::size_t i)
{
    ++m_line;
    m_lineStart = at(i) + 1;
    m_lineContinuationBytes = 0;
}

void PartialJsonParser::fail(qint64 offset, const QString &message)
{
    // Every offending byte is on the current line: no string, number or literal holds a newline.
    // Columns count code points, as JsonRepair's do and as an editor shows them.
    const qint64 column = offset - m_lineStart - m_lineContinuationBytes + 1;
    m_error = Error(ErrorCode::Protocol, message,
                    QStringLiteral("line %1, column %2 (byte %3)").arg(m_line).arg(column).arg(offset));
    m_errorOffset = offset;
    m_state = State::Failed;
}

} // namespace Lathe::Schema
