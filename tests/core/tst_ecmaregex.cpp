// SPDX-License-Identifier: GPL-3.0-or-later
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <QTest>

#include "schema/EcmaRegex.h"

using Lathe::ErrorCode;
using Lathe::Schema::EcmaRegex;

namespace
{

QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

// The JSON-Schema-Test-Suite rows below (marked "suite") are copied from
// tests/draft2020-12/optional/ecmascript-regex.json, non-bmp-regex.json,
// optional/format/ecmascript-regex.json and pattern.json of
// https://github.com/json-schema-org/JSON-Schema-Test-Suite, MIT License,
// Copyright (c) 2012 Julian Berman.
void addRow(const char *name, const char *pattern, const QString &subject, bool matches)
{
    QTest::newRow(name) << QByteArray(pattern) << subject << matches;
}

} // namespace

class EcmaRegexTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchesWithEcmaScriptMeaning_data();
    void searchesWithEcmaScriptMeaning();
    void acceptsEcmaScriptSyntax_data();
    void acceptsEcmaScriptSyntax();
    void rejectsWhatEcmaScriptRejectsAndSaysWhere_data();
    void rejectsWhatEcmaScriptRejectsAndSaysWhere();
    void namesTheEcmaOffsetWhenPcre2CannotRunAProperty();
    void searchesIllFormedUtf8AsReplacementCharacters();
    void searchesUnpairedSurrogatesAsReplacementCharacters();
    void walksBackOverLongInputForVariableLookbehind();
    void searchesConcurrentlyFromFourThreads();
    void anchoredAsciiPatternsMatchAsPcre2Does_data();
    void anchoredAsciiPatternsMatchAsPcre2Does();
};

void EcmaRegexTest::searchesWithEcmaScriptMeaning_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<bool>("matches");

    // suite: ECMA 262 regex $ does not match trailing newline
    addRow("suite: $ not before a final newline", "^abc$", QStringLiteral("abc\n"), false);
    addRow("suite: ^abc$ matches abc", "^abc$", QStringLiteral("abc"), true);
    addRow("suite: \\t is a tab", "^\\t$", QStringLiteral("\t"), true);
    addRow("suite: \\t is not backslash t", "^\\t$", QStringLiteral("\\t"), false);
    addRow("suite: \\cC is U+0003", "^\\cC$", QStringLiteral("\u0003"), true);
    addRow("suite: \\cc is U+0003", "^\\cc$", QStringLiteral("\u0003"), true);
    addRow("suite: \\cC is not its letters", "^\\cC$", QStringLiteral("\\cC"), false);
    addRow("suite: \\d matches ASCII zero", "^\\d$", QStringLiteral("0"), true);
    addRow("suite: \\d not NKO digit zero", "^\\d$", text("\u07c0"), false);
    addRow("suite: \\D not ASCII zero", "^\\D$", QStringLiteral("0"), false);
    addRow("suite: \\D matches NKO digit zero", "^\\D$", text("\u07c0"), true);
    addRow("suite: \\w matches a", "^\\w$", QStringLiteral("a"), true);
    addRow("suite: \\w not e-acute", "^\\w$", text("\u00e9"), false);
    addRow("suite: \\W not a", "^\\W$", QStringLiteral("a"), false);
    addRow("suite: \\W matches e-acute", "^\\W$", text("\u00e9"), true);
    for (const char16_t space : {0x20, 0x09, 0x0B, 0x0C, 0xA0, 0xFEFF, 0x0A, 0x2029, 0x2003}) {
        const QByteArray hex = QByteArray::number(uint(space), 16);
        addRow(QByteArray(QByteArray("suite: \\s matches U+") + hex).constData(), "^\\s$",
               QString(QChar(space)), true);
        addRow(QByteArray(QByteArray("suite: \\S not U+") + hex).constData(), "^\\S$", QString(QChar(space)),
               false);
    }
    addRow("suite: \\s not U+0001", "^\\s$", QStringLiteral("\u0001"), false);
    addRow("suite: \\s not en dash", "^\\s$", text("\u2013"), false);
    addRow("suite: \\S matches U+0001", "^\\S$", QStringLiteral("\u0001"), true);
    addRow("suite: \\S matches en dash", "^\\S$", text("\u2013"), true);
    addRow("suite: \\p{Letter} ascii", "\\p{Letter}cole", QStringLiteral("l'ecole"), true);
    addRow("suite: \\p{Letter} e-acute", "\\p{Letter}cole", text("l'\u00e9cole"), true);
    addRow("suite: \\p{Letter} is case-sensitive", "\\p{Letter}cole", text("L'\u00c9COLE"), false);
    addRow("suite: \\w ascii", "\\wcole", QStringLiteral("l'ecole"), true);
    addRow("suite: \\w not e-acute in text", "\\wcole", text("l'\u00e9cole"), false);
    addRow("suite: [a-z] ascii", "[a-z]cole", QStringLiteral("l'ecole"), true);
    addRow("suite: [a-z] not e-acute", "[a-z]cole", text("l'\u00e9cole"), false);
    addRow("suite: \\d+ ascii digits", "^\\d+$", QStringLiteral("42"), true);
    addRow("suite: \\d+ not Bengali digits", "^\\d+$", text("\u09ea\u09e8"), false);
    addRow("suite: \\p{digit}+ Bengali digits", "^\\p{digit}+$", text("\u09ea\u09e8"), true);
    addRow("suite: \\p{digit}+ not punctuation", "^\\p{digit}+$", QStringLiteral("-%#"), false);
    addRow("suite: non-BMP star matches empty", "^\xf0\x9f\x90\xb2*$", QString(), true);
    addRow("suite: non-BMP star matches one", "^\xf0\x9f\x90\xb2*$", text("\U0001F432"), true);
    addRow("suite: non-BMP star matches two", "^\xf0\x9f\x90\xb2*$", text("\U0001F432\U0001F432"), true);
    addRow("suite: non-BMP star not another", "^\xf0\x9f\x90\xb2*$", text("\U0001F409"), false);
    addRow("suite: non-BMP star not ASCII", "^\xf0\x9f\x90\xb2*$", QStringLiteral("DD"), false);
    addRow("suite: pattern is unanchored", "^a*$", QStringLiteral("aaa"), true);
    addRow("suite: unanchored abc in middle", "abc", QStringLiteral("xxabcxx"), true);
    addRow("suite: a+ anywhere", "a+", QStringLiteral("xxaayy"), true);
    addRow("suite: named backreference", "(?<n>a)\\k<n>", QStringLiteral("aa"), true);
    addRow("suite: named backreference mismatch", "^(?<n>a)\\k<n>$", QStringLiteral("ab"), false);
    addRow("suite: variable-width lookbehind", "(?<=a+)b", QStringLiteral("xaab"), true);
    addRow("suite: variable-width lookbehind absent", "(?<=a+)b", QStringLiteral("xb"), false);
    addRow("suite: empty class matches nothing", "[]", QStringLiteral("abc"), false);
    addRow("suite: negated empty class matches anything", "^[^]$", QStringLiteral("\n"), true);
    addRow("suite: \\cA", "\\cA", QStringLiteral("\u0001"), true);

    addRow(". matches a code point", "^.$", text("\U0001F600"), true);
    addRow(". not LF", "^.$", QStringLiteral("\n"), false);
    addRow(". not CR", "^.$", QStringLiteral("\r"), false);
    addRow(". not U+2028", "^.$", text("\u2028"), false);
    addRow(". not U+2029", "^.$", text("\u2029"), false);
    addRow(". matches U+0085", "^.$", text("\u0085"), true);
    addRow("^ only at the start of the input", "^b", QStringLiteral("a\nb"), false);
    addRow("$ only at the end of the input", "a$", QStringLiteral("a\nb"), false);
    addRow("\\u escape", "^\\u0041$", QStringLiteral("A"), true);
    addRow("\\u{} escape", "^\\u{1F600}$", text("\U0001F600"), true);
    addRow("surrogate pair escapes are one code point", "^\\uD83D\\uDE00$", text("\U0001F600"), true);
    addRow("surrogate pair escape under a quantifier", "^\\uD83D\\uDE00{2}$", text("\U0001F600\U0001F600"),
           true);
    addRow("lone surrogate escape matches nothing", "\\uD83D", text("\U0001F600"), false);
    addRow("\\x escape", "^\\x41$", QStringLiteral("A"), true);
    addRow("\\0 is NUL", "^a\\0$", QString(QStringLiteral("a") + QChar(0)), true);
    addRow("escaped syntax characters", "^\\^\\$\\\\\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/$",
           QStringLiteral("^$\\.*+?()[]{}|/"), true);
    addRow("\\v \\f \\r \\n", "^\\v\\f\\r\\n$", QStringLiteral("\v\f\r\n"), true);
    addRow("\\b at a word edge", "\\bcat\\b", QStringLiteral("a cat sat"), true);
    addRow("\\b not inside a word", "\\bcat\\b", QStringLiteral("concatenate"), false);
    addRow("\\b treats e-acute as a non-word character", "\\bcaf\\b", text("caf\u00e9"), true);
    addRow("\\B inside a word", "c\\Bat", QStringLiteral("cat"), true);
    addRow("[\\b] is backspace", "^[\\b]$", QStringLiteral("\b"), true);
    addRow("[\\-] is a hyphen", "^[a\\-z]$", QStringLiteral("-"), true);
    addRow("[\\-] is not a range", "^[a\\-z]$", QStringLiteral("m"), false);
    addRow("class with \\d and a range", "^[\\dx-z]+$", QStringLiteral("1y9z"), true);
    addRow("class with \\D matches a letter", "^[\\D]$", QStringLiteral("q"), true);
    addRow("class with \\D not a digit", "^[\\D]$", QStringLiteral("7"), false);
    addRow("class with \\S and \\s matches anything", "^[\\s\\S]$", QStringLiteral("\n"), true);
    addRow("negated class with \\W", "^[^\\W]$", QStringLiteral("_"), true);
    addRow("negated class with \\w", "^[^\\w]$", QStringLiteral("_"), false);
    addRow("class with trailing hyphen", "^[a-]$", QStringLiteral("-"), true);
    addRow("class range from hyphen", "^[--/]$", QStringLiteral("."), true);
    addRow("class keeps [ literal", "^[[]$", QStringLiteral("["), true);
    addRow("class range over astral code points", "^[\\u{1F600}-\\u{1F64F}]$", text("\U0001F610"), true);
    addRow("class of lone surrogates matches nothing", "[\\uD800-\\uDFFF]", text("\U0001F610"), false);
    addRow("negated class of lone surrogates matches anything", "^[^\\uD800]$", QStringLiteral("a"), true);
    addRow("\\p{L} short name", "^\\p{L}$", text("\u00e9"), true);
    addRow("\\P{L}", "^\\P{L}$", QStringLiteral("1"), true);
    addRow("\\p{Lu}", "^\\p{Lu}$", QStringLiteral("a"), false);
    addRow("\\p{Uppercase_Letter}", "^\\p{Uppercase_Letter}$", QStringLiteral("A"), true);
    addRow("\\p{General_Category=Decimal_Number}", "^\\p{General_Category=Decimal_Number}$", text("\u0661"),
           true);
    addRow("\\p{gc=Nd} not a letter", "^\\p{gc=Nd}$", QStringLiteral("x"), false);
    addRow("\\p{LC} cased letter", "^\\p{LC}$", QStringLiteral("x"), true);
    addRow("\\p{Cased_Letter} not a digit", "^\\p{Cased_Letter}$", QStringLiteral("1"), false);
    addRow("\\p{Script=Greek}", "^\\p{Script=Greek}+$", text("\u03b1\u03b2"), true);
    addRow("\\p{sc=Grek} not Latin", "^\\p{sc=Grek}$", QStringLiteral("a"), false);
    addRow("\\p{Script_Extensions=Latin}", "^\\p{scx=Latn}$", QStringLiteral("a"), true);
    addRow("\\P{Script=Greek} in a class", "^[\\P{Script=Greek}]$", QStringLiteral("a"), true);
    addRow("\\p{Alphabetic}", "^\\p{Alpha}$", text("\u00e9"), true);
    addRow("\\p{White_Space}", "^\\p{space}$", text("\u3000"), true);
    addRow("\\p{Any} matches a code point", "^\\p{Any}$", text("\U0001F600"), true);
    addRow("\\p{ASCII} not e-acute", "^\\p{ASCII}$", text("\u00e9"), false);
    addRow("\\p{Assigned}", "^\\p{Assigned}$", QStringLiteral("a"), true);
    addRow("\\P{Assigned} matches an unassigned code point", "^\\P{Assigned}$", text("\U000E0FFF"), true);
    addRow("numbered backreference", "^(a|b)\\1$", QStringLiteral("bb"), true);
    addRow("numbered backreference mismatch", "^(a|b)\\1$", QStringLiteral("ab"), false);
    addRow("backreference to an unmatched group is empty", "^(?:(a)|b)\\1$", QStringLiteral("b"), true);
    addRow("forward backreference is empty", "^\\1(a)$", QStringLiteral("a"), true);
    addRow("backreference renumbered past a walk-back", "^(?<=x*)(a)(?<=a+)(b)\\2$", QStringLiteral("abb"),
           true);
    addRow("group name with $ and _", "^(?<$_x1>a)\\k<$_x1>$", QStringLiteral("aa"), true);
    addRow("group name with a non-ASCII letter", "^(?<caf\u00e9>a)\\k<caf\\u00e9>$", QStringLiteral("aa"),
           true);
    addRow("fixed lookbehind", "(?<=ab)c", QStringLiteral("abc"), true);
    addRow("lookbehind with alternatives of two lengths", "(?<=a|bc)d", QStringLiteral("bcd"), true);
    addRow("negative fixed lookbehind", "(?<!a)b", QStringLiteral("ab"), false);
    addRow("negative variable lookbehind rejects", "(?<!a+)b", QStringLiteral("aab"), false);
    addRow("negative variable lookbehind accepts", "(?<!a+)b", QStringLiteral("xb"), true);
    addRow("lookbehind with a nested varying group", "(?<=x(?:a|bc))d", QStringLiteral("xbcd"), true);
    addRow("lookbehind with a backreference", "(a+)(?<=\\1)b", QStringLiteral("aab"), true);
    addRow("lookbehind needs its text to end here", "(?<=ab+)c", QStringLiteral("abxc"), false);
    addRow("lookbehind anchored at the start", "(?<=^a+)b", QStringLiteral("aab"), true);
    addRow("lookbehind anchored at the start fails", "(?<=^a+)b", QStringLiteral("xaab"), false);
    addRow("lookbehind inside a lookbehind", "(?<=(?<=x)a+)b", QStringLiteral("xaab"), true);
    addRow("walk-back inside a fixed lookbehind", "(?<=(?<=x+)a)b", QStringLiteral("xxab"), true);
    addRow("walk-back inside a fixed lookbehind fails", "(?<=(?<=x+)a)b", QStringLiteral("yab"), false);
    addRow("lookahead", "a(?=b)", QStringLiteral("ab"), true);
    addRow("negative lookahead", "a(?!b)", QStringLiteral("ab"), false);
    addRow("lazy quantifier", "^a+?$", QStringLiteral("aaa"), true);
    addRow("bounded repeat", "^a{2,3}$", QStringLiteral("aaaa"), false);
    addRow("open repeat", "^a{2,}$", QStringLiteral("aaaa"), true);
    addRow("exact repeat of a group", "^(?:ab){2}$", QStringLiteral("abab"), true);
    addRow("empty pattern matches", "", QStringLiteral("anything"), true);
    addRow("empty alternative", "^(?:a|)$", QString(), true);
}

void EcmaRegexTest::searchesWithEcmaScriptMeaning()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QString, subject);
    QFETCH(bool, matches);

    const auto regex = EcmaRegex::compile(pattern.toStdString());
    QVERIFY2(regex, qPrintable(regex ? QString() : regex.error().toString()));
    QCOMPARE(regex->search(QStringView(subject)), matches);
    const QByteArray utf8 = subject.toUtf8();
    QCOMPARE(regex->search(std::string_view(utf8.constData(), size_t(utf8.size()))), matches);
}

void EcmaRegexTest::acceptsEcmaScriptSyntax_data()
{
    QTest::addColumn<QByteArray>("pattern");

    // suite rows (format "regex")
    QTest::newRow("suite: named group") << QByteArray("(?<name>x)");
    QTest::newRow("suite: named backreference") << QByteArray("(?<n>a)\\k<n>");
    QTest::newRow("suite: variable-width lookbehind") << QByteArray("(?<=a+)b");
    QTest::newRow("suite: empty class") << QByteArray("[]");
    QTest::newRow("suite: negated empty class") << QByteArray("[^]");
    QTest::newRow("suite: control escape") << QByteArray("\\cA");
    QTest::newRow("suite: a valid regular expression") << QByteArray("([abc])+\\s+$");

    QTest::newRow("every quantifier") << QByteArray("a*b+c?d{1}e{1,}f{1,2}g*?h+?i??j{1}?k{1,}?l{1,2}?");
    QTest::newRow("backreference before its group") << QByteArray("\\1(a)");
    QTest::newRow("\\k before its group") << QByteArray("\\k<late>(?<late>a)");
    QTest::newRow("group name from \\u escapes") << QByteArray("(?<\\u0061b>x)\\k<ab>");
    QTest::newRow("every binary property PCRE2 knows") << QByteArray(
        "\\p{ASCII_Hex_Digit}\\p{Bidi_M}\\p{Case_Ignorable}\\p{Cased}\\p{CWCF}\\p{CWCM}\\p{CWL}"
        "\\p{CWT}\\p{CWU}\\p{Dash}\\p{DI}\\p{Dep}\\p{Dia}\\p{Emoji}\\p{EComp}\\p{EMod}\\p{EBase}"
        "\\p{EPres}\\p{ExtPict}\\p{Ext}\\p{Gr_Base}\\p{Gr_Ext}\\p{Hex}\\p{IDSB}\\p{IDST}\\p{IDC}"
        "\\p{IDS}\\p{Ideo}\\p{Join_C}\\p{LOE}\\p{Lower}\\p{Math}\\p{NChar}\\p{Pat_Syn}\\p{Pat_WS}"
        "\\p{QMark}\\p{Radical}\\p{RI}\\p{STerm}\\p{SD}\\p{Term}\\p{UIdeo}\\p{Upper}\\p{VS}"
        "\\p{XIDC}\\p{XIDS}\\p{Bidi_C}");
    QTest::newRow("every general category alias")
        << QByteArray("\\p{Other}\\p{cntrl}\\p{Format}\\p{Unassigned}\\p{Private_Use}\\p{Surrogate}"
                      "\\p{Modifier_Letter}\\p{Other_Letter}\\p{Titlecase_Letter}\\p{Combining_Mark}"
                      "\\p{Spacing_Mark}\\p{Enclosing_Mark}\\p{Nonspacing_Mark}\\p{Number}\\p{Letter_Number}"
                      "\\p{Other_Number}\\p{punct}\\p{Connector_Punctuation}\\p{Dash_Punctuation}"
                      "\\p{Close_Punctuation}\\p{Final_Punctuation}\\p{Initial_Punctuation}"
                      "\\p{Other_Punctuation}\\p{Open_Punctuation}\\p{Symbol}\\p{Currency_Symbol}"
                      "\\p{Modifier_Symbol}\\p{Math_Symbol}\\p{Other_Symbol}\\p{Separator}\\p{Line_Separator}"
                      "\\p{Paragraph_Separator}\\p{Space_Separator}");
    QTest::newRow("large repeat count") << QByteArray("(?:ab){100,5000}");
}

void EcmaRegexTest::acceptsEcmaScriptSyntax()
{
    QFETCH(QByteArray, pattern);

    const auto regex = EcmaRegex::compile(pattern.toStdString());
    QVERIFY2(regex, qPrintable(regex ? QString() : regex.error().toString()));
}

void EcmaRegexTest::rejectsWhatEcmaScriptRejectsAndSaysWhere_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("reason");

    const auto row = [](const char *name, const char *pattern, int byte, const char *reason) {
        QTest::newRow(name) << QByteArray(pattern) << QStringLiteral("byte %1").arg(byte)
                            << QString::fromUtf8(reason);
    };
    row("suite: \\a", "\\a", 0, "\\a is not an ECMA-262 escape");
    row("suite: Python named group", "(?P<name>x)", 0, "\"(?P\" is not ECMA-262 syntax");
    row("suite: Python named backreference", "(?P<n>a)(?P=n)", 0, "\"(?P\" is not ECMA-262 syntax");
    row("suite: inline comment", "(?#comment)a", 0, "\"(?#\" is not ECMA-262 syntax");
    row("suite: inline flag", "(?i)abc", 0, "\"(?i\" is not ECMA-262 syntax");
    row("suite: inline flags", "(?ims)abc", 0, "\"(?i\" is not ECMA-262 syntax");
    row("suite: unclosed group", "^(abc]", 5, "a lone ']' must be escaped");
    row("unterminated group", "a(b|c", 1, "unterminated group");
    row("\\A", "x\\A", 1, "\\A is not an ECMA-262 escape");
    row("\\z", "x\\z", 1, "\\z is not an ECMA-262 escape");
    row("\\Z", "\\Z", 0, "\\Z is not an ECMA-262 escape");
    row("\\h", "\\h", 0, "\\h is not an ECMA-262 escape");
    row("\\- outside a class", "a\\-", 1, "\\- is not an ECMA-262 escape");
    row("\\e", "[\\e]", 1, "\\e is not an ECMA-262 escape");
    row("possessive quantifier", "a++", 2, "nothing to repeat");
    row("quantifier on a quantifier", "a{2}{3}", 4, "nothing to repeat");
    row("quantifier at the start", "*a", 0, "nothing to repeat");
    row("atomic group", "(?>a)", 0, "\"(?>\" is not ECMA-262 syntax");
    row("lone {", "a{", 1, "incomplete quantifier");
    row("lone { with a number", "a{1", 1, "incomplete quantifier");
    row("lone { at the start", "{", 0, "a lone '{' must be escaped");
    row("lone }", "a}", 1, "a lone '}' must be escaped");
    row("lone ]", "a]", 1, "a lone ']' must be escaped");
    row("unmatched )", "ab)", 2, "unmatched ')'");
    row("unterminated class", "x[ab", 1, "unterminated character class");
    row("range out of order", "[b-a]", 1, "range out of order");
    row("class escape bounding a range", "[\\d-z]", 1, "cannot bound a range");
    row("class escape ending a range", "[a-\\w]", 1, "cannot bound a range");
    row("backreference to a missing group", "(a)\\2", 3, "\\2 refers to a group the pattern does not have");
    row("backreference with no groups", "\\1", 0, "\\1 refers to a group");
    row("backreference in a class", "(a)[\\1]", 4, "\\1 cannot appear in a character class");
    row("octal escape", "\\01", 0, "octal escape");
    row("\\k to a missing name", "(?<a>x)\\k<b>", 7, "\\k<b> names no group");
    row("\\k without a name", "\\k", 0, "\\k must be followed by <name>");
    row("duplicate group name", "(?<a>x)(?<a>y)", 10, "duplicate group name \"a\"");
    row("empty group name", "(?<>x)", 3, "empty group name");
    row("group name starting with a digit", "(?<1a>x)", 3, "'1' cannot appear there in a group name");
    row("\\p with a lone script name", "\\p{Greek}", 0, "a script is written Script=Greek");
    row("\\p with a lower-case script", "\\p{sc=greek}", 0, "unknown Unicode property \"sc=greek\"");
    row("\\p unknown", "ab\\p{Foo}", 2, "unknown Unicode property \"Foo\"");
    row("\\p with a loose name", "\\p{lu}", 0, "unknown Unicode property \"lu\"");
    row("\\p without braces", "\\pL", 0, "must be followed by {property}");
    row("\\p unterminated", "\\p{L", 0, "unterminated \\p{");
    row("\\c with a digit", "\\c1", 0, "\\c must be followed by a letter");
    row("\\x with one digit", "\\x4", 0, "\\x must be followed by two hex digits");
    row("\\u with two digits", "\\u12", 0, "\\u must be followed by four hex digits");
    row("\\u{} too large", "\\u{110000}", 0, "at most 10FFFF");
    row("\\u{} empty", "\\u{}", 0, "at most 10FFFF");
    row("quantified ^", "^*", 1, "an assertion cannot be repeated");
    row("quantified \\b", "\\b+", 2, "an assertion cannot be repeated");
    row("quantified lookahead", "(?=a)*", 5, "an assertion cannot be repeated");
    row("quantified lookbehind", "(?<=a){2}", 6, "an assertion cannot be repeated");
    row("numbers out of order", "a{3,2}", 1, "numbers out of order");
    row("repeat count above PCRE2's limit", "a{70000}", 1, "repeat counts above 65535");
    row("backslash at the end", "ab\\", 2, "\\ at end of pattern");
    row("offset counts UTF-8 bytes", "\xc3\xa9\xc3\xa9\\q", 4, "\\q is not an ECMA-262 escape");
    row("ill-formed UTF-8", "ab\xff", 2, "not valid UTF-8");
}

void EcmaRegexTest::rejectsWhatEcmaScriptRejectsAndSaysWhere()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QString, where);
    QFETCH(QString, reason);

    const auto regex = EcmaRegex::compile(pattern.toStdString());
    QVERIFY(!regex);
    QCOMPARE(regex.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(regex.error().where, where);
    QVERIFY2(regex.error().message.contains(reason), qPrintable(regex.error().message));
}

void EcmaRegexTest::namesTheEcmaOffsetWhenPcre2CannotRunAProperty()
{
    // ECMA-262 has Changes_When_NFKC_Casefolded; PCRE2 10.42 does not.
    const auto regex = EcmaRegex::compile("ab(c)\\p{Changes_When_NFKC_Casefolded}");
    QVERIFY(!regex);
    QCOMPARE(regex.error().where, QStringLiteral("byte 5"));
    QVERIFY2(regex.error().message.startsWith(
                 QStringLiteral("the pattern is valid ECMA-262 but PCRE2 cannot run it: ")),
             qPrintable(regex.error().message));
}

void EcmaRegexTest::searchesIllFormedUtf8AsReplacementCharacters()
{
    const auto regex = EcmaRegex::compile("^a\\uFFFDb$");
    QVERIFY(regex);
    QVERIFY(regex->search(std::string_view("a\xff"
                                           "b")));
    QVERIFY(!regex->search(std::string_view("a\xc3\xa9"
                                            "b")));
}

void EcmaRegexTest::searchesUnpairedSurrogatesAsReplacementCharacters()
{
    const auto regex = EcmaRegex::compile("^a.b$");
    QVERIFY(regex);
    const QString lone = QStringLiteral("a") + QChar(0xD800) + QStringLiteral("b");
    QVERIFY(regex->search(QStringView(lone)));
    const QString trailFirst = QStringLiteral("a") + QChar(0xDC00) + QChar(0xD800) + QStringLiteral("b");
    QVERIFY(!regex->search(QStringView(trailFirst)));
}

void EcmaRegexTest::walksBackOverLongInputForVariableLookbehind()
{
    const auto regex = EcmaRegex::compile("(?<=^x[ab]*)c");
    QVERIFY(regex);
    const QString head = QStringLiteral("x") + QString(QStringLiteral("ab")).repeated(2000);
    QVERIFY(regex->search(QStringView(QString(head + QStringLiteral("c")))));
    QVERIFY(!regex->search(QStringView(QString(head + QStringLiteral("-c")))));
}

void EcmaRegexTest::searchesConcurrentlyFromFourThreads()
{
    // A variable lookbehind, a backreference and classes, so the threads run the whole machinery.
    const auto regex = EcmaRegex::compile("(?<=[a-z]+)(\\d+)-\\1\\b");
    QVERIFY(regex);
    const std::vector<std::pair<std::string, bool>> cases{
        {"abc12-12", true}, {"abc12-13", false}, {"12-12", false}, {"x7-7 y", true}, {"x7-77", false}};
    constexpr int kThreads = 4;
    constexpr int kRounds = 2000;
    std::atomic<int> matches{0};
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < kRounds; ++round) {
                const auto &[input, expected] = cases[size_t(round + t) % cases.size()];
                const QString asQString = QString::fromStdString(input);
                const bool viaUtf8 = regex->search(std::string_view(input));
                const bool viaUtf16 = regex->search(QStringView(asQString));
                if (viaUtf8 != expected || viaUtf16 != expected)
                    ++wrong;
                if (viaUtf8)
                    ++matches;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(wrong.load(), 0);
    QCOMPARE(matches.load(), kThreads * kRounds * 2 / 5);
}

void EcmaRegexTest::anchoredAsciiPatternsMatchAsPcre2Does_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<bool>("matches");
    // Patterns of ASCII atoms between ^ and $ are matched without PCRE2.
    addRow("code", "^[A-Z]{3}-[0-9]{4}$", u"ABC-1234"_qs, true);
    addRow("code, one digit short", "^[A-Z]{3}-[0-9]{4}$", u"ABC-123"_qs, false);
    addRow("code, one digit more", "^[A-Z]{3}-[0-9]{4}$", u"ABC-12345"_qs, false);
    addRow("code, lower case", "^[A-Z]{3}-[0-9]{4}$", u"abc-1234"_qs, false);
    addRow("code, non-ASCII letter", "^[A-Z]{3}-[0-9]{4}$",
           text("\xC3\x84"
                "BC-1234"),
           false);
    addRow("code, final newline", "^[A-Z]{3}-[0-9]{4}$", u"ABC-1234\n"_qs, false);
    addRow("literal prefix", "^TK-[0-9]{6}$", u"TK-000123"_qs, true);
    addRow("literal prefix, letter among digits", "^TK-\\d{6}$", u"TK-00012a"_qs, false);
    addRow("range of counts", "^[a-z0-9_]{3,16}$", u"abc_9"_qs, true);
    addRow("range of counts, too short", "^[a-z0-9_]{3,16}$", u"ab"_qs, false);
    addRow("range of counts, too long", "^[a-z0-9_]{3,16}$", u"abcdefghijklmnopq"_qs, false);
    addRow("range of counts, empty", "^[a-z0-9_]{3,16}$", QString(), false);
    addRow("star plus question", "^a*b+c?$", u"aaabbb"_qs, true);
    addRow("star plus question, no a", "^a*b+c?$", u"bc"_qs, true);
    addRow("star plus question, no b", "^a*b+c?$", u"c"_qs, false);
    addRow("star plus question, b after c", "^a*b+c?$", u"abcb"_qs, false);
    addRow("empty pattern", "^$", QString(), true);
    addRow("empty pattern, one character", "^$", u"x"_qs, false);
    addRow("date", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", u"2026-12-06"_qs, true);
    addRow("date, full-width digits", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
           text("\xEF\xBC\x92\xEF\xBC\x90"
                "26-12-06"),
           false);
    addRow("optional count", "^x{0,2}y$", u"xxy"_qs, true);
    addRow("optional count, too many", "^x{0,2}y$", u"xxxy"_qs, false);
    // Not that simple: PCRE2 runs them, with the backtracking they need.
    addRow("overlapping atoms", "^a*a$", u"aaa"_qs, true);
    addRow("overlapping classes", "^[a-z]+[a-c]$", u"abc"_qs, true);
    addRow("negated class, non-ASCII", "^[^@]+$", text("\xC3\xA9t\xC3\xA9"), true);
    addRow("negated class, excluded", "^[^@]+$", u"a@b"_qs, false);
}

void EcmaRegexTest::anchoredAsciiPatternsMatchAsPcre2Does()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QString, subject);
    QFETCH(bool, matches);

    // A group around the pattern keeps it from the fast path, so PCRE2 gives the reference.
    for (const QByteArray &form : {pattern, QByteArray("(?:" + pattern + ")")}) {
        const auto regex = EcmaRegex::compile(form.toStdString());
        QVERIFY2(regex, qPrintable(regex ? QString() : regex.error().toString()));
        QCOMPARE(regex->search(QStringView(subject)), matches);
        const QByteArray utf8 = subject.toUtf8();
        QCOMPARE(regex->search(std::string_view(utf8.constData(), size_t(utf8.size()))), matches);
    }
}

QTEST_GUILESS_MAIN(EcmaRegexTest)
#include "tst_ecmaregex.moc"
