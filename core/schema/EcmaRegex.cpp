// SPDX-License-Identifier: GPL-3.0-or-later
#include "EcmaRegex.h"

#define PCRE2_CODE_UNIT_WIDTH 16
#include <algorithm>
#include <array>
#include <bitset>
#include <climits>
#include <cstdint>
#include <optional>
#include <pcre2.h>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <QChar>
#include <QString>
#include <QStringList>

#include "base/Utf8.h"

namespace Lathe::Schema
{

namespace
{

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kEnd = 0xFFFFFFFF; // what peeking past the pattern sees; never a code point
constexpr int kUnbounded = -1;
constexpr int kMaxRepeat = 65535; // PCRE2's limit for {n,m}

struct CodePointRange
{
    char32_t first;
    char32_t last;
};
using Ranges = std::vector<CodePointRange>;

constexpr std::array<CodePointRange, 1> kDigits{{{U'0', U'9'}}};
constexpr std::array<CodePointRange, 4> kWordCharacters{
    {{U'0', U'9'}, {U'A', U'Z'}, {U'_', U'_'}, {U'a', U'z'}}};
// ECMA-262 WhiteSpace plus LineTerminator, which is what \s means there.
constexpr std::array<CodePointRange, 10> kWhiteSpace{{{0x09, 0x0D},
                                                      {0x20, 0x20},
                                                      {0xA0, 0xA0},
                                                      {0x1680, 0x1680},
                                                      {0x2000, 0x200A},
                                                      {0x2028, 0x2029},
                                                      {0x202F, 0x202F},
                                                      {0x205F, 0x205F},
                                                      {0x3000, 0x3000},
                                                      {0xFEFF, 0xFEFF}}};
constexpr std::array<CodePointRange, 3> kLineTerminators{{{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}}};

// ECMA-262 word characters spelled out, so \b does not depend on PCRE2's character tables.
constexpr QStringView kWordClass = u"[0-9A-Z_a-z]";

/** Code points and Unicode properties, as a character class holds them. */
struct CharSet
{
    Ranges ranges;
    QStringList properties; ///< PCRE2 class items such as \p{Lu} or \P{sc:Greek}
    bool negated = false;
};

CharSet setOf(std::span<const CodePointRange> ranges, bool negated)
{
    return CharSet{Ranges(ranges.begin(), ranges.end()), {}, negated};
}

/** Sorted, merged, and without surrogates (which UTF mode cannot hold and no input contains). */
Ranges normalized(Ranges ranges)
{
    std::sort(ranges.begin(), ranges.end(),
              [](const CodePointRange &a, const CodePointRange &b) { return a.first < b.first; });
    Ranges merged;
    for (const CodePointRange &range : ranges) {
        if (!merged.empty() && range.first <= merged.back().last + 1)
            merged.back().last = std::max(merged.back().last, range.last);
        else
            merged.push_back(range);
    }
    Ranges result;
    for (const CodePointRange &range : merged) {
        if (range.first < 0xD800)
            result.push_back({range.first, std::min<char32_t>(range.last, 0xD7FF)});
        if (range.last > 0xDFFF)
            result.push_back({std::max<char32_t>(range.first, 0xE000), range.last});
    }
    return result;
}

Ranges complement(const Ranges &ranges)
{
    Ranges result;
    char32_t next = 0;
    for (const CodePointRange &range : normalized(ranges)) {
        if (range.first > next)
            result.push_back({next, range.first - 1});
        next = range.last + 1;
    }
    if (next <= kMaxCodePoint)
        result.push_back({next, kMaxCodePoint});
    return result;
}

void addToSet(CharSet &set, const CharSet &escape)
{
    const Ranges added = escape.negated ? complement(escape.ranges) : escape.ranges;
    set.ranges.insert(set.ranges.end(), added.begin(), added.end());
    set.properties += escape.properties;
}

bool isSurrogate(char32_t c)
{
    return c >= 0xD800 && c <= 0xDFFF;
}

bool isDecimalDigit(char32_t c)
{
    return c >= U'0' && c <= U'9';
}

bool isAsciiLetter(char32_t c)
{
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

int hexValue(char32_t c)
{
    if (isDecimalDigit(c))
        return int(c - U'0');
    if (c >= U'a' && c <= U'f')
        return int(c - U'a' + 10);
    if (c >= U'A' && c <= U'F')
        return int(c - U'A' + 10);
    return -1;
}

bool isSyntaxCharacter(char32_t c)
{
    return c < 0x80 && std::u32string_view(U"^$\\.*+?()[]{}|").find(c) != std::u32string_view::npos;
}

// ID_Start and ID_Continue by general category; the few Other_ID_Start characters are missing.
bool isIdentifierStart(char32_t c)
{
    if (c == U'$' || c == U'_')
        return true;
    const QChar::Category category = QChar::category(c);
    return QChar::isLetter(c) || category == QChar::Number_Letter;
}

bool isIdentifierPart(char32_t c)
{
    if (isIdentifierStart(c) || c == 0x200C || c == 0x200D)
        return true;
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Number_DecimalDigit:
    case QChar::Punctuation_Connector:
        return true;
    default:
        return false;
    }
}

QString describe(char32_t c)
{
    if (c == kEnd)
        return QStringLiteral("the end");
    return QLatin1Char('\'') + QString::fromUcs4(&c, 1) + QLatin1Char('\'');
}

/** ECMA-262's General_Category values: short name, long name, the extra alias some have. */
struct GeneralCategory
{
    QStringView shortName;
    QStringView longName;
    QStringView alias;
};

constexpr std::array<GeneralCategory, 38> kGeneralCategories{{
    {u"C", u"Other", {}},
    {u"Cc", u"Control", u"cntrl"},
    {u"Cf", u"Format", {}},
    {u"Cn", u"Unassigned", {}},
    {u"Co", u"Private_Use", {}},
    {u"Cs", u"Surrogate", {}},
    {u"L", u"Letter", {}},
    {u"LC", u"Cased_Letter", {}},
    {u"Ll", u"Lowercase_Letter", {}},
    {u"Lm", u"Modifier_Letter", {}},
    {u"Lo", u"Other_Letter", {}},
    {u"Lt", u"Titlecase_Letter", {}},
    {u"Lu", u"Uppercase_Letter", {}},
    {u"M", u"Mark", u"Combining_Mark"},
    {u"Mc", u"Spacing_Mark", {}},
    {u"Me", u"Enclosing_Mark", {}},
    {u"Mn", u"Nonspacing_Mark", {}},
    {u"N", u"Number", {}},
    {u"Nd", u"Decimal_Number", u"digit"},
    {u"Nl", u"Letter_Number", {}},
    {u"No", u"Other_Number", {}},
    {u"P", u"Punctuation", u"punct"},
    {u"Pc", u"Connector_Punctuation", {}},
    {u"Pd", u"Dash_Punctuation", {}},
    {u"Pe", u"Close_Punctuation", {}},
    {u"Pf", u"Final_Punctuation", {}},
    {u"Pi", u"Initial_Punctuation", {}},
    {u"Po", u"Other_Punctuation", {}},
    {u"Ps", u"Open_Punctuation", {}},
    {u"S", u"Symbol", {}},
    {u"Sc", u"Currency_Symbol", {}},
    {u"Sk", u"Modifier_Symbol", {}},
    {u"Sm", u"Math_Symbol", {}},
    {u"So", u"Other_Symbol", {}},
    {u"Z", u"Separator", {}},
    {u"Zl", u"Line_Separator", {}},
    {u"Zp", u"Paragraph_Separator", {}},
    {u"Zs", u"Space_Separator", {}},
}};

/** ECMA-262's binary Unicode properties: long name (which PCRE2 also takes) and short alias. */
struct BinaryProperty
{
    QStringView longName;
    QStringView shortName;
};

constexpr std::array<BinaryProperty, 53> kBinaryProperties{{
    {u"ASCII", {}},
    {u"ASCII_Hex_Digit", u"AHex"},
    {u"Alphabetic", u"Alpha"},
    {u"Any", {}},
    {u"Assigned", {}},
    {u"Bidi_Control", u"Bidi_C"},
    {u"Bidi_Mirrored", u"Bidi_M"},
    {u"Case_Ignorable", u"CI"},
    {u"Cased", {}},
    {u"Changes_When_Casefolded", u"CWCF"},
    {u"Changes_When_Casemapped", u"CWCM"},
    {u"Changes_When_Lowercased", u"CWL"},
    {u"Changes_When_NFKC_Casefolded", u"CWKCF"},
    {u"Changes_When_Titlecased", u"CWT"},
    {u"Changes_When_Uppercased", u"CWU"},
    {u"Dash", {}},
    {u"Default_Ignorable_Code_Point", u"DI"},
    {u"Deprecated", u"Dep"},
    {u"Diacritic", u"Dia"},
    {u"Emoji", {}},
    {u"Emoji_Component", u"EComp"},
    {u"Emoji_Modifier", u"EMod"},
    {u"Emoji_Modifier_Base", u"EBase"},
    {u"Emoji_Presentation", u"EPres"},
    {u"Extended_Pictographic", u"ExtPict"},
    {u"Extender", u"Ext"},
    {u"Grapheme_Base", u"Gr_Base"},
    {u"Grapheme_Extend", u"Gr_Ext"},
    {u"Hex_Digit", u"Hex"},
    {u"IDS_Binary_Operator", u"IDSB"},
    {u"IDS_Trinary_Operator", u"IDST"},
    {u"ID_Continue", u"IDC"},
    {u"ID_Start", u"IDS"},
    {u"Ideographic", u"Ideo"},
    {u"Join_Control", u"Join_C"},
    {u"Logical_Order_Exception", u"LOE"},
    {u"Lowercase", u"Lower"},
    {u"Math", {}},
    {u"Noncharacter_Code_Point", u"NChar"},
    {u"Pattern_Syntax", u"Pat_Syn"},
    {u"Pattern_White_Space", u"Pat_WS"},
    {u"Quotation_Mark", u"QMark"},
    {u"Radical", {}},
    {u"Regional_Indicator", u"RI"},
    {u"Sentence_Terminal", u"STerm"},
    {u"Soft_Dotted", u"SD"},
    {u"Terminal_Punctuation", u"Term"},
    {u"Unified_Ideograph", u"UIdeo"},
    {u"Uppercase", u"Upper"},
    {u"Variation_Selector", u"VS"},
    {u"White_Space", u"space"},
    {u"XID_Continue", u"XIDC"},
    {u"XID_Start", u"XIDS"},
}};

std::optional<QString> generalCategory(const QString &name)
{
    for (const GeneralCategory &category : kGeneralCategories) {
        if (name == category.shortName || name == category.longName ||
            (!category.alias.isEmpty() && name == category.alias))
            return name == u"LC" || name == u"Cased_Letter" ? QStringLiteral("L&")
                                                            : category.shortName.toString();
    }
    return std::nullopt;
}

// Unicode script names are words each starting with a capital ("Old_Italic", "Grek",
// "SignWriting"); PCRE2 then decides whether the script exists, but it matches names loosely,
// so this keeps "greek" an error as ECMA-262 requires.
bool hasScriptNameShape(const QString &name)
{
    bool wordStart = true;
    for (const QChar c : name) {
        if (c == u'_') {
            if (wordStart)
                return false;
            wordStart = true;
        } else if (c.unicode() < 0x80 && c.isLetter() && (!wordStart || c.isUpper())) {
            wordStart = false;
        } else {
            return false;
        }
    }
    return !wordStart;
}

/** A property as PCRE2 names it; `complemented` when ECMA's property is the complement of it. */
struct PcreProperty
{
    QString name;
    bool complemented = false;
};

std::optional<PcreProperty> pcreProperty(const QString &name, const std::optional<QString> &value)
{
    if (value) {
        if (name == u"General_Category" || name == u"gc") {
            if (const auto category = generalCategory(*value))
                return PcreProperty{*category};
        } else if (name == u"Script" || name == u"sc") {
            if (hasScriptNameShape(*value))
                return PcreProperty{QStringLiteral("sc:") + *value};
        } else if (name == u"Script_Extensions" || name == u"scx") {
            if (hasScriptNameShape(*value))
                return PcreProperty{QStringLiteral("scx:") + *value};
        }
        return std::nullopt;
    }
    if (const auto category = generalCategory(name))
        return PcreProperty{*category};
    for (const BinaryProperty &property : kBinaryProperties) {
        if (name == property.longName || (!property.shortName.isEmpty() && name == property.shortName)) {
            if (name == u"Assigned")
                return PcreProperty{QStringLiteral("Cn"), true}; // PCRE2 has no Assigned
            return PcreProperty{property.longName.toString()};
        }
    }
    return std::nullopt;
}

/** One node of the parsed pattern. */
struct Node
{
    enum class Kind
    {
        Alternation,     ///< children: one Sequence per alternative
        Sequence,        ///< children: the terms in order
        Character,       ///< codePoint
        Set,             ///< set: a class, an escape such as \d, or .
        InputStart,      ///< ^
        InputEnd,        ///< $
        WordBoundary,    ///< \b
        NotWordBoundary, ///< \B
        Group,           ///< children[0]; group > 0 when capturing
        Lookaround,      ///< children[0]; behind, negative
        Backreference,   ///< group (after resolving groupName)
        Repeat,          ///< children[0]; min, max, greedy
    };

    Kind kind = Kind::Sequence;
    qsizetype source = 0; ///< byte offset in the ECMA pattern, for error messages
    char32_t codePoint = 0;
    CharSet set;
    int group = 0;
    QString groupName;
    bool behind = false;
    bool negative = false;
    int min = 0;
    int max = 0;
    bool greedy = true;
    std::vector<Node> children;

    // PCRE2 group numbers of the helpers a variable-length lookbehind needs (0: runs natively).
    int suffixGroup = 0;
    int walkerGroup = 0;
};

/** ECMA-262 (unicode mode) pattern grammar, into a Node tree. */
class Parser
{
public:
    explicit Parser(const std::string &utf8)
    {
        const QString decoded = QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
        m_text = decoded.toStdU32String();
        qsizetype byte = 0;
        for (const char32_t c : m_text) {
            m_offsets.push_back(byte);
            byte += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        }
        m_offsets.push_back(byte);
    }

    Result<Node> parse()
    {
        Node root;
        if (parseDisjunction(root)) {
            // Only a ')' stops a disjunction before the end.
            if (!atEnd())
                fail(m_pos, QStringLiteral("unmatched ')'"));
            else
                resolveBackreferences(root);
        }
        if (m_error)
            return tl::unexpected(*m_error);
        return root;
    }

    int groupCount() const { return m_groupCount; }

private:
    bool atEnd() const { return m_pos >= qsizetype(m_text.size()); }
    char32_t at(qsizetype index) const
    {
        return index < qsizetype(m_text.size()) ? m_text[size_t(index)] : kEnd;
    }
    char32_t peek(qsizetype ahead = 0) const { return at(m_pos + ahead); }
    qsizetype byteOffset(qsizetype index) const
    {
        return m_offsets[size_t(std::min<qsizetype>(index, qsizetype(m_text.size())))];
    }

    bool failAtByte(qsizetype byte, const QString &message)
    {
        if (!m_error)
            m_error = Error(ErrorCode::InvalidArgument, message, QStringLiteral("byte %1").arg(byte));
        return false;
    }
    bool fail(qsizetype index, const QString &message) { return failAtByte(byteOffset(index), message); }

    bool parseDisjunction(Node &out)
    {
        out.kind = Node::Kind::Alternation;
        out.source = byteOffset(m_pos);
        for (;;) {
            Node alternative;
            alternative.source = byteOffset(m_pos);
            while (!atEnd() && peek() != U'|' && peek() != U')') {
                if (!parseTerm(alternative))
                    return false;
            }
            out.children.push_back(std::move(alternative));
            if (peek() != U'|')
                return true;
            ++m_pos;
        }
    }

    bool parseTerm(Node &sequence)
    {
        const qsizetype start = m_pos;
        const char32_t c = peek();
        Node atom;
        atom.source = byteOffset(start);
        switch (c) {
        case U'^':
        case U'$':
            ++m_pos;
            atom.kind = c == U'^' ? Node::Kind::InputStart : Node::Kind::InputEnd;
            return appendAssertion(sequence, std::move(atom));
        case U'(':
            return parseGroup(sequence);
        case U'[':
            if (!parseClass(atom))
                return false;
            break;
        case U'.':
            ++m_pos;
            atom.kind = Node::Kind::Set;
            atom.set = setOf(kLineTerminators, true);
            break;
        case U'*':
        case U'+':
        case U'?':
            return fail(start, QStringLiteral("nothing to repeat before %1").arg(describe(c)));
        case U'{': {
            qsizetype end = start;
            return fail(start, braceQuantifier(end) ? QStringLiteral("nothing to repeat before '{'")
                                                    : QStringLiteral("a lone '{' must be escaped as \\{"));
        }
        case U'}':
        case U']':
            return fail(start, QStringLiteral("a lone %1 must be escaped with \\").arg(describe(c)));
        case U'\\':
            if (peek(1) == U'b' || peek(1) == U'B') {
                atom.kind = peek(1) == U'b' ? Node::Kind::WordBoundary : Node::Kind::NotWordBoundary;
                m_pos += 2;
                return appendAssertion(sequence, std::move(atom));
            }
            if (!parseAtomEscape(atom))
                return false;
            break;
        default:
            ++m_pos;
            atom.kind = Node::Kind::Character;
            atom.codePoint = c;
        }
        return appendQuantified(sequence, std::move(atom));
    }

    struct Bounds
    {
        int min;
        int max;
    };

    /** Reads {n}, {n,} or {n,m} at `index` and moves it past; nullopt (index kept) otherwise. */
    std::optional<Bounds> braceQuantifier(qsizetype &index) const
    {
        if (at(index) != U'{')
            return std::nullopt;
        qsizetype i = index + 1;
        const auto readNumber = [&](int &value) {
            const qsizetype begin = i;
            long long number = 0;
            for (; isDecimalDigit(at(i)); ++i)
                number = std::min<long long>(number * 10 + (at(i) - U'0'), INT_MAX);
            value = int(number);
            return i > begin;
        };
        Bounds bounds{0, 0};
        if (!readNumber(bounds.min))
            return std::nullopt;
        if (at(i) == U',') {
            ++i;
            if (!readNumber(bounds.max))
                bounds.max = kUnbounded;
        } else {
            bounds.max = bounds.min;
        }
        if (at(i) != U'}')
            return std::nullopt;
        index = i + 1;
        return bounds;
    }

    bool atQuantifier() const
    {
        qsizetype index = m_pos;
        const char32_t c = peek();
        return c == U'*' || c == U'+' || c == U'?' || braceQuantifier(index);
    }

    // Unicode mode allows no quantifier on any assertion, lookaheads included.
    bool appendAssertion(Node &sequence, Node assertion)
    {
        if (atQuantifier())
            return fail(m_pos, QStringLiteral("an assertion cannot be repeated"));
        sequence.children.push_back(std::move(assertion));
        return true;
    }

    bool appendQuantified(Node &sequence, Node atom)
    {
        const qsizetype start = m_pos;
        Bounds bounds{0, 0};
        switch (peek()) {
        case U'*':
            bounds = {0, kUnbounded};
            ++m_pos;
            break;
        case U'+':
            bounds = {1, kUnbounded};
            ++m_pos;
            break;
        case U'?':
            bounds = {0, 1};
            ++m_pos;
            break;
        case U'{': {
            qsizetype end = m_pos;
            const auto braces = braceQuantifier(end);
            if (!braces)
                return fail(start,
                            QStringLiteral("incomplete quantifier: a '{' that does not start {n}, {n,} "
                                           "or {n,m} must be escaped as \\{"));
            if (braces->max != kUnbounded && braces->min > braces->max)
                return fail(start, QStringLiteral("numbers out of order in {} quantifier"));
            if (braces->min > kMaxRepeat || braces->max > kMaxRepeat)
                return fail(start,
                            QStringLiteral("repeat counts above %1 are not supported").arg(kMaxRepeat));
            bounds = *braces;
            m_pos = end;
            break;
        }
        default:
            sequence.children.push_back(std::move(atom));
            return true;
        }
        Node repeat;
        repeat.kind = Node::Kind::Repeat;
        repeat.source = atom.source;
        repeat.min = bounds.min;
        repeat.max = bounds.max;
        if (peek() == U'?') {
            repeat.greedy = false;
            ++m_pos;
        }
        repeat.children.push_back(std::move(atom));
        sequence.children.push_back(std::move(repeat));
        return true;
    }

    bool parseGroupBody(Node &group, qsizetype start)
    {
        Node body;
        if (!parseDisjunction(body))
            return false;
        if (peek() != U')')
            return fail(start, QStringLiteral("unterminated group: missing ')'"));
        ++m_pos;
        group.children.push_back(std::move(body));
        return true;
    }

    bool parseGroup(Node &sequence)
    {
        const qsizetype start = m_pos;
        Node group;
        group.source = byteOffset(start);
        group.kind = Node::Kind::Group;
        if (peek(1) != U'?') {
            ++m_pos;
            group.group = ++m_groupCount;
            return parseGroupBody(group, start) && appendQuantified(sequence, std::move(group));
        }
        const char32_t kind = peek(2);
        const bool lookbehind = kind == U'<' && (peek(3) == U'=' || peek(3) == U'!');
        if (kind == U'=' || kind == U'!' || lookbehind) {
            group.kind = Node::Kind::Lookaround;
            group.behind = lookbehind;
            group.negative = (lookbehind ? peek(3) : kind) == U'!';
            m_pos += lookbehind ? 4 : 3;
            return parseGroupBody(group, start) && appendAssertion(sequence, std::move(group));
        }
        if (kind == U':') {
            m_pos += 3;
            return parseGroupBody(group, start) && appendQuantified(sequence, std::move(group));
        }
        if (kind == U'<') {
            m_pos += 3;
            const qsizetype nameStart = m_pos;
            QString name;
            if (!parseGroupName(name))
                return false;
            for (const auto &entry : m_groupNames) {
                if (entry.first == name)
                    return fail(nameStart, QStringLiteral("duplicate group name \"%1\"").arg(name));
            }
            group.group = ++m_groupCount;
            m_groupNames.emplace_back(name, group.group);
            return parseGroupBody(group, start) && appendQuantified(sequence, std::move(group));
        }
        return fail(start,
                    QStringLiteral("\"(?%1\" is not ECMA-262 syntax; a group may start with (?:, (?=, (?!, "
                                   "(?<=, (?<! or (?<name>")
                        .arg(kind == kEnd ? QString() : QString::fromUcs4(&kind, 1)));
    }

    /** RegExpIdentifierName then '>'; \u escapes allowed. */
    bool parseGroupName(QString &name)
    {
        const qsizetype start = m_pos;
        for (;;) {
            const qsizetype charStart = m_pos;
            char32_t c = peek();
            if (c == kEnd)
                return fail(start, QStringLiteral("unterminated group name: missing '>'"));
            if (c == U'>') {
                if (name.isEmpty())
                    return fail(start, QStringLiteral("empty group name"));
                ++m_pos;
                return true;
            }
            if (c == U'\\') {
                if (peek(1) != U'u')
                    return fail(charStart, QStringLiteral("only \\u escapes may appear in a group name"));
                m_pos += 2;
                if (!parseUnicodeEscapeBody(c, charStart))
                    return false;
            } else {
                ++m_pos;
            }
            if (!(name.isEmpty() ? isIdentifierStart(c) : isIdentifierPart(c)))
                return fail(charStart,
                            QStringLiteral("%1 cannot appear there in a group name").arg(describe(c)));
            name += QString::fromUcs4(&c, 1);
        }
    }

    CharSet classEscapeSet(char32_t letter) const
    {
        const bool negated = letter == U'D' || letter == U'S' || letter == U'W';
        switch (letter) {
        case U'd':
        case U'D':
            return setOf(kDigits, negated);
        case U's':
        case U'S':
            return setOf(kWhiteSpace, negated);
        default:
            return setOf(kWordCharacters, negated);
        }
    }

    static bool isClassEscapeLetter(char32_t c)
    {
        return c == U'd' || c == U'D' || c == U's' || c == U'S' || c == U'w' || c == U'W';
    }

    bool parseAtomEscape(Node &atom)
    {
        const qsizetype start = m_pos;
        const char32_t c = peek(1);
        if (c == kEnd)
            return fail(start, QStringLiteral("\\ at end of pattern"));
        if (c >= U'1' && c <= U'9') {
            ++m_pos;
            long long number = 0;
            for (; isDecimalDigit(peek()); ++m_pos)
                number = std::min<long long>(number * 10 + (peek() - U'0'), INT_MAX);
            atom.kind = Node::Kind::Backreference;
            atom.group = int(number);
            return true;
        }
        if (c == U'k') {
            m_pos += 2;
            if (peek() != U'<')
                return fail(start, QStringLiteral("\\k must be followed by <name>"));
            ++m_pos;
            atom.kind = Node::Kind::Backreference;
            return parseGroupName(atom.groupName);
        }
        if (isClassEscapeLetter(c)) {
            m_pos += 2;
            atom.kind = Node::Kind::Set;
            atom.set = classEscapeSet(c);
            return true;
        }
        if (c == U'p' || c == U'P') {
            m_pos += 2;
            atom.kind = Node::Kind::Set;
            return parseProperty(c == U'P', atom.set, start);
        }
        atom.kind = Node::Kind::Character;
        return parseCharacterEscape(atom.codePoint);
    }

    /** The escapes a class and the rest of a pattern share; m_pos is at the backslash. */
    bool parseCharacterEscape(char32_t &out)
    {
        const qsizetype start = m_pos;
        const char32_t c = peek(1);
        m_pos += 2;
        switch (c) {
        case U'f':
            out = 0x0C;
            return true;
        case U'n':
            out = 0x0A;
            return true;
        case U'r':
            out = 0x0D;
            return true;
        case U't':
            out = 0x09;
            return true;
        case U'v':
            out = 0x0B;
            return true;
        case U'0':
            if (isDecimalDigit(peek()))
                return fail(start,
                            QStringLiteral("\\0 followed by a digit is an octal escape, which unicode mode "
                                           "does not allow"));
            out = 0;
            return true;
        case U'c':
            if (!isAsciiLetter(peek()))
                return fail(start, QStringLiteral("\\c must be followed by a letter A-Z or a-z"));
            out = peek() % 32;
            ++m_pos;
            return true;
        case U'x': {
            const int high = hexValue(peek());
            const int low = hexValue(peek(1));
            if (high < 0 || low < 0)
                return fail(start, QStringLiteral("\\x must be followed by two hex digits"));
            out = char32_t(high * 16 + low);
            m_pos += 2;
            return true;
        }
        case U'u':
            return parseUnicodeEscapeBody(out, start);
        default:
            if (isSyntaxCharacter(c) || c == U'/') {
                out = c;
                return true;
            }
            return fail(start,
                        QStringLiteral("\\%1 is not an ECMA-262 escape (unicode mode allows escaping only "
                                       "syntax characters and /)")
                            .arg(QString::fromUcs4(&c, 1)));
        }
    }

    /** After "\u": {hex} or four hex digits, a surrogate pair written as two escapes joined. */
    bool parseUnicodeEscapeBody(char32_t &out, qsizetype start)
    {
        if (peek() == U'{') {
            qsizetype i = m_pos + 1;
            char32_t value = 0;
            for (; hexValue(at(i)) >= 0; ++i)
                value = std::min<char32_t>(value * 16 + char32_t(hexValue(at(i))), kMaxCodePoint + 1);
            if (i == m_pos + 1 || at(i) != U'}' || value > kMaxCodePoint)
                return fail(start,
                            QStringLiteral("\\u{...} must hold a code point of at most 10FFFF in hex"));
            m_pos = i + 1;
            out = value;
            return true;
        }
        const auto fourHex = [this](qsizetype i, char32_t &value) {
            value = 0;
            for (qsizetype k = 0; k < 4; ++k) {
                const int digit = hexValue(at(i + k));
                if (digit < 0)
                    return false;
                value = value * 16 + char32_t(digit);
            }
            return true;
        };
        if (!fourHex(m_pos, out))
            return fail(start, QStringLiteral("\\u must be followed by four hex digits or {hex}"));
        m_pos += 4;
        char32_t trail = 0;
        if (out >= 0xD800 && out <= 0xDBFF && peek() == U'\\' && peek(1) == U'u' &&
            fourHex(m_pos + 2, trail) && trail >= 0xDC00 && trail <= 0xDFFF) {
            out = 0x10000 + ((out - 0xD800) << 10) + (trail - 0xDC00);
            m_pos += 6;
        }
        return true;
    }

    /** After "\p" or "\P": {Name}, {Name=Value}. */
    bool parseProperty(bool negated, CharSet &set, qsizetype start)
    {
        if (peek() != U'{')
            return fail(start, QStringLiteral("\\p and \\P must be followed by {property}"));
        qsizetype i = m_pos + 1;
        QString name;
        std::optional<QString> value;
        for (; at(i) != U'}'; ++i) {
            const char32_t c = at(i);
            if (c == kEnd)
                return fail(start, QStringLiteral("unterminated \\p{...}"));
            if (c == U'=' && !value) {
                value = QString();
                continue;
            }
            if (!isAsciiLetter(c) && !isDecimalDigit(c) && c != U'_')
                return fail(start,
                            QStringLiteral("%1 cannot appear in a Unicode property name").arg(describe(c)));
            (value ? *value : name) += QChar(char16_t(c));
        }
        m_pos = i + 1;
        const auto property = pcreProperty(name, value);
        if (!property) {
            const QString written = value ? name + QLatin1Char('=') + *value : name;
            return fail(start,
                        QStringLiteral("unknown Unicode property \"%1\"%2")
                            .arg(written, !value && hasScriptNameShape(name)
                                              ? QStringLiteral(" (a script is written Script=%1)").arg(name)
                                              : QString()));
        }
        const bool complemented = negated != property->complemented;
        set.properties.append((complemented ? QStringLiteral("\\P{") : QStringLiteral("\\p{")) +
                              property->name + QLatin1Char('}'));
        return true;
    }

    struct ClassAtom
    {
        bool isSet = false;
        char32_t codePoint = 0;
        CharSet set;
    };

    bool parseClassAtom(ClassAtom &atom)
    {
        const qsizetype start = m_pos;
        const char32_t c = peek();
        if (c != U'\\') {
            ++m_pos;
            atom.codePoint = c;
            return true;
        }
        const char32_t escape = peek(1);
        if (escape == kEnd)
            return fail(start, QStringLiteral("\\ at end of pattern"));
        if (escape == U'b' || escape == U'-') {
            m_pos += 2;
            atom.codePoint = escape == U'b' ? 0x08 : U'-';
            return true;
        }
        if (isClassEscapeLetter(escape)) {
            m_pos += 2;
            atom.isSet = true;
            atom.set = classEscapeSet(escape);
            return true;
        }
        if (escape == U'p' || escape == U'P') {
            m_pos += 2;
            atom.isSet = true;
            return parseProperty(escape == U'P', atom.set, start);
        }
        if (escape >= U'1' && escape <= U'9')
            return fail(start, QStringLiteral("\\%1 cannot appear in a character class in unicode mode")
                                   .arg(QChar(char16_t(escape))));
        return parseCharacterEscape(atom.codePoint);
    }

    bool parseClass(Node &atom)
    {
        const qsizetype start = m_pos;
        ++m_pos;
        atom.kind = Node::Kind::Set;
        if (peek() == U'^') {
            atom.set.negated = true;
            ++m_pos;
        }
        for (;;) {
            if (atEnd())
                return fail(start, QStringLiteral("unterminated character class: missing ']'"));
            if (peek() == U']') {
                ++m_pos;
                return true;
            }
            const qsizetype firstStart = m_pos;
            ClassAtom first;
            if (!parseClassAtom(first))
                return false;
            if (peek() != U'-' || peek(1) == U']' || peek(1) == kEnd) {
                if (first.isSet)
                    addToSet(atom.set, first.set);
                else
                    atom.set.ranges.push_back({first.codePoint, first.codePoint});
                continue;
            }
            ++m_pos;
            ClassAtom last;
            if (!parseClassAtom(last))
                return false;
            if (first.isSet || last.isSet)
                return fail(firstStart, QStringLiteral("a class escape such as \\d cannot bound a range"));
            if (first.codePoint > last.codePoint)
                return fail(firstStart, QStringLiteral("range out of order in character class"));
            atom.set.ranges.push_back({first.codePoint, last.codePoint});
        }
    }

    bool resolveBackreferences(Node &node)
    {
        if (node.kind == Node::Kind::Backreference) {
            if (!node.groupName.isEmpty()) {
                const auto named =
                    std::find_if(m_groupNames.begin(), m_groupNames.end(),
                                 [&](const auto &entry) { return entry.first == node.groupName; });
                if (named == m_groupNames.end())
                    return failAtByte(
                        node.source,
                        QStringLiteral("\\k<%1> names no group in the pattern").arg(node.groupName));
                node.group = named->second;
            } else if (node.group > m_groupCount) {
                return failAtByte(node.source,
                                  QStringLiteral("\\%1 refers to a group the pattern does not have "
                                                 "(it has %2)")
                                      .arg(node.group)
                                      .arg(m_groupCount));
            }
        }
        for (Node &child : node.children) {
            if (!resolveBackreferences(child))
                return false;
        }
        return true;
    }

    std::u32string m_text;
    std::vector<qsizetype> m_offsets; // byte offset of each code point, then of the end
    qsizetype m_pos = 0;
    int m_groupCount = 0;
    std::vector<std::pair<QString, int>> m_groupNames;
    std::optional<Error> m_error;
};

/** Whether emitting `set` gives something that never matches. */
bool matchesNothing(const CharSet &set)
{
    return !set.negated && set.properties.isEmpty() && normalized(set.ranges).empty();
}

/** The number of code points `node` always matches, or nullopt when that varies. */
std::optional<qsizetype> fixedWidth(const Node &node)
{
    switch (node.kind) {
    case Node::Kind::Alternation: {
        std::optional<qsizetype> width;
        for (const Node &alternative : node.children) {
            const auto each = fixedWidth(alternative);
            if (!each || (width && *width != *each))
                return std::nullopt;
            width = each;
        }
        return width.value_or(0);
    }
    case Node::Kind::Sequence: {
        qsizetype width = 0;
        for (const Node &term : node.children) {
            const auto each = fixedWidth(term);
            if (!each)
                return std::nullopt;
            width += *each;
        }
        return width;
    }
    case Node::Kind::Character:
        return isSurrogate(node.codePoint) ? 0 : 1;
    case Node::Kind::Set:
        return matchesNothing(node.set) ? 0 : 1;
    case Node::Kind::InputStart:
    case Node::Kind::InputEnd:
    case Node::Kind::WordBoundary:
    case Node::Kind::NotWordBoundary:
    case Node::Kind::Lookaround:
        return 0;
    case Node::Kind::Group:
        return fixedWidth(node.children.front());
    case Node::Kind::Backreference:
        return std::nullopt;
    case Node::Kind::Repeat: {
        const auto each = fixedWidth(node.children.front());
        if (node.min != node.max || !each)
            return std::nullopt;
        return *each * node.min;
    }
    }
    return std::nullopt;
}

// PCRE2 10.42 runs a lookbehind only when each of its top-level alternatives has a fixed length.
bool runsNatively(const Node &lookbehind)
{
    const Node &alternation = lookbehind.children.front();
    return std::all_of(alternation.children.begin(), alternation.children.end(),
                       [](const Node &alternative) { return fixedWidth(alternative).has_value(); });
}

/** Writes the PCRE2 pattern for a parsed ECMA-262 one. */
class Translator
{
public:
    explicit Translator(int ecmaGroupCount)
        : m_pcreGroupOf(size_t(ecmaGroupCount) + 1, 0)
    {}

    QString translate(Node &root)
    {
        number(root);
        writeNode(root);
        return m_pattern;
    }

    /** The byte in the ECMA pattern that produced the PCRE2 pattern's code unit `offset`. */
    qsizetype sourceOffset(qsizetype offset) const
    {
        const auto after =
            std::upper_bound(m_sourceMap.begin(), m_sourceMap.end(), offset,
                             [](qsizetype value, const auto &entry) { return value < entry.first; });
        return after == m_sourceMap.begin() ? 0 : std::prev(after)->second;
    }

private:
    // PCRE2 numbers groups by their opening parenthesis, so this visits nodes in the order writeNode()
    // writes them, adding the helper groups a variable-length lookbehind writes before its body.
    void number(Node &node)
    {
        if (node.kind == Node::Kind::Group && node.group > 0)
            m_pcreGroupOf[size_t(node.group)] = ++m_groupCount;
        if (node.kind == Node::Kind::Lookaround && node.behind && !runsNatively(node)) {
            node.suffixGroup = ++m_groupCount;
            node.walkerGroup = ++m_groupCount;
        }
        for (Node &child : node.children)
            number(child);
    }

    void emitCodePoint(char32_t c)
    {
        if (c < 0x80 && (isAsciiLetter(c) || isDecimalDigit(c)))
            m_pattern += QChar(char16_t(c));
        else
            m_pattern += QStringLiteral("\\x{") + QString::number(uint(c), 16) + QLatin1Char('}');
    }

    void emitSet(const CharSet &set)
    {
        const Ranges ranges = normalized(set.ranges);
        if (ranges.empty() && set.properties.isEmpty()) {
            m_pattern += set.negated ? QStringLiteral("(?s:.)") : QStringLiteral("(?!)");
            return;
        }
        m_pattern += set.negated ? QStringLiteral("[^") : QStringLiteral("[");
        for (const CodePointRange &range : ranges) {
            emitCodePoint(range.first);
            if (range.last != range.first) {
                m_pattern += QLatin1Char('-');
                emitCodePoint(range.last);
            }
        }
        m_pattern += set.properties.join(QString()) + QLatin1Char(']');
    }

    void emitGroupBody(const Node &node, QStringView open)
    {
        m_pattern += open;
        writeNode(node.children.front());
        m_pattern += QLatin1Char(')');
    }

    // (?<=X) holds at p when X matches some text that ends exactly at p. The walk captures the
    // rest of the input after p, then steps back one code point at a time (a fixed-length
    // lookbehind that recurses into the walk) and at each position q tries X followed by exactly
    // that rest, which puts X's end at p.
    void emitWalkBack(const Node &node)
    {
        const QString suffix = QString::number(node.suffixGroup);
        const QString walker = QString::number(node.walkerGroup);
        m_pattern += node.negative ? QStringLiteral("(?!") : QStringLiteral("(?:");
        m_pattern += QStringLiteral("(?=((?s:.*)))(");
        emitGroupBody(node, u"(?=(?:");
        m_pattern += QStringLiteral("\\g{") + suffix + QStringLiteral("}\\z)|(?<=(?=(?") + walker +
                     QStringLiteral("))(?s:.))))");
    }

    void writeNode(const Node &node)
    {
        m_sourceMap.emplace_back(m_pattern.size(), node.source);
        switch (node.kind) {
        case Node::Kind::Alternation:
            for (size_t i = 0; i < node.children.size(); ++i) {
                if (i > 0)
                    m_pattern += QLatin1Char('|');
                writeNode(node.children[i]);
            }
            break;
        case Node::Kind::Sequence:
            for (const Node &term : node.children)
                writeNode(term);
            break;
        case Node::Kind::Character:
            if (isSurrogate(node.codePoint))
                m_pattern += QStringLiteral("(?!)");
            else
                emitCodePoint(node.codePoint);
            break;
        case Node::Kind::Set:
            emitSet(node.set);
            break;
        case Node::Kind::InputStart:
            m_pattern += QStringLiteral("\\A");
            break;
        case Node::Kind::InputEnd:
            m_pattern += QStringLiteral("\\z");
            break;
        case Node::Kind::WordBoundary:
        case Node::Kind::NotWordBoundary: {
            const QString word = kWordClass.toString();
            const bool boundary = node.kind == Node::Kind::WordBoundary;
            m_pattern += QStringLiteral("(?:(?<=") + word +
                         (boundary ? QStringLiteral(")(?!") : QStringLiteral(")(?=")) + word +
                         QStringLiteral(")|(?<!") + word +
                         (boundary ? QStringLiteral(")(?=") : QStringLiteral(")(?!")) + word +
                         QStringLiteral("))");
            break;
        }
        case Node::Kind::Group:
            emitGroupBody(node, node.group > 0 ? u"(" : u"(?:");
            break;
        case Node::Kind::Lookaround:
            if (!node.behind)
                emitGroupBody(node, node.negative ? u"(?!" : u"(?=");
            else if (node.walkerGroup == 0)
                emitGroupBody(node, node.negative ? u"(?<!" : u"(?<=");
            else
                emitWalkBack(node);
            break;
        case Node::Kind::Backreference: {
            // ECMA-262: a group that has not matched matches the empty string; PCRE2's fails.
            const QString group = QString::number(m_pcreGroupOf[size_t(node.group)]);
            m_pattern +=
                QStringLiteral("(?(") + group + QStringLiteral(")\\g{") + group + QStringLiteral("})");
            break;
        }
        case Node::Kind::Repeat: {
            const Node &child = node.children.front();
            if (child.kind == Node::Kind::Group) {
                writeNode(child);
            } else {
                m_pattern += QStringLiteral("(?:");
                writeNode(child);
                m_pattern += QLatin1Char(')');
            }
            m_pattern += QLatin1Char('{') + QString::number(node.min) + QLatin1Char(',') +
                         (node.max == kUnbounded ? QString() : QString::number(node.max)) + QLatin1Char('}');
            if (!node.greedy)
                m_pattern += QLatin1Char('?');
            break;
        }
        }
    }

    QString m_pattern;
    std::vector<std::pair<qsizetype, qsizetype>> m_sourceMap; // (PCRE2 offset, ECMA byte offset), ascending
    std::vector<int> m_pcreGroupOf;                           // ECMA group number → PCRE2 group number
    int m_groupCount = 0;
};

bool hasUnpairedSurrogate(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            return true;
    }
    return false;
}

QString withUnpairedSurrogatesReplaced(QStringView text)
{
    QString result = text.toString();
    for (qsizetype i = 0; i < result.size(); ++i) {
        const QChar c = result[i];
        if (c.isHighSurrogate() && i + 1 < result.size() && result[i + 1].isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            result[i] = QChar::ReplacementCharacter;
    }
    return result;
}

/**
 * A pattern of ASCII characters and classes between ^ and $, which is what identifiers, codes
 * and dates look like (^[A-Z]{3}-[0-9]{4}$), matched over the subject's code units directly: a
 * search costs a few instructions a character instead of a trip through PCRE2. Every atom
 * matches only ASCII, so any other code point fails the match, as it does in PCRE2. An atom
 * with a variable count shares no character with any atom after it, so in every match it takes
 * the whole run of its characters, and taking all it can is exact without backtracking.
 */
class AnchoredAsciiPattern
{
public:
    static std::optional<AnchoredAsciiPattern> from(const Node &root)
    {
        if (root.kind != Node::Kind::Alternation || root.children.size() != 1)
            return std::nullopt;
        const std::vector<Node> &terms = root.children.front().children;
        if (terms.size() < 2 || terms.front().kind != Node::Kind::InputStart ||
            terms.back().kind != Node::Kind::InputEnd)
            return std::nullopt;
        AnchoredAsciiPattern pattern;
        for (std::size_t i = 1; i + 1 < terms.size(); ++i) {
            const Node &term = terms[i];
            const bool repeat = term.kind == Node::Kind::Repeat;
            const auto set = asciiSet(repeat ? term.children.front() : term);
            if (!set)
                return std::nullopt;
            pattern.m_atoms.push_back({*set, repeat ? std::size_t(term.min) : 1,
                                       !repeat                  ? 1
                                       : term.max == kUnbounded ? SIZE_MAX
                                                                : std::size_t(term.max)});
        }
        for (std::size_t i = 0; i < pattern.m_atoms.size(); ++i) {
            const Atom &atom = pattern.m_atoms[i];
            if (atom.min == atom.max)
                continue;
            for (std::size_t j = i + 1; j < pattern.m_atoms.size(); ++j) {
                if ((atom.set & pattern.m_atoms[j].set).any())
                    return std::nullopt;
            }
        }
        return pattern;
    }

    template <typename Unit> bool matches(const Unit *text, std::size_t length) const
    {
        std::size_t position = 0;
        for (const Atom &atom : m_atoms) {
            std::size_t count = 0;
            while (count < atom.max && position < length && inSet(atom.set, text[position])) {
                ++position;
                ++count;
            }
            if (count < atom.min)
                return false;
        }
        return position == length;
    }

private:
    struct Atom
    {
        std::bitset<128> set;
        std::size_t min;
        std::size_t max;
    };

    template <typename Unit> static bool inSet(const std::bitset<128> &set, Unit unit)
    {
        const auto code = static_cast<std::make_unsigned_t<Unit>>(unit);
        return code < 128 && set.test(code);
    }

    static std::optional<std::bitset<128>> asciiSet(const Node &atom)
    {
        std::bitset<128> set;
        if (atom.kind == Node::Kind::Character && atom.codePoint < 128) {
            set.set(atom.codePoint);
            return set;
        }
        if (atom.kind != Node::Kind::Set || atom.set.negated || !atom.set.properties.isEmpty())
            return std::nullopt;
        for (const CodePointRange &range : atom.set.ranges) {
            if (range.last >= 128)
                return std::nullopt;
            for (char32_t c = range.first; c <= range.last; ++c)
                set.set(c);
        }
        return set;
    }

    std::vector<Atom> m_atoms;
};

} // namespace

/** The compiled PCRE2 code, shared by copies; PCRE2 allows concurrent matching on it. */
struct EcmaRegex::Compiled
{
    Compiled(pcre2_code_16 *compiledCode, bool jitCompiled,
             std::optional<AnchoredAsciiPattern> anchoredPattern)
        : code(compiledCode)
        , jit(jitCompiled)
        , anchored(std::move(anchoredPattern))
    {}
    ~Compiled() { pcre2_code_free_16(code); }
    Compiled(const Compiled &) = delete;
    Compiled &operator=(const Compiled &) = delete;

    pcre2_code_16 *code;
    bool jit; ///< the JIT compiled it, so pcre2_jit_match can skip pcre2_match's dispatch
    std::optional<AnchoredAsciiPattern> anchored; ///< when the pattern is that simple: matched without PCRE2
};

namespace
{

/**
 * Per-thread match state: match data, a JIT stack as large as the one QRegularExpression gives
 * PCRE2 (512 KiB, so the lookbehind walk-back reaches as far), and a buffer for ASCII subjects.
 */
struct MatchState
{
    MatchState()
        : data(pcre2_match_data_create_16(1, nullptr))
        , context(pcre2_match_context_create_16(nullptr))
        , jitStack(pcre2_jit_stack_create_16(32 * 1024, 512 * 1024, nullptr))
    {
        pcre2_jit_stack_assign_16(context, nullptr, jitStack);
    }
    ~MatchState()
    {
        pcre2_jit_stack_free_16(jitStack);
        pcre2_match_context_free_16(context);
        pcre2_match_data_free_16(data);
    }
    MatchState(const MatchState &) = delete;
    MatchState &operator=(const MatchState &) = delete;

    pcre2_match_data_16 *data;
    pcre2_match_context_16 *context;
    pcre2_jit_stack_16 *jitStack;
    std::u16string ascii;
};

MatchState &matchState()
{
    thread_local MatchState state;
    return state;
}

bool matches(const pcre2_code_16 *code, bool jit, MatchState &state, const char16_t *text, std::size_t length)
{
    // The subject is well-formed UTF-16 (callers replace unpaired surrogates), so PCRE2 need not
    // check it again. 0 means a match whose captures did not fit the one-pair match data;
    // negative values are no match, or a PCRE2 limit (match or JIT stack), which counts as none.
    const auto subject = reinterpret_cast<PCRE2_SPTR16>(text);
    if (jit)
        return pcre2_jit_match_16(code, subject, length, 0, 0, state.data, state.context) >= 0;
    return pcre2_match_16(code, subject, length, 0, PCRE2_NO_UTF_CHECK, state.data, state.context) >= 0;
}

} // namespace

EcmaRegex::EcmaRegex(std::shared_ptr<const Compiled> compiled)
    : m_compiled(std::move(compiled))
{}

Result<EcmaRegex> EcmaRegex::compile(const std::string &utf8Pattern)
{
    if (const auto bad =
            firstInvalidUtf8Offset(QByteArrayView(utf8Pattern.data(), qsizetype(utf8Pattern.size()))))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the pattern is not valid UTF-8"),
                    QStringLiteral("byte %1").arg(*bad));
    Parser parser(utf8Pattern);
    auto tree = parser.parse();
    if (!tree)
        return tl::unexpected(tree.error());
    auto anchored = AnchoredAsciiPattern::from(*tree);
    Translator translator(parser.groupCount());
    const QString translated = translator.translate(*tree);
    // PCRE2 directly rather than QRegularExpression: a search then needs no QString and no
    // QRegularExpressionMatch, only the thread's reusable match data. The 16-bit library (the
    // one Qt uses) because the 8-bit one's compiled-size limit is half as large.
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code_16 *code =
        pcre2_compile_16(reinterpret_cast<PCRE2_SPTR16>(translated.utf16()), PCRE2_SIZE(translated.size()),
                         PCRE2_UTF, &errorCode, &errorOffset, nullptr);
    if (!code) {
        PCRE2_UCHAR16 message[256];
        const int length = pcre2_get_error_message_16(errorCode, message, sizeof message / sizeof *message);
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the pattern is valid ECMA-262 but PCRE2 cannot run it: ") +
                        QString::fromUtf16(reinterpret_cast<const char16_t *>(message), std::max(length, 0)),
                    QStringLiteral("byte %1").arg(translator.sourceOffset(qsizetype(errorOffset))));
    }
    // JIT-compiled here, once, before the object is shared; where PCRE2 has no JIT its
    // interpreter runs the same code.
    const bool jit = pcre2_jit_compile_16(code, PCRE2_JIT_COMPLETE) == 0;
    return EcmaRegex(std::make_shared<const Compiled>(code, jit, std::move(anchored)));
}

bool EcmaRegex::search(QStringView text) const
{
    if (m_compiled->anchored)
        return m_compiled->anchored->matches(text.utf16(), std::size_t(text.size()));
    if (hasUnpairedSurrogate(text)) {
        const QString replaced = withUnpairedSurrogatesReplaced(text);
        return matches(m_compiled->code, m_compiled->jit, matchState(),
                       reinterpret_cast<const char16_t *>(replaced.constData()),
                       std::size_t(replaced.size()));
    }
    return matches(m_compiled->code, m_compiled->jit, matchState(), text.utf16(), std::size_t(text.size()));
}

bool EcmaRegex::search(std::string_view utf8) const
{
    if (m_compiled->anchored)
        return m_compiled->anchored->matches(utf8.data(), utf8.size());
    MatchState &state = matchState();
    // Most values are ASCII: widen them into the thread's buffer, which keeps its capacity, so a
    // search allocates nothing. (assign() from char iterators would build a temporary string.)
    if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        std::u16string &buffer = state.ascii;
        buffer.resize(utf8.size());
        std::copy(utf8.begin(), utf8.end(), buffer.begin());
        return matches(m_compiled->code, m_compiled->jit, state, buffer.data(), buffer.size());
    }
    // Ill-formed UTF-8 counts as U+FFFD, as decodeUtf8 reads it.
    const QString decoded = decodeUtf8(QByteArrayView(utf8.data(), qsizetype(utf8.size())));
    return matches(m_compiled->code, m_compiled->jit, state,
                   reinterpret_cast<const char16_t *>(decoded.constData()), std::size_t(decoded.size()));
}

} // namespace Lathe::Schema
