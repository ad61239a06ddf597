// SPDX-License-Identifier: GPL-3.0-or-later
#include <string>
#include <string_view>

#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "schema/JsonRepair.h"

using Lathe::ErrorCode;
using Lathe::Schema::describeFix;
using Lathe::Schema::fixKindName;
using Lathe::Schema::kMaxJsonNesting;
using Lathe::Schema::parseLenient;
using Lathe::Schema::RepairedJson;
using Lathe::Schema::RepairFix;

namespace
{

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

/** The compact text of a value: equal texts mean equal values of equal number types. */
QString dumped(const nlohmann::json &value)
{
    return QString::fromStdString(value.dump());
}

QString strictDump(const QByteArray &json)
{
    return dumped(nlohmann::json::parse(view(json)));
}

QStringList kindsOf(const std::vector<RepairFix> &fixes)
{
    QStringList kinds;
    for (const RepairFix &fix : fixes)
        kinds.append(fixKindName(fix.kind));
    return kinds;
}

QStringList describedFixes(const std::vector<RepairFix> &fixes)
{
    QStringList lines;
    for (const RepairFix &fix : fixes)
        lines.append(describeFix(fix));
    return lines;
}

QString errorText(const Lathe::Result<RepairedJson> &result)
{
    if (result)
        return QStringLiteral("no error: ") + dumped(result->value);
    return result.error().message + QStringLiteral(" @ ") + result.error().where;
}

} // namespace

class JsonRepairTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsModelJson_data();
    void readsModelJson();
    void describesEachFixWithItsPlace_data();
    void describesEachFixWithItsPlace();
    void rejectsWhatItCannotRepair_data();
    void rejectsWhatItCannotRepair();
    void placesFixesAndErrorsInTheWholeDocument();
    void refusesNestingDeeperThanTheLimit_data();
    void refusesNestingDeeperThanTheLimit();
    void readsNestingUpToTheLimit();
    void repairsTenMegabytesInLinearTime();
    void placesManyFixesOnOneLongLineInLinearTime();
};

void JsonRepairTest::readsModelJson_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected"); // strict JSON
    QTest::addColumn<QStringList>("fixes");

    const QString trailingComma = QStringLiteral("trailing_comma");
    const QString singleQuoted = QStringLiteral("single_quoted_string");
    const QString comment = QStringLiteral("comment");
    const QString unquotedKey = QStringLiteral("unquoted_key");
    const QString python = QStringLiteral("python_literal");
    const QString missingComma = QStringLiteral("missing_comma");
    const QString control = QStringLiteral("unescaped_control_character");
    const QString apostrophe = QStringLiteral("escaped_apostrophe");
    const QString closed = QStringLiteral("truncation_closed");
    const QString dropped = QStringLiteral("dropped_incomplete_member");

    QTest::newRow("strict JSON is read unchanged")
        << QByteArrayLiteral("{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": {}}")
        << QByteArrayLiteral("{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": {}}") << QStringList();
    QTest::newRow("strict scalar") << QByteArrayLiteral(" \"x\" ") << QByteArrayLiteral("\"x\"")
                                   << QStringList();

    // Syntax models borrow from JavaScript and Python.
    QTest::newRow("trailing comma in an object")
        << QByteArrayLiteral("{\"a\": 1,}") << QByteArrayLiteral("{\"a\": 1}") << QStringList{trailingComma};
    QTest::newRow("trailing comma in an array")
        << QByteArrayLiteral("[1, 2, ]") << QByteArrayLiteral("[1, 2]") << QStringList{trailingComma};
    QTest::newRow("trailing commas at every level")
        << QByteArrayLiteral("{\"a\": [1, {\"b\": 2,},],}") << QByteArrayLiteral("{\"a\": [1, {\"b\": 2}]}")
        << QStringList{trailingComma, trailingComma, trailingComma};
    QTest::newRow("single-quoted names and strings")
        << QByteArrayLiteral("{'name': 'Ada', 'quote': 'say \"hi\"'}")
        << QByteArrayLiteral("{\"name\": \"Ada\", \"quote\": \"say \\\"hi\\\"\"}")
        << QStringList{singleQuoted, singleQuoted, singleQuoted, singleQuoted};
    QTest::newRow("escaped apostrophe in a single-quoted string")
        << QByteArrayLiteral("['it\\'s']") << QByteArrayLiteral("[\"it's\"]") << QStringList{singleQuoted};
    QTest::newRow("escaped apostrophe in a double-quoted string")
        << QByteArrayLiteral("[\"it\\'s\"]") << QByteArrayLiteral("[\"it's\"]") << QStringList{apostrophe};
    QTest::newRow("line comments") << QByteArrayLiteral(
                                          "{\n  // the name\n  \"a\": 1, # a note\n  \"b\": 2\n}")
                                   << QByteArrayLiteral("{\"a\": 1, \"b\": 2}")
                                   << QStringList{comment, comment};
    QTest::newRow("block comment holding brackets and quotes")
        << QByteArrayLiteral("[1, /* not ] \"a value\" */ 2]") << QByteArrayLiteral("[1, 2]")
        << QStringList{comment};
    QTest::newRow("comment after the value")
        << QByteArrayLiteral("{\"a\": 1} // done") << QByteArrayLiteral("{\"a\": 1}") << QStringList{comment};
    QTest::newRow("comment markers inside strings are text")
        << QByteArrayLiteral("['http://x.org/#top', '/* no */',]")
        << QByteArrayLiteral("[\"http://x.org/#top\", \"/* no */\"]")
        << QStringList{singleQuoted, singleQuoted, trailingComma};
    QTest::newRow("unquoted names")
        << QByteArrayLiteral("{name: \"Ada\", _id: 1, $ref: \"x\", first-name: \"A\", n2: 2}")
        << QByteArrayLiteral(
               "{\"name\": \"Ada\", \"_id\": 1, \"$ref\": \"x\", \"first-name\": \"A\", \"n2\": 2}")
        << QStringList{unquotedKey, unquotedKey, unquotedKey, unquotedKey, unquotedKey};
    QTest::newRow("Python literals")
        << QByteArrayLiteral("{\"a\": True, \"b\": False, \"c\": None, \"d\": [true, None]}")
        << QByteArrayLiteral("{\"a\": true, \"b\": false, \"c\": null, \"d\": [true, null]}")
        << QStringList{python, python, python, python};
    QTest::newRow("missing commas between the lines of an array")
        << QByteArrayLiteral("[\n  1\n  -2\n  \"three\"\n  [4]\n]")
        << QByteArrayLiteral("[1, -2, \"three\", [4]]")
        << QStringList{missingComma, missingComma, missingComma};
    QTest::newRow("missing commas between members on separate lines")
        << QByteArrayLiteral("{\n  \"a\": {\"x\": 1}\n  \"b\": [2]\n  c: 3\n}")
        << QByteArrayLiteral("{\"a\": {\"x\": 1}, \"b\": [2], \"c\": 3}")
        << QStringList{missingComma, missingComma, unquotedKey};
    QTest::newRow("missing comma before a comment line")
        << QByteArrayLiteral("[1 // one\n 2]") << QByteArrayLiteral("[1, 2]")
        << QStringList{missingComma, comment};
    QTest::newRow("missing comma across a multi-line block comment")
        << QByteArrayLiteral("[1 /* one\n */ 2]") << QByteArrayLiteral("[1, 2]")
        << QStringList{missingComma, comment};
    QTest::newRow("missing comma with CRLF line ends")
        << QByteArrayLiteral("{\r\n\"a\": 1\r\n\"b\": 2\r\n}") << QByteArrayLiteral("{\"a\": 1, \"b\": 2}")
        << QStringList{missingComma};
    QTest::newRow("raw line break and tab in a string are one fix")
        << QByteArrayLiteral("{\"text\": \"line one\nline\ttwo\"}")
        << QByteArrayLiteral("{\"text\": \"line one\\nline\\ttwo\"}") << QStringList{control};
    QTest::newRow("raw control characters in two strings")
        << QByteArrayLiteral("[\"a\rb\", \"c\x01\"]") << QByteArrayLiteral("[\"a\\rb\", \"c\\u0001\"]")
        << QStringList{control, control};
    QTest::newRow("byte order mark and a trailing comma")
        << QByteArrayLiteral("\xEF\xBB\xBF[1,]") << QByteArrayLiteral("[1]") << QStringList{trailingComma};

    // Cut-off output: strings keep what arrived, nothing is invented, closers come innermost first.
    QTest::newRow("cut-off string is closed")
        << QByteArrayLiteral("{\"a\": \"hel") << QByteArrayLiteral("{\"a\": \"hel\"}")
        << QStringList{closed, closed};
    QTest::newRow("cut-off string keeps its trailing space")
        << QByteArrayLiteral("[\"hello ") << QByteArrayLiteral("[\"hello \"]") << QStringList{closed, closed};
    QTest::newRow("nested containers are closed innermost first")
        << QByteArrayLiteral("{\"a\": [1, {\"b\": \"x") << QByteArrayLiteral("{\"a\": [1, {\"b\": \"x\"}]}")
        << QStringList{closed, closed, closed, closed};
    QTest::newRow("object cut off after a value")
        << QByteArrayLiteral("{\"a\": 1") << QByteArrayLiteral("{\"a\": 1}") << QStringList{closed};
    QTest::newRow("containers cut off right after opening")
        << QByteArrayLiteral("{\"a\": [") << QByteArrayLiteral("{\"a\": []}") << QStringList{closed, closed};
    QTest::newRow("array cut off after a comma")
        << QByteArrayLiteral("[1, 2,") << QByteArrayLiteral("[1, 2]") << QStringList{trailingComma, closed};
    QTest::newRow("member cut off after its colon is dropped, not null")
        << QByteArrayLiteral("{\"a\": 1, \"b\":") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("member cut off after its name")
        << QByteArrayLiteral("{\"a\": 1, \"b\"  ") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("member cut off inside its name")
        << QByteArrayLiteral("{\"a\": 1, \"b") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("unquoted name cut off")
        << QByteArrayLiteral("{\"a\": 1, bee") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("a dropped name's own fixes go with it")
        << QByteArrayLiteral("{'a': 1, 'b") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{singleQuoted, trailingComma, dropped, closed};
    QTest::newRow("member with a cut-off fraction is dropped")
        << QByteArrayLiteral("{\"a\": 1, \"b\": 1.") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("member with a lone minus is dropped")
        << QByteArrayLiteral("{\"a\": -") << QByteArrayLiteral("{}") << QStringList{dropped, closed};
    QTest::newRow("element with a cut-off exponent is dropped")
        << QByteArrayLiteral("[1, 2e+") << QByteArrayLiteral("[1]")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("cut-off literal in an array is dropped, not completed")
        << QByteArrayLiteral("[true, fals") << QByteArrayLiteral("[true]")
        << QStringList{trailingComma, dropped, closed};
    QTest::newRow("cut-off literal as a member value")
        << QByteArrayLiteral("{\"ok\": tr") << QByteArrayLiteral("{}") << QStringList{dropped, closed};
    QTest::newRow("cut-off Python literal")
        << QByteArrayLiteral("[Tr") << QByteArrayLiteral("[]") << QStringList{dropped, closed};
    QTest::newRow("a whole number at the end is kept")
        << QByteArrayLiteral("[1, 23") << QByteArrayLiteral("[1, 23]") << QStringList{closed};
    QTest::newRow("a cut-off escape is dropped")
        << QByteArrayLiteral("[\"ab\\") << QByteArrayLiteral("[\"ab\"]") << QStringList{closed, closed};
    QTest::newRow("a cut-off unicode escape is dropped")
        << QByteArrayLiteral("[\"ab\\u00") << QByteArrayLiteral("[\"ab\"]") << QStringList{closed, closed};
    QTest::newRow("a high surrogate without its low half is dropped")
        << QByteArrayLiteral("[\"ab\\ud83d") << QByteArrayLiteral("[\"ab\"]") << QStringList{closed, closed};
    QTest::newRow("a cut-off top-level string")
        << QByteArrayLiteral("\"abc") << QByteArrayLiteral("\"abc\"") << QStringList{closed};
    QTest::newRow("member cut off after an inserted comma takes the comma with it")
        << QByteArrayLiteral("{\"a\": 1\n \"b\":") << QByteArrayLiteral("{\"a\": 1}")
        << QStringList{dropped, closed};
    QTest::newRow("element cut off after an inserted comma takes the comma with it")
        << QByteArrayLiteral("[1\n tru") << QByteArrayLiteral("[1]") << QStringList{dropped, closed};
    QTest::newRow("cut-off block comment")
        << QByteArrayLiteral("[1 /* note") << QByteArrayLiteral("[1]") << QStringList{comment, closed};

    // Values as nlohmann reads them.
    QTest::newRow("numbers keep nlohmann's types and values")
        << QByteArrayLiteral("{\"big\": 123456789012345678901234567890, \"max\": 18446744073709551615, "
                             "\"min\": -9223372036854775808, \"d\": 0.1, \"e\": -1.5E-3, \"tiny\": 1e-400, "
                             "\"zero\": -0, \"negativeZero\": -0.0, \"one\": 1.0,}")
        << QByteArrayLiteral("{\"big\": 123456789012345678901234567890, \"max\": 18446744073709551615, "
                             "\"min\": -9223372036854775808, \"d\": 0.1, \"e\": -1.5E-3, \"tiny\": 1e-400, "
                             "\"zero\": -0, \"negativeZero\": -0.0, \"one\": 1.0}")
        << QStringList{trailingComma};
    QTest::newRow("unicode escapes and surrogate pairs")
        << QByteArrayLiteral("['\\u00e9\\ud83d\\ude00\\u0000\\/',]")
        << QByteArrayLiteral("[\"\\u00e9\\ud83d\\ude00\\u0000/\"]")
        << QStringList{singleQuoted, trailingComma};
    QTest::newRow("repeated names: the last wins, with no fix")
        << QByteArrayLiteral("{'a': 1, \"a\": 2}") << QByteArrayLiteral("{\"a\": 2}")
        << QStringList{singleQuoted};
    QTest::newRow("text beyond ASCII")
        << QByteArrayLiteral("{\"na\xC3\xAFve\": '\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80'}")
        << QByteArrayLiteral("{\"na\xC3\xAFve\": \"\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\"}")
        << QStringList{singleQuoted};

    QTest::newRow("a model's answer with one of everything")
        << QByteArrayLiteral("{\n"
                             "  // the product\n"
                             "  name: 'Widget',\n"
                             "  \"tags\": ['a', 'b',],\n"
                             "  \"active\": True\n"
                             "  \"price\": 9.99,\n"
                             "}\n")
        << QByteArrayLiteral(
               "{\"name\": \"Widget\", \"tags\": [\"a\", \"b\"], \"active\": true, \"price\": 9.99}")
        << QStringList{comment,       unquotedKey, singleQuoted, singleQuoted, singleQuoted,
                       trailingComma, python,      missingComma, trailingComma};
}

void JsonRepairTest::readsModelJson()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QFETCH(QStringList, fixes);

    const auto result = parseLenient(view(input));
    QVERIFY2(result, qPrintable(errorText(result)));
    QCOMPARE(dumped(result->value), strictDump(expected));
    QCOMPARE(kindsOf(result->fixes), fixes);
    QCOMPARE(result->repaired, !fixes.isEmpty());
}

void JsonRepairTest::describesEachFixWithItsPlace_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("descriptions");
    QTest::addColumn<QList<int>>("offsets");

    QTest::newRow("trailing comma on the second line")
        << QByteArrayLiteral("{\n  \"a\": 1,\n}")
        << QStringList{QStringLiteral("line 2, column 9: removed a trailing comma")} << QList<int>{10};
    // é is 2 bytes and 😀 4, one column each: columns count characters, offsets bytes.
    QTest::newRow("columns count characters, offsets bytes")
        << QByteArrayLiteral("{'\xC3\xA9\xF0\x9F\x98\x80': '\xC3\xBC'}")
        << QStringList{QStringLiteral("line 1, column 2: changed a single-quoted string to double quotes"),
                       QStringLiteral("line 1, column 8: changed a single-quoted string to double quotes")}
        << QList<int>{1, 11};
    QTest::newRow("closing is placed at the end of the text")
        << QByteArrayLiteral("{\"a\": [1, 2")
        << QStringList{QStringLiteral("line 1, column 12: closed an array cut off at the end of the text"),
                       QStringLiteral("line 1, column 12: closed an object cut off at the end of the text")}
        << QList<int>{11, 11};
    QTest::newRow("dropped member")
        << QByteArrayLiteral("{\n \"a\": 1,\n \"bee\":")
        << QStringList{QStringLiteral("line 2, column 8: removed a trailing comma"),
                       QStringLiteral(
                           "line 3, column 2: dropped the member \"bee\", cut off at the end of the text"),
                       QStringLiteral("line 3, column 8: closed an object cut off at the end of the text")}
        << QList<int>{9, 12, 18};
    QTest::newRow("dropped element")
        << QByteArrayLiteral("[1, tru")
        << QStringList{QStringLiteral("line 1, column 3: removed a trailing comma"),
                       QStringLiteral(
                           "line 1, column 5: dropped the element 'tru', cut off at the end of the text"),
                       QStringLiteral("line 1, column 8: closed an array cut off at the end of the text")}
        << QList<int>{2, 4, 7};
    QTest::newRow("missing comma goes where it was forgotten")
        << QByteArrayLiteral("[1\n 2]")
        << QStringList{QStringLiteral("line 1, column 3: inserted a missing comma")} << QList<int>{2};
    QTest::newRow("unquoted name") << QByteArrayLiteral("{name: 1}")
                                   << QStringList{QStringLiteral(
                                          "line 1, column 2: put the member name \"name\" in double quotes")}
                                   << QList<int>{1};
    QTest::newRow("Python literal") << QByteArrayLiteral("[None]")
                                    << QStringList{QStringLiteral(
                                           "line 1, column 2: replaced Python's None with null")}
                                    << QList<int>{1};
    QTest::newRow("control characters")
        << QByteArrayLiteral("[\"a\tb\nc\"]")
        << QStringList{QStringLiteral(
               "line 1, column 4: escaped 2 raw control characters (line breaks, tabs) in a string")}
        << QList<int>{3};
    QTest::newRow("comment") << QByteArrayLiteral("# note\n[1]")
                             << QStringList{QStringLiteral("line 1, column 1: removed a comment")}
                             << QList<int>{0};
    QTest::newRow("escaped apostrophe")
        << QByteArrayLiteral("[\"it\\'s\"]")
        << QStringList{QStringLiteral(
               "line 1, column 5: removed the backslash before an apostrophe (\\' is no JSON escape)")}
        << QList<int>{4};
}

void JsonRepairTest::describesEachFixWithItsPlace()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, descriptions);
    QFETCH(QList<int>, offsets);

    const auto result = parseLenient(view(input));
    QVERIFY2(result, qPrintable(errorText(result)));
    QCOMPARE(describedFixes(result->fixes), descriptions);
    QList<int> actualOffsets;
    for (const RepairFix &fix : result->fixes)
        actualOffsets.append(static_cast<int>(fix.offset));
    QCOMPARE(actualOffsets, offsets);
}

void JsonRepairTest::rejectsWhatItCannotRepair_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("where");

    const auto at = [](int line, int column, int byte) {
        return QStringLiteral("line %1, column %2 (byte %3)").arg(line).arg(column).arg(byte);
    };

    QTest::newRow("values run together")
        << QByteArrayLiteral("{\"a\" 1 2 3}")
        << QStringLiteral("expected ':' after the member name, found '1'") << at(1, 6, 5);
    QTest::newRow("two numbers on one line")
        << QByteArrayLiteral("[1 2]") << QStringLiteral("expected ',' or ']' after the element, found '2'")
        << at(1, 4, 3);
    QTest::newRow("two strings on one line")
        << QByteArrayLiteral("[\"a\" \"b\"]")
        << QStringLiteral("expected ',' or ']' after the element, found '\"'") << at(1, 6, 5);
    QTest::newRow("two members on one line")
        << QByteArrayLiteral("{\"a\": 1 \"b\": 2}")
        << QStringLiteral("expected ',' or '}' after the member, found '\"'") << at(1, 9, 8);
    QTest::newRow("NaN") << QByteArrayLiteral("[NaN]")
                         << QStringLiteral(
                                "expected a value or ']', found 'NaN': JSON has no NaN or Infinity")
                         << at(1, 2, 1);
    QTest::newRow("Infinity")
        << QByteArrayLiteral("{\"a\": Infinity}")
        << QStringLiteral("expected a value after ':', found 'Infinity': JSON has no NaN or Infinity")
        << at(1, 7, 6);
    QTest::newRow("minus Infinity")
        << QByteArrayLiteral("[1, -Infinity]")
        << QStringLiteral("expected a digit after '-', found 'Infinity': JSON has no NaN or Infinity")
        << at(1, 6, 5);
    QTest::newRow("undefined") << QByteArrayLiteral("{\"a\": undefined}")
                               << QStringLiteral("expected a value after ':', found 'undefined'")
                               << at(1, 7, 6);
    QTest::newRow("a bare word") << QByteArrayLiteral("[1, hello]")
                                 << QStringLiteral("expected a value, found 'hello'") << at(1, 5, 4);
    QTest::newRow("empty text") << QByteArray()
                                << QStringLiteral("expected a JSON value, found the end of the text")
                                << at(1, 1, 0);
    QTest::newRow("only a comment") << QByteArrayLiteral("   // only a comment\n")
                                    << QStringLiteral("expected a JSON value, found the end of the text")
                                    << at(2, 1, 21);
    QTest::newRow("a cut-off literal is all there is")
        << QByteArrayLiteral("tru")
        << QStringLiteral("expected a complete value, found 'tru' cut off at the end of the text")
        << at(1, 1, 0);
    QTest::newRow("a lone minus is all there is")
        << QByteArrayLiteral(" -")
        << QStringLiteral("expected a complete value, found '-' cut off at the end of the text")
        << at(1, 2, 1);
    QTest::newRow("an empty element")
        << QByteArrayLiteral("[1,,2]") << QStringLiteral("expected a value, found ','") << at(1, 4, 3);
    QTest::newRow("a leading comma") << QByteArrayLiteral("[,1]")
                                     << QStringLiteral("expected a value or ']', found ','") << at(1, 2, 1);
    QTest::newRow("a missing member value")
        << QByteArrayLiteral("{\"a\": }") << QStringLiteral("expected a value after ':', found '}'")
        << at(1, 7, 6);
    QTest::newRow("a number as a member name")
        << QByteArrayLiteral("{1: 2}")
        << QStringLiteral("expected a member name in double quotes or '}', found '1'") << at(1, 2, 1);
    QTest::newRow("a comma where a name belongs")
        << QByteArrayLiteral("{\"a\": 1,,}")
        << QStringLiteral("expected a member name in double quotes, found ','") << at(1, 9, 8);
    QTest::newRow("an equals sign for a colon")
        << QByteArrayLiteral("{\"a\" = 1}") << QStringLiteral("expected ':' after the member name, found '='")
        << at(1, 6, 5);
    QTest::newRow("an invalid escape")
        << QByteArrayLiteral("[\"a\\d\"]")
        << QStringLiteral("expected an escape (one of \" \\ / b f n r t u) after a backslash, found 'd'")
        << at(1, 4, 3);
    QTest::newRow("a high surrogate alone")
        << QByteArrayLiteral("[\"\\ud800x\"]")
        << QStringLiteral("expected a low surrogate (\\uDC00 to \\uDFFF) after a high surrogate")
        << at(1, 3, 2);
    QTest::newRow("a low surrogate alone")
        << QByteArrayLiteral("[\"\\udc00\"]")
        << QStringLiteral("expected a high surrogate (\\uD800 to \\uDBFF) before a low surrogate")
        << at(1, 3, 2);
    QTest::newRow("a bad unicode escape")
        << QByteArrayLiteral("[\"\\u12g4\"]") << QStringLiteral("expected four hexadecimal digits after \\u")
        << at(1, 3, 2);
    QTest::newRow("a leading zero") << QByteArrayLiteral("[01]")
                                    << QStringLiteral("expected a number without leading zeros, found '01'")
                                    << at(1, 2, 1);
    QTest::newRow("nothing after the decimal point")
        << QByteArrayLiteral("[1.]") << QStringLiteral("expected a digit after the decimal point, found ']'")
        << at(1, 4, 3);
    QTest::newRow("nothing in the exponent")
        << QByteArrayLiteral("[1e]") << QStringLiteral("expected a digit in the exponent, found ']'")
        << at(1, 4, 3);
    QTest::newRow("no digit before the decimal point")
        << QByteArrayLiteral("[.5]") << QStringLiteral("expected a value or ']', found '.'") << at(1, 2, 1);
    QTest::newRow("a plus sign") << QByteArrayLiteral("[+1]")
                                 << QStringLiteral("expected a value or ']', found '+'") << at(1, 2, 1);
    QTest::newRow("a number too large for a double")
        << QByteArrayLiteral("[1e400]") << QStringLiteral("expected a number a double can hold, found 1e400")
        << at(1, 2, 1);
    QTest::newRow("text after the value")
        << QByteArrayLiteral("{\"a\": 1} x")
        << QStringLiteral("expected the end of the text after the JSON value, found 'x'") << at(1, 10, 9);
    QTest::newRow("a second value on the next line")
        << QByteArrayLiteral("{\"a\": 1}\n{\"b\": 2}")
        << QStringLiteral("expected the end of the text after the JSON value, found '{'") << at(2, 1, 9);
    QTest::newRow("brackets that do not match")
        << QByteArrayLiteral("[1, 2}") << QStringLiteral("expected ',' or ']' after the element, found '}'")
        << at(1, 6, 5);
    QTest::newRow("a lone slash") << QByteArrayLiteral("[1 / 2]")
                                  << QStringLiteral("expected ',' or ']' after the element, found '/'")
                                  << at(1, 4, 3);
    QTest::newRow("a control character outside strings")
        << QByteArrayLiteral("[\x01]")
        << QStringLiteral("expected a value or ']', found the control character U+0001") << at(1, 2, 1);
    QTest::newRow("a letter beyond ASCII outside strings")
        << QByteArrayLiteral("[\xC3\xA9]") << QStringLiteral("expected a value or ']', found '\u00e9'")
        << at(1, 2, 1);
    QTest::newRow("invalid UTF-8") << QByteArrayLiteral("[\"\xFF\"]")
                                   << QStringLiteral("the text is not valid UTF-8") << at(1, 3, 2);
    QTest::newRow("place on a later line")
        << QByteArrayLiteral("{\n  \"a\": [1,\n    2 3]\n}")
        << QStringLiteral("expected ',' or ']' after the element, found '3'") << at(3, 7, 19);
    QTest::newRow("columns count characters")
        << QByteArrayLiteral("{\"\xF0\x9F\x98\x80\": x}")
        << QStringLiteral("expected a value after ':', found 'x'") << at(1, 7, 9);
}

void JsonRepairTest::rejectsWhatItCannotRepair()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, message);
    QFETCH(QString, where);

    const auto result = parseLenient(view(input));
    QVERIFY2(!result, qPrintable(errorText(result)));
    QCOMPARE(result.error().code, ErrorCode::Protocol);
    QCOMPARE(result.error().message, message);
    QCOMPARE(result.error().where, where);
}

void JsonRepairTest::placesFixesAndErrorsInTheWholeDocument()
{
    const QByteArray document = QByteArrayLiteral("Voil\xC3\xA0:\n```json\n{\n  'a': 1,\n}\n```\n[1 2]");
    const auto begin = static_cast<std::size_t>(document.indexOf('{'));
    const auto end = static_cast<std::size_t>(document.indexOf('}')) + 1;

    const auto repaired = parseLenient(view(document), begin, end);
    QVERIFY2(repaired, qPrintable(errorText(repaired)));
    QCOMPARE(dumped(repaired->value), QStringLiteral("{\"a\":1}"));
    QCOMPARE(describedFixes(repaired->fixes),
             (QStringList{QStringLiteral("line 4, column 3: changed a single-quoted string to double quotes"),
                          QStringLiteral("line 4, column 9: removed a trailing comma")}));
    QCOMPARE(repaired->fixes[0].offset, static_cast<std::size_t>(document.indexOf('\'')));
    QCOMPARE(repaired->fixes[1].offset, static_cast<std::size_t>(document.indexOf(',')));

    const auto broken = parseLenient(view(document), static_cast<std::size_t>(document.indexOf('[')),
                                     static_cast<std::size_t>(document.size()));
    QVERIFY(!broken);
    QCOMPARE(broken.error().message, QStringLiteral("expected ',' or ']' after the element, found '2'"));
    QCOMPARE(broken.error().where,
             QStringLiteral("line 7, column 4 (byte %1)").arg(document.indexOf('[') + 3));

    const auto strict = parseLenient(view(document), begin + 9, begin + 10); // the "1"
    QVERIFY2(strict, qPrintable(errorText(strict)));
    QCOMPARE(dumped(strict->value), QStringLiteral("1"));
    QVERIFY(!strict->repaired);
}

void JsonRepairTest::refusesNestingDeeperThanTheLimit_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("where");

    constexpr int kDeep = 10000;
    const QString atTheLimit =
        QStringLiteral("line 1, column %1 (byte %2)").arg(kMaxJsonNesting + 1).arg(kMaxJsonNesting);
    QTest::newRow("10,000 open arrays") << QByteArray(kDeep, '[') << atTheLimit;
    QTest::newRow("10,000 nested arrays, strict JSON")
        << QByteArray(kDeep, '[') + QByteArray(kDeep, ']') << atTheLimit;
    QTest::newRow("10,000 nested arrays, repaired")
        << QByteArray(kDeep, '[') + QByteArrayLiteral("1,") + QByteArray(kDeep, ']') << atTheLimit;
    QTest::newRow("1,001 nested objects") << QByteArrayLiteral("{\"a\":").repeated(kMaxJsonNesting + 1)
                                          << QStringLiteral("line 1, column %1 (byte %2)")
                                                 .arg(5 * kMaxJsonNesting + 1)
                                                 .arg(5 * kMaxJsonNesting);
}

void JsonRepairTest::refusesNestingDeeperThanTheLimit()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, where);

    const auto result = parseLenient(view(input));
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::Protocol);
    QCOMPARE(result.error().message,
             QStringLiteral("expected at most 1000 levels of nested arrays and objects"));
    QCOMPARE(result.error().where, where);
}

void JsonRepairTest::readsNestingUpToTheLimit()
{
    const QByteArray strictText = QByteArray(kMaxJsonNesting, '[') + QByteArray(kMaxJsonNesting, ']');
    const auto strict = parseLenient(view(strictText));
    QVERIFY2(strict, qPrintable(errorText(strict)));
    QVERIFY(!strict->repaired);
    QCOMPARE(dumped(strict->value), QString::fromLatin1(strictText));

    const auto repaired = parseLenient(view(QByteArray(kMaxJsonNesting, '[')));
    QVERIFY2(repaired, qPrintable(errorText(repaired)));
    QCOMPARE(dumped(repaired->value), QString::fromLatin1(strictText));
    QCOMPARE(repaired->fixes.size(), static_cast<std::size_t>(kMaxJsonNesting));
}

void JsonRepairTest::repairsTenMegabytesInLinearTime()
{
    // Every kind of fix but the truncations, nine per record, on lines of their own.
    const QByteArray record = QByteArrayLiteral(
        "{id: 7, 'name': 'item', \"tags\": ['x', 'y',], \"ok\": True, // checked by hand\n},\n");
    constexpr int kFixesPerRecord = 9;
    const auto repairOf = [&record](int records, qint64 &elapsedMs) {
        const QByteArray text = QByteArrayLiteral("[\n") + record.repeated(records) + QByteArrayLiteral("]");
        QElapsedTimer timer;
        timer.start();
        auto result = parseLenient(view(text));
        elapsedMs = timer.elapsed();
        return result;
    };

    const int smallRecords = 1024 * 1024 / static_cast<int>(record.size());
    const int largeRecords = 10 * smallRecords;
    qint64 smallMs = 0;
    qint64 largeMs = 0;
    const auto small = repairOf(smallRecords, smallMs);
    const auto large = repairOf(largeRecords, largeMs);
    QVERIFY2(small && large, qPrintable(errorText(large)));
    QCOMPARE(large->value.size(), static_cast<std::size_t>(largeRecords));
    QCOMPARE(dumped(large->value.back()),
             QStringLiteral("{\"id\":7,\"name\":\"item\",\"ok\":true,\"tags\":[\"x\",\"y\"]}"));
    QCOMPARE(large->fixes.size(), static_cast<std::size_t>(kFixesPerRecord) * largeRecords + 1);
    QCOMPARE(large->fixes.back().line, 2 * largeRecords + 1); // the outer array's trailing comma
    // Ten times the text may take ten times as long; quadratic work would take a hundred.
    QVERIFY2(largeMs <= 40 * std::max<qint64>(smallMs, 25),
             qPrintable(QStringLiteral("1 MB: %1 ms, 10 MB: %2 ms").arg(smallMs).arg(largeMs)));
    qInfo("lenient repair: 1 MB in %lld ms, 10 MB in %lld ms", static_cast<long long>(smallMs),
          static_cast<long long>(largeMs));
}

void JsonRepairTest::placesManyFixesOnOneLongLineInLinearTime()
{
    // 10 MB on one line with a fix every 64 bytes: columns must be counted once, not per fix.
    const QByteArray record =
        QByteArrayLiteral("{\"k\": 'v', \"pad\": \"01234567890123456789012345678901234567890\"}, ");
    QCOMPARE(record.size(), 64);
    const int records = 10 * 1024 * 1024 / 64;
    const QByteArray text = QByteArrayLiteral("[") + record.repeated(records) + QByteArrayLiteral("1]");

    QElapsedTimer timer;
    timer.start();
    const auto result = parseLenient(view(text));
    const qint64 elapsedMs = timer.elapsed();
    QVERIFY2(result, qPrintable(errorText(result)));
    QCOMPARE(result->fixes.size(), static_cast<std::size_t>(records));
    const RepairFix &last = result->fixes.back();
    QCOMPARE(last.line, 1);
    QCOMPARE(last.offset, static_cast<std::size_t>(text.lastIndexOf('\'') - 2));
    QCOMPARE(last.column, static_cast<int>(last.offset) + 1);
    qInfo("10 MB on one line with %d fixes: %lld ms", records, static_cast<long long>(elapsedMs));
}

QTEST_GUILESS_MAIN(JsonRepairTest)
#include "tst_jsonrepair.moc"
