// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <QByteArrayList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "Chunkings.h"
#include "schema/JsonPointer.h"
#include "schema/PartialJsonParser.h"

using Lathe::Schema::escapePointerToken;
using Lathe::Schema::PartialJsonParser;
using Lathe::TestSupport::chunkingMismatch;
using Lathe::TestSupport::ChunkingOptions;
using Json = nlohmann::json;

namespace
{

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

// ASCII-only, so a failed comparison shows exactly which character differs; invalid UTF-8 shows
// as U+FFFD and fails the comparison instead of throwing.
QString dumped(const Json &value)
{
    return QString::fromStdString(value.dump(-1, ' ', true, Json::error_handler_t::replace));
}

QString normalized(const char *json)
{
    return dumped(Json::parse(json));
}

QString openStringName(PartialJsonParser::OpenString kind)
{
    switch (kind) {
    case PartialJsonParser::OpenString::None:
        return QStringLiteral("none");
    case PartialJsonParser::OpenString::Key:
        return QStringLiteral("key");
    case PartialJsonParser::OpenString::Value:
        return QStringLiteral("value");
    }
    return QStringLiteral("?");
}

/** What the validator sees after a cut: the value, the open path and the string being received. */
QString describeCut(const PartialJsonParser &parser)
{
    const auto pending = parser.pendingKey();
    return QStringLiteral("snapshot %1 | open pointer \"%2\" | open string %3 | pending key %4")
        .arg(dumped(parser.current()), QString::fromStdString(parser.openPointer()),
             openStringName(parser.openString()),
             pending ? QLatin1Char('"') + QString::fromStdString(*pending) + QLatin1Char('"')
                     : QStringLiteral("none"));
}

QString expectedCut(const char *snapshot, const char *openPointer, const char *openString,
                    const char *pendingKey)
{
    return QStringLiteral("snapshot %1 | open pointer \"%2\" | open string %3 | pending key %4")
        .arg(normalized(snapshot), QString::fromUtf8(openPointer), QString::fromLatin1(openString),
             pendingKey ? QStringLiteral("\"%1\"").arg(QString::fromUtf8(pendingKey))
                        : QStringLiteral("none"));
}

QString errorText(const PartialJsonParser &parser)
{
    return parser.error() ? parser.error()->toString() : QString();
}

/** Everything observable after a whole stream. */
QString describeOutcome(const PartialJsonParser &parser)
{
    QString text = describeCut(parser) +
                   QStringLiteral(" | %1 | consumed %2, skipped %3, ignored %4")
                       .arg(parser.complete() ? QStringLiteral("complete") : QStringLiteral("incomplete"))
                       .arg(parser.bytesConsumed())
                       .arg(parser.bytesSkipped())
                       .arg(parser.bytesIgnored());
    if (parser.failed())
        text += QStringLiteral(" | error: ") + errorText(parser);
    return text;
}

QString outcomeOf(const QByteArrayList &chunks)
{
    PartialJsonParser parser;
    for (const QByteArray &chunk : chunks)
        parser.append(view(chunk));
    return describeOutcome(parser);
}

// Besides whole, byte at a time and every split in two: empty chunks around every byte, and
// random chunkings of 0-7 bytes (fixed seed), which mix empty chunks in everywhere else.
const ChunkingOptions kChunkings{
    .emptyChunksAroundBytes = true, .randomRounds = 25, .minRandomChunk = 0, .maxRandomChunk = 7};

QString chunkingDifference(const QByteArray &input)
{
    return chunkingMismatch(input, outcomeOf, kChunkings);
}

/** Every node of `root` with its JSON Pointer, walked without recursion. */
std::vector<std::pair<std::string, const Json *>> nodesOf(const Json &root)
{
    std::vector<std::pair<std::string, const Json *>> nodes;
    std::vector<std::pair<std::string, const Json *>> pending{{std::string(), &root}};
    while (!pending.empty()) {
        auto [pointer, node] = pending.back();
        pending.pop_back();
        nodes.emplace_back(pointer, node);
        if (node->is_object()) {
            for (const auto &[key, member] : node->items())
                pending.emplace_back(pointer + '/' + escapePointerToken(key), &member);
        } else if (node->is_array()) {
            for (std::size_t index = 0; index < node->size(); ++index)
                pending.emplace_back(pointer + '/' + std::to_string(index), &(*node)[index]);
        }
    }
    return nodes;
}

/** Whether `prefix` is `pointer` or one of its ancestors, by whole reference tokens. */
bool isTokenPrefix(const std::string &prefix, const std::string &pointer)
{
    return pointer == prefix ||
           (pointer.size() > prefix.size() && pointer.compare(0, prefix.size(), prefix) == 0 &&
            pointer[prefix.size()] == '/');
}

/**
 * Checks the open-path contract against the value the whole stream makes: a node isComplete()
 * says is complete is already final, every other one is on the open path and can only grow.
 * Returns what is wrong, or an empty string.
 */
QString contractBreach(const PartialJsonParser &parser, const Json &finalValue)
{
    if (!parser.started())
        return parser.current().is_null() ? QString() : QStringLiteral("a value before the start");
    const std::string open = parser.openPointer();
    for (const auto &[pointer, node] : nodesOf(parser.current())) {
        const QString where = QString::fromStdString(pointer);
        const Json::json_pointer jsonPointer(pointer);
        if (!finalValue.contains(jsonPointer))
            return where + QStringLiteral(" is not in the final value");
        const Json &finalNode = finalValue.at(jsonPointer);
        const bool onOpenPath = !parser.complete() && isTokenPrefix(pointer, open);
        if (parser.isComplete(pointer) == onOpenPath)
            return QStringLiteral("isComplete() and the open pointer ") + QString::fromStdString(open) +
                   QStringLiteral(" disagree about ") + where;
        if (!onOpenPath) {
            if (*node != finalNode)
                return where + QStringLiteral(" is complete as ") + dumped(*node) +
                       QStringLiteral(" but ends as ") + dumped(finalNode);
        } else if (node->is_string()) {
            if (!finalNode.is_string() ||
                finalNode.get_ref<const std::string &>().rfind(node->get_ref<const std::string &>(), 0) != 0)
                return where + QStringLiteral(" is the open string ") + dumped(*node) +
                       QStringLiteral(" but ends as ") + dumped(finalNode);
        } else if (!node->is_structured() || node->type() != finalNode.type()) {
            return where + QStringLiteral(" is open as ") + dumped(*node) + QStringLiteral(" but ends as ") +
                   dumped(finalNode);
        }
    }
    if (!parser.complete() && !parser.current().contains(Json::json_pointer(open)))
        return QStringLiteral("the open pointer names no node");
    return {};
}

/** The most edges from `root` down to any node, counted without recursion. */
std::size_t depthOf(const Json &root)
{
    std::size_t deepest = 0;
    std::vector<std::pair<const Json *, std::size_t>> pending{{&root, 0}};
    while (!pending.empty()) {
        const auto [node, depth] = pending.back();
        pending.pop_back();
        deepest = std::max(deepest, depth);
        if (node->is_structured()) {
            for (const Json &child : *node)
                pending.emplace_back(&child, depth + 1);
        }
    }
    return deepest;
}

/** Documents whose keys are unique, so every complete node is final (rows for the value tests). */
void addDocuments()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("json"); // the JSON text in the input, for nlohmann::json::parse

    const QByteArray everyKind = QByteArrayLiteral(
        "{\"name\": \"Ada Lovelace\", \"age\": 36, \"ratio\": -0.5e-3, \"big\": 18446744073709551615, "
        "\"huge\": 123456789012345678901234567890, \"min\": -9223372036854775808, \"zero\": -0, "
        "\"float\": 1.0, \"avogadro\": 6.02E+23, \"tiny\": 1e-400, \"yes\": true, \"no\": false, "
        "\"nothing\": null, \"empty\": {}, \"list\": [], "
        "\"nested\": {\"a\": [1, [2, [3, {\"b\": null}]]]}}");
    QTest::newRow("object with every kind of value") << everyKind << everyKind;

    // "é€😀中" raw and escaped, every short escape, NUL, keys holding '/' and '~'.
    const QByteArray strings = QByteArrayLiteral(
        "[\"caf\\u00e9 \\\"quoted\\\" back\\\\slash \\/ tab\\t nl\\n bs\\b ff\\f cr\\r\", "
        "\"\\uD83D\\uDE00 and \xF0\x9F\x98\x80\", \"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xE4\xB8\xAD\", "
        "\"\\u0000\\u001f\\uFFFF\\ud7ff\\uE000\\udbff\\udfff\", \"\", "
        "{\"a/b\": 1, \"m~n\": 2, \"\": 3, \"~1\": {\"/\": [\"x\"]}}]");
    QTest::newRow("strings with escapes and UTF-8") << strings << strings;

    const QByteArray pretty =
        QByteArrayLiteral("{\r\n  \"items\": [\r\n    {\"id\": 1, \"tags\": [\"a\", \"b\"]},\r\n"
                          "    {\"id\": 2, \"tags\": []}\r\n  ],\r\n\t\"total\": 2\r\n}");
    QTest::newRow("pretty-printed with CRLF and tabs") << pretty << pretty;

    const QByteArray numbers =
        QByteArrayLiteral("[0, -1, 2.5, 1e5, 1E-5, 3.14159, -0.0, 100000000000000000000, "
                          "-9223372036854775809, 0.1e+1, [[]], [{}], [[0]]]");
    QTest::newRow("numbers and empty containers") << numbers << numbers;

    const QByteArray answer = QByteArrayLiteral("{\"ok\": true, \"items\": [{\"id\": 7}]}");
    QTest::newRow("answer in a fenced block with prose around it")
        << QByteArrayLiteral("Sure, here is the JSON:\n\n```json\n") + answer +
               QByteArrayLiteral("\n```\nAnything else?")
        << answer;
}

} // namespace

class PartialJsonParserTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endsAsAWholeParseDoesForEveryChunking_data();
    void endsAsAWholeParseDoesForEveryChunking();
    void reportsOnlyFinalValuesAsCompleteAfterEveryByte_data();
    void reportsOnlyFinalValuesAsCompleteAfterEveryByte();
    void holdsOnlyWhatIsCertainAtACut_data();
    void holdsOnlyWhatIsCertainAtACut();
    void keepsTheLastOfDuplicateKeys();
    void skipsTextBeforeAndIgnoresTextAfterTheValue_data();
    void skipsTextBeforeAndIgnoresTextAfterTheValue();
    void failsAtTheFirstOffendingByte_data();
    void failsAtTheFirstOffendingByte();
    void ignoresInputAfterAnError();
    void isCompleteFollowsTheOpenPath_data();
    void isCompleteFollowsTheOpenPath();
    void handlesTenThousandLevelsOfNesting();
    void snapshotCopiesDeepValuesExactly();
    void resetStartsAFreshStream();
};

void PartialJsonParserTest::endsAsAWholeParseDoesForEveryChunking_data()
{
    addDocuments();
}

void PartialJsonParserTest::endsAsAWholeParseDoesForEveryChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, json);

    PartialJsonParser parser;
    parser.append(view(input));
    QVERIFY2(!parser.failed(), qPrintable(errorText(parser)));
    QVERIFY(parser.complete());
    // Compared as text too: == calls 1 and 1.0 equal, a dump tells an integer from a double.
    const Json expected = Json::parse(view(json));
    QCOMPARE(dumped(parser.snapshot()), dumped(expected));
    QVERIFY(parser.snapshot() == expected);
    QCOMPARE(parser.openPointer(), std::string());
    QCOMPARE(parser.openString(), PartialJsonParser::OpenString::None);
    QVERIFY(!parser.pendingKey());

    const QString difference = chunkingDifference(input);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void PartialJsonParserTest::reportsOnlyFinalValuesAsCompleteAfterEveryByte_data()
{
    addDocuments();
}

void PartialJsonParserTest::reportsOnlyFinalValuesAsCompleteAfterEveryByte()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, json);

    const Json finalValue = Json::parse(view(json));
    PartialJsonParser parser;
    for (qsizetype at = 0; at < input.size(); ++at) {
        parser.append(view(input.mid(at, 1)));
        const QString breach = contractBreach(parser, finalValue);
        QVERIFY2(breach.isEmpty(), qPrintable(QStringLiteral("after %1 bytes: ").arg(at + 1) + breach));
    }
    QVERIFY(parser.complete());
}

void PartialJsonParserTest::holdsOnlyWhatIsCertainAtACut_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("state");

    QTest::newRow("nothing yet") << QByteArray() << expectedCut("null", "", "none", nullptr);
    QTest::newRow("prose only") << QByteArrayLiteral("Here is ") << expectedCut("null", "", "none", nullptr);
    QTest::newRow("the top level just opened")
        << QByteArrayLiteral("{") << expectedCut("{}", "", "none", nullptr);
    QTest::newRow("a key in progress is left out")
        << QByteArrayLiteral("{\"na") << expectedCut("{}", "", "key", "na");
    QTest::newRow("a key without its value is left out")
        << QByteArrayLiteral("{\"name\" :") << expectedCut("{}", "", "none", "name");
    QTest::newRow("a string value so far is in")
        << QByteArrayLiteral("{\"name\": \"Al")
        << expectedCut("{\"name\": \"Al\"}", "/name", "value", nullptr);
    QTest::newRow("a string value just opened is empty")
        << QByteArrayLiteral("{\"name\": \"") << expectedCut("{\"name\": \"\"}", "/name", "value", nullptr);
    QTest::newRow("a number that may grow is left out")
        << QByteArrayLiteral("{\"a\": 1") << expectedCut("{}", "", "none", "a");
    QTest::newRow("the last array number may still grow")
        << QByteArrayLiteral("{\"a\": [1, 2") << expectedCut("{\"a\": [1]}", "/a", "none", nullptr);
    QTest::newRow("a comma ends a number")
        << QByteArrayLiteral("{\"a\": [1, 2,") << expectedCut("{\"a\": [1, 2]}", "/a", "none", nullptr);
    QTest::newRow("a space ends a number")
        << QByteArrayLiteral("{\"a\": [1, 2 ") << expectedCut("{\"a\": [1, 2]}", "/a", "none", nullptr);
    QTest::newRow("a number without its fraction digits")
        << QByteArrayLiteral("[1.") << expectedCut("[]", "", "none", nullptr);
    QTest::newRow("a number without its exponent digits")
        << QByteArrayLiteral("[1.5e-") << expectedCut("[]", "", "none", nullptr);
    QTest::newRow("a literal in progress is left out")
        << QByteArrayLiteral("{\"a\": tr") << expectedCut("{}", "", "none", "a");
    QTest::newRow("a literal is in once spelled out")
        << QByteArrayLiteral("{\"a\": true") << expectedCut("{\"a\": true}", "", "none", nullptr);
    QTest::newRow("null in progress is left out")
        << QByteArrayLiteral("[nul") << expectedCut("[]", "", "none", nullptr);
    QTest::newRow("open containers are closed")
        << QByteArrayLiteral("{\"a\": {\"b\": [")
        << expectedCut("{\"a\": {\"b\": []}}", "/a/b", "none", nullptr);
    QTest::newRow("a closed container is complete")
        << QByteArrayLiteral("[{}, ") << expectedCut("[{}]", "", "none", nullptr);
    QTest::newRow("nested arrays") << QByteArrayLiteral("[[[")
                                   << expectedCut("[[[]]]", "/0/0", "none", nullptr);
    QTest::newRow("half an escape is left out")
        << QByteArrayLiteral("{\"a\": \"x\\") << expectedCut("{\"a\": \"x\"}", "/a", "value", nullptr);
    QTest::newRow("half a \\u escape is left out")
        << QByteArrayLiteral("{\"a\": \"x\\u00") << expectedCut("{\"a\": \"x\"}", "/a", "value", nullptr);
    QTest::newRow("a whole \\u escape is in")
        << QByteArrayLiteral("{\"a\": \"x\\u00e9")
        << expectedCut("{\"a\": \"x\xC3\xA9\"}", "/a", "value", nullptr);
    QTest::newRow("a high surrogate alone is left out")
        << QByteArrayLiteral("[\"\\uD83D") << expectedCut("[\"\"]", "/0", "value", nullptr);
    QTest::newRow("a surrogate pair missing a digit is left out")
        << QByteArrayLiteral("[\"\\uD83D\\uDE0") << expectedCut("[\"\"]", "/0", "value", nullptr);
    QTest::newRow("a whole surrogate pair is in")
        << QByteArrayLiteral("[\"\\uD83D\\uDE00")
        << expectedCut("[\"\xF0\x9F\x98\x80\"]", "/0", "value", nullptr);
    QTest::newRow("half a UTF-8 character is left out")
        << QByteArrayLiteral("[\"caf\xC3") << expectedCut("[\"caf\"]", "/0", "value", nullptr);
    QTest::newRow("three quarters of a UTF-8 character are left out")
        << QByteArrayLiteral("[\"\xF0\x9F\x98") << expectedCut("[\"\"]", "/0", "value", nullptr);
    QTest::newRow("a whole UTF-8 character is in")
        << QByteArrayLiteral("[\"caf\xC3\xA9") << expectedCut("[\"caf\xC3\xA9\"]", "/0", "value", nullptr);
    QTest::newRow("a key in progress keeps only whole characters")
        << QByteArrayLiteral("{\"\xE2\x82\xAC\\u00e9\xE2")
        << expectedCut("{}", "", "key", "\xE2\x82\xAC\xC3\xA9");
    QTest::newRow("the open pointer escapes '/' and '~'")
        << QByteArrayLiteral("{\"a/b~c\": [\"")
        << expectedCut("{\"a/b~c\": [\"\"]}", "/a~1b~0c/0", "value", nullptr);
    QTest::newRow("the open string's index is its place in the array")
        << QByteArrayLiteral("[1, {\"a\": [true, null, \"yes\", \"n")
        << expectedCut("[1, {\"a\": [true, null, \"yes\", \"n\"]}]", "/1/a/3", "value", nullptr);
    QTest::newRow("a string's closing quote completes it")
        << QByteArrayLiteral("{\"name\": \"Al\"") << expectedCut("{\"name\": \"Al\"}", "", "none", nullptr);
}

void PartialJsonParserTest::holdsOnlyWhatIsCertainAtACut()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, state);

    PartialJsonParser parser;
    parser.append(view(input));
    QVERIFY2(!parser.failed(), qPrintable(errorText(parser)));
    QVERIFY(!parser.complete());
    QCOMPARE(describeCut(parser), state);
    QCOMPARE(dumped(parser.snapshot()), dumped(parser.current()));
    const QString difference = chunkingDifference(input);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void PartialJsonParserTest::keepsTheLastOfDuplicateKeys()
{
    const QByteArray input = QByteArrayLiteral("{\"a\": 1, \"a\": {\"b\": [2]}, \"c\": 3, \"a\": \"x\"}");
    PartialJsonParser parser;
    parser.append(view(input.left(input.indexOf("[2") + 1)));
    QCOMPARE(dumped(parser.current()), normalized("{\"a\": {\"b\": []}}"));
    QCOMPARE(parser.openPointer(), std::string("/a/b"));
    parser.append(view(input.mid(input.indexOf("[2") + 1)));
    QVERIFY(parser.complete());
    QCOMPARE(dumped(parser.current()), dumped(Json::parse(view(input))));
    const QString difference = chunkingDifference(input);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void PartialJsonParserTest::skipsTextBeforeAndIgnoresTextAfterTheValue_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qint64>("skipped");
    QTest::addColumn<qint64>("ignored");

    QTest::newRow("a fenced block") << QByteArrayLiteral("```json\n{\"a\": 1}\n```\n")
                                    << QByteArrayLiteral("{\"a\": 1}") << qint64(8) << qint64(5);
    QTest::newRow("prose around the value")
        << QByteArrayLiteral("Sure! Here is the answer:\n\n[1, 2]\n\nHope this helps.")
        << QByteArrayLiteral("[1, 2]") << qint64(27) << qint64(18);
    QTest::newRow("a second value is ignored") << QByteArrayLiteral("{\"a\":1}{\"b\":2}")
                                               << QByteArrayLiteral("{\"a\":1}") << qint64(0) << qint64(7);
    QTest::newRow("text that is not JSON after the value is ignored")
        << QByteArrayLiteral("[1]]}, \"x\xFF") << QByteArrayLiteral("[1]") << qint64(0) << qint64(7);
    QTest::newRow("a BOM and prose in another script") << QByteArrayLiteral("\xEF\xBB\xBFVoil\xC3\xA0 :\n{}")
                                                       << QByteArrayLiteral("{}") << qint64(12) << qint64(0);
    QTest::newRow("nothing around") << QByteArrayLiteral("[]") << QByteArrayLiteral("[]") << qint64(0)
                                    << qint64(0);
}

void PartialJsonParserTest::skipsTextBeforeAndIgnoresTextAfterTheValue()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, json);
    QFETCH(qint64, skipped);
    QFETCH(qint64, ignored);

    PartialJsonParser parser;
    parser.append(view(input));
    QVERIFY2(!parser.failed(), qPrintable(errorText(parser)));
    QVERIFY(parser.complete());
    QCOMPARE(dumped(parser.snapshot()), dumped(Json::parse(view(json))));
    QCOMPARE(parser.bytesSkipped(), skipped);
    QCOMPARE(parser.bytesIgnored(), ignored);
    QCOMPARE(parser.bytesConsumed(), qint64(input.size()));
    const QString difference = chunkingDifference(input);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void PartialJsonParserTest::failsAtTheFirstOffendingByte_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("snapshot"); // what was certain before the offending byte

    const auto at = [](int line, int column, int byte) {
        return QStringLiteral("line %1, column %2 (byte %3)").arg(line).arg(column).arg(byte);
    };
    QTest::newRow("a missing colon") << QByteArrayLiteral("{\"a\" 1}")
                                     << QStringLiteral("expected ':' after an object key, found '1'")
                                     << at(1, 6, 5) << normalized("{}");
    QTest::newRow("an empty array element")
        << QByteArrayLiteral("[1,,2]") << QStringLiteral("expected a value, found ','") << at(1, 4, 3)
        << normalized("[1]");
    QTest::newRow("a trailing comma in an array")
        << QByteArrayLiteral("[1,]") << QStringLiteral("expected a value, found ']'") << at(1, 4, 3)
        << normalized("[1]");
    QTest::newRow("a trailing comma in an object")
        << QByteArrayLiteral("{\"a\":1,}")
        << QStringLiteral("expected an object key in double quotes, found '}'") << at(1, 8, 7)
        << normalized("{\"a\": 1}");
    QTest::newRow("a single-quoted key")
        << QByteArrayLiteral("{'a':1}")
        << QStringLiteral("expected an object key in double quotes, found '''") << at(1, 2, 1)
        << normalized("{}");
    QTest::newRow("a missing comma") << QByteArrayLiteral("[1 2]")
                                     << QStringLiteral(
                                            "expected ',' or ']' after an array element, found '2'")
                                     << at(1, 4, 3) << normalized("[1]");
    QTest::newRow("a missing comma in an object")
        << QByteArrayLiteral("{\"a\":1 \"b\":2}")
        << QStringLiteral("expected ',' or '}' after an object member, found '\"'") << at(1, 8, 7)
        << normalized("{\"a\": 1}");
    QTest::newRow("a mismatched close")
        << QByteArrayLiteral("{\"a\":1]")
        << QStringLiteral("expected ',' or '}' after an object member, found ']'") << at(1, 7, 6)
        << normalized("{\"a\": 1}");
    QTest::newRow("an invalid escape")
        << QByteArrayLiteral("[\"a\\qb\"]") << QStringLiteral("invalid escape: 'q' after a backslash")
        << at(1, 5, 4) << normalized("[\"a\"]");
    QTest::newRow("a tab in a string")
        << QByteArrayLiteral("[\"a\tb\"]") << QStringLiteral("unescaped control character U+0009 in a string")
        << at(1, 4, 3) << normalized("[\"a\"]");
    QTest::newRow("a newline in a string") << QByteArrayLiteral("[\"abc\n\"]")
                                           << QStringLiteral("unescaped control character U+000A in a string")
                                           << at(1, 6, 5) << normalized("[\"abc\"]");
    QTest::newRow("a byte that starts no UTF-8 character")
        << QByteArrayLiteral("[\"ok\xFF\"]")
        << QStringLiteral("invalid UTF-8: byte 0xFF cannot start a character") << at(1, 5, 4)
        << normalized("[\"ok\"]");
    QTest::newRow("an overlong UTF-8 form")
        << QByteArrayLiteral("[\"\xC0\xAF\"]")
        << QStringLiteral("invalid UTF-8: byte 0xC0 cannot start a character") << at(1, 3, 2)
        << normalized("[\"\"]");
    QTest::newRow("a UTF-8 character cut short")
        << QByteArrayLiteral("[\"\xC3(\"]")
        << QStringLiteral("invalid UTF-8: byte 0x28 cannot continue the character that byte 0xC3 started")
        << at(1, 4, 3) << normalized("[\"\"]");
    QTest::newRow("a UTF-8 character cut by the closing quote")
        << QByteArrayLiteral("[\"\xE2\x82\"]")
        << QStringLiteral("invalid UTF-8: byte 0x22 cannot continue the character that byte 0xE2 started")
        << at(1, 4, 4) << normalized("[\"\"]");
    QTest::newRow("a surrogate encoded in UTF-8")
        << QByteArrayLiteral("[\"\xED\xA0\x80\"]")
        << QStringLiteral("invalid UTF-8: byte 0xA0 cannot continue the character that byte 0xED started")
        << at(1, 4, 3) << normalized("[\"\"]");
    QTest::newRow("a code point above U+10FFFF")
        << QByteArrayLiteral("[\"\xF4\x90\x80\x80\"]")
        << QStringLiteral("invalid UTF-8: byte 0x90 cannot continue the character that byte 0xF4 started")
        << at(1, 4, 3) << normalized("[\"\"]");
    QTest::newRow("a lone high surrogate")
        << QByteArrayLiteral("[\"\\uD83D\"]")
        << QStringLiteral(
               "the high surrogate \\uD83D must be followed by a \\u escape of its low half, found '\"'")
        << at(1, 9, 8) << normalized("[\"\"]");
    QTest::newRow("a lone low surrogate")
        << QByteArrayLiteral("[\"\\ude00\"]")
        << QStringLiteral("\\uDE00 is the low half of a surrogate pair without its high half") << at(1, 8, 7)
        << normalized("[\"\"]");
    QTest::newRow("a high surrogate before a letter")
        << QByteArrayLiteral("[\"\\uD83D\\u0041\"]")
        << QStringLiteral("\\u0041 follows the high surrogate \\uD83D but is not a low surrogate")
        << at(1, 14, 13) << normalized("[\"\"]");
    QTest::newRow("a high surrogate before a short escape")
        << QByteArrayLiteral("[\"\\uD83D\\n\"]")
        << QStringLiteral(
               "the high surrogate \\uD83D must be followed by a \\u escape of its low half, found 'n'")
        << at(1, 10, 9) << normalized("[\"\"]");
    QTest::newRow("a bad hex digit") << QByteArrayLiteral("[\"\\u12G4\"]")
                                     << QStringLiteral("expected a hex digit in a \\u escape, found 'G'")
                                     << at(1, 7, 6) << normalized("[\"\"]");
    QTest::newRow("a leading zero") << QByteArrayLiteral("[01]")
                                    << QStringLiteral(
                                           "a number must not start with 0 followed by another digit")
                                    << at(1, 3, 2) << normalized("[]");
    QTest::newRow("a negative leading zero")
        << QByteArrayLiteral("[-01]")
        << QStringLiteral("a number must not start with 0 followed by another digit") << at(1, 4, 3)
        << normalized("[]");
    QTest::newRow("a hex number") << QByteArrayLiteral("[0x1]")
                                  << QStringLiteral("expected ',' or ']' after an array element, found 'x'")
                                  << at(1, 3, 2) << normalized("[0]");
    QTest::newRow("a point without digits")
        << QByteArrayLiteral("[1.]") << QStringLiteral("expected a digit after the decimal point, found ']'")
        << at(1, 4, 3) << normalized("[]");
    QTest::newRow("a minus alone") << QByteArrayLiteral("[-]")
                                   << QStringLiteral("expected a digit after '-', found ']'") << at(1, 3, 2)
                                   << normalized("[]");
    QTest::newRow("an exponent without digits")
        << QByteArrayLiteral("[1e+]") << QStringLiteral("expected a digit in the exponent, found ']'")
        << at(1, 5, 4) << normalized("[]");
    QTest::newRow("a leading point") << QByteArrayLiteral("[.5]")
                                     << QStringLiteral("expected a value, found '.'") << at(1, 2, 1)
                                     << normalized("[]");
    QTest::newRow("a leading plus") << QByteArrayLiteral("[+1]")
                                    << QStringLiteral("expected a value, found '+'") << at(1, 2, 1)
                                    << normalized("[]");
    QTest::newRow("NaN") << QByteArrayLiteral("[NaN]") << QStringLiteral("expected a value, found 'N'")
                         << at(1, 2, 1) << normalized("[]");
    QTest::newRow("a comment") << QByteArrayLiteral("[// one\n1]")
                               << QStringLiteral("expected a value, found '/'") << at(1, 2, 1)
                               << normalized("[]");
    QTest::newRow("a number too large for a double")
        << QByteArrayLiteral("[1, 1e400]") << QStringLiteral("number out of range: 1e400") << at(1, 5, 4)
        << normalized("[1]");
    QTest::newRow("a literal cut short")
        << QByteArrayLiteral("[tru]") << QStringLiteral("expected 'true', found ']'") << at(1, 5, 4)
        << normalized("[]");
    QTest::newRow("a literal with a space in it")
        << QByteArrayLiteral("{\"a\": nul l}") << QStringLiteral("expected 'null', found a space")
        << at(1, 10, 9) << normalized("{}");
    QTest::newRow("a literal running on")
        << QByteArrayLiteral("[truex]")
        << QStringLiteral("expected ',' or ']' after an array element, found 'x'") << at(1, 6, 5)
        << normalized("[true]");
    QTest::newRow("a control byte between values")
        << QByteArrayLiteral("[1,\x01 2]") << QStringLiteral("expected a value, found byte 0x01")
        << at(1, 4, 3) << normalized("[1]");
    QTest::newRow("columns count characters")
        << QByteArrayLiteral("[\"\xC3\xA9\xE2\x82\xAC\", x]") << QStringLiteral("expected a value, found 'x'")
        << at(1, 8, 10) << normalized("[\"\xC3\xA9\xE2\x82\xAC\"]");
    QTest::newRow("columns count the characters of skipped prose")
        << QByteArrayLiteral("Voil\xC3\xA0 \xE2\x80\x94 {\"a\" 1}")
        << QStringLiteral("expected ':' after an object key, found '1'") << at(1, 14, 16) << normalized("{}");
    QTest::newRow("on the fifth line, after a fence")
        << QByteArrayLiteral("Here:\n```json\n{\n  \"a\": 1,\n  \"b\" 2\n}\n```")
        << QStringLiteral("expected ':' after an object key, found '2'") << at(5, 7, 32)
        << normalized("{\"a\": 1}");
}

void PartialJsonParserTest::failsAtTheFirstOffendingByte()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, message);
    QFETCH(QString, where);
    QFETCH(QString, snapshot);

    PartialJsonParser parser;
    parser.append(view(input));
    QVERIFY(parser.failed());
    QVERIFY(!parser.complete());
    QCOMPARE(parser.error()->code, Lathe::ErrorCode::Protocol);
    QCOMPARE(parser.error()->message, message);
    QCOMPARE(parser.error()->where, where);
    QCOMPARE(dumped(parser.snapshot()), snapshot);
    const QString difference = chunkingDifference(input);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void PartialJsonParserTest::ignoresInputAfterAnError()
{
    PartialJsonParser parser;
    parser.append("{\"a\": [1, \"b\"");
    parser.append(" 2, 3], \"c\": 4}");
    QVERIFY(parser.failed());
    const Lathe::Error first = *parser.error();
    QCOMPARE(first.where, QStringLiteral("line 1, column 15 (byte 14)"));
    QCOMPARE(dumped(parser.current()), normalized("{\"a\": [1, \"b\"]}"));
    QCOMPARE(parser.openPointer(), std::string("/a"));
    QVERIFY(!parser.isComplete("/a"));
    QVERIFY(parser.isComplete("/a/1"));

    parser.append("]}");
    QVERIFY(!parser.complete());
    QCOMPARE(parser.error()->message, first.message);
    QCOMPARE(parser.error()->where, first.where);
    QCOMPARE(dumped(parser.current()), normalized("{\"a\": [1, \"b\"]}"));
    QCOMPARE(parser.bytesConsumed(), qint64(14));
}

void PartialJsonParserTest::isCompleteFollowsTheOpenPath_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<bool>("complete");

    const QByteArray open = QByteArrayLiteral("{\"a\": [1, {\"b\": \"x");
    QTest::newRow("the open root") << open << QString() << false;
    QTest::newRow("an open array") << open << QStringLiteral("/a") << false;
    QTest::newRow("a number before the open element") << open << QStringLiteral("/a/0") << true;
    QTest::newRow("an open object") << open << QStringLiteral("/a/1") << false;
    QTest::newRow("the open string") << open << QStringLiteral("/a/1/b") << false;
    QTest::newRow("an element not there yet") << open << QStringLiteral("/a/2") << false;
    QTest::newRow("a member not there") << open << QStringLiteral("/c") << false;
    QTest::newRow("a child of a number") << open << QStringLiteral("/a/0/0") << false;
    QTest::newRow("an index with a leading zero") << open << QStringLiteral("/a/00") << false;
    QTest::newRow("the past-the-end index") << open << QStringLiteral("/a/-") << false;
    QTest::newRow("a pointer without a leading slash") << open << QStringLiteral("a") << false;

    const QByteArray siblings = QByteArrayLiteral("{\"ab\": 1, \"a/b\": {\"c\": [true]}, \"a\": {");
    QTest::newRow("a sibling whose key extends the open one") << siblings << QStringLiteral("/ab") << true;
    QTest::newRow("a key with an escaped slash") << siblings << QStringLiteral("/a~1b") << true;
    QTest::newRow("inside a key with an escaped slash") << siblings << QStringLiteral("/a~1b/c/0") << true;
    QTest::newRow("an unknown escape") << siblings << QStringLiteral("/a~2b") << false;
    QTest::newRow("a tilde at the end") << siblings << QStringLiteral("/a~") << false;
    QTest::newRow("the open member") << siblings << QStringLiteral("/a") << false;

    const QByteArray pending = QByteArrayLiteral("{\"a\": [], \"b\": 12");
    QTest::newRow("a closed empty array") << pending << QStringLiteral("/a") << true;
    QTest::newRow("a number that may grow is not there") << pending << QStringLiteral("/b") << false;

    const QByteArray done = QByteArrayLiteral("{\"a\": [1, {\"b\": \"x\"}]}\n```");
    QTest::newRow("the root once complete") << done << QString() << true;
    QTest::newRow("a string once complete") << done << QStringLiteral("/a/1/b") << true;
    QTest::newRow("no node once complete") << done << QStringLiteral("/a/2") << false;

    QTest::newRow("nothing before the start") << QByteArrayLiteral("```json\n") << QString() << false;
}

void PartialJsonParserTest::isCompleteFollowsTheOpenPath()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, pointer);
    QFETCH(bool, complete);

    PartialJsonParser parser;
    parser.append(view(input));
    QVERIFY(!parser.failed());
    QCOMPARE(parser.isComplete(pointer.toStdString()), complete);
}

void PartialJsonParserTest::handlesTenThousandLevelsOfNesting()
{
    constexpr int kDepth = 10'000;
    {
        const QByteArray input = QByteArray(kDepth, '[') + QByteArray(kDepth, ']');
        PartialJsonParser parser;
        for (qsizetype at = 0; at < kDepth; ++at)
            parser.append(view(input.mid(at, 1)));
        std::string deepest;
        for (int level = 1; level < kDepth; ++level)
            deepest += "/0";
        QCOMPARE(parser.openPointer(), deepest);
        QVERIFY(!parser.isComplete(deepest));
        QCOMPARE(depthOf(parser.current()), std::size_t(kDepth - 1));
        for (qsizetype at = kDepth; at < input.size(); ++at)
            parser.append(view(input.mid(at, 1)));
        QVERIFY(parser.complete());
        QVERIFY(parser.isComplete(deepest));
        QCOMPARE(depthOf(parser.current()), std::size_t(kDepth - 1));
        QCOMPARE(depthOf(parser.snapshot()), std::size_t(kDepth - 1));
    }
    {
        QByteArray input;
        for (int level = 0; level < kDepth; ++level)
            input += "{\"k\": ";
        input += "\"deep";
        PartialJsonParser parser;
        parser.append(view(input));
        std::string deepest;
        for (int level = 0; level < kDepth; ++level)
            deepest += "/k";
        QCOMPARE(parser.openPointer(), deepest);
        QCOMPARE(parser.openString(), PartialJsonParser::OpenString::Value);
        QVERIFY(parser.current().at(Json::json_pointer(deepest)) == "deep");
        parser.append("est\"" + std::string(kDepth, '}'));
        QVERIFY(parser.complete());
        QCOMPARE(depthOf(parser.current()), std::size_t(kDepth));
        QVERIFY(parser.current().at(Json::json_pointer(deepest)) == "deepest");
    }
}

void PartialJsonParserTest::snapshotCopiesDeepValuesExactly()
{
    // Deeper than the parser copies with nlohmann's recursive copy, with siblings of every kind
    // at every level, so the copy made without recursion is compared with current().
    constexpr int kDepth = 700;
    QByteArray input;
    for (int level = 0; level < kDepth; ++level)
        input +=
            "{\"list\": [1, -2.5, \"s\xC3\xA9\", {\"b\": null}, [true, {}]], \"text\": \"x\", \"next\": ";
    input += "[\"deepest\", 7]";
    input += QByteArray(kDepth, '}');
    const qsizetype cut = input.indexOf("deepest") + 4;

    PartialJsonParser parser;
    parser.append(view(input.left(cut)));
    QVERIFY(!parser.complete());
    QCOMPARE(depthOf(parser.snapshot()), std::size_t(kDepth + 2));
    QCOMPARE(dumped(parser.snapshot()), dumped(parser.current()));
    parser.append(view(input.mid(cut)));
    QVERIFY(parser.complete());
    QCOMPARE(dumped(parser.snapshot()), dumped(Json::parse(view(input))));
}

void PartialJsonParserTest::resetStartsAFreshStream()
{
    PartialJsonParser parser;
    parser.append("prose\n[1, \"a\"]\ntrailing");
    parser.reset();
    QVERIFY(!parser.started());
    QVERIFY(!parser.complete());
    QVERIFY(parser.current().is_null());
    QCOMPARE(parser.bytesConsumed(), qint64(0));
    QCOMPARE(parser.bytesSkipped(), qint64(0));
    QCOMPARE(parser.bytesIgnored(), qint64(0));

    parser.append("{\"x\": [1 1]}");
    QCOMPARE(parser.error()->where, QStringLiteral("line 1, column 10 (byte 9)"));
    parser.reset();
    QVERIFY(!parser.failed());
    parser.append("{\"x\": ");
    parser.append("\"y\"}");
    QVERIFY(parser.complete());
    QCOMPARE(dumped(parser.current()), normalized("{\"x\": \"y\"}"));
}

QTEST_GUILESS_MAIN(PartialJsonParserTest)
#include "tst_partialjsonparser.moc"
