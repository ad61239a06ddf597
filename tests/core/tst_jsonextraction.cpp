// SPDX-License-Identifier: GPL-3.0-or-later
#include <string_view>

#include <QElapsedTimer>
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "schema/JsonExtraction.h"

using Lathe::ErrorCode;
using Lathe::Schema::describeFix;
using Lathe::Schema::ExtractedJson;
using Lathe::Schema::extractJson;
using Lathe::Schema::extractJsonCandidates;
using Lathe::Schema::fixKindName;
using Lathe::Schema::JsonCandidate;
using Lathe::Schema::kMaxJsonNesting;
using Lathe::Schema::RepairFix;

namespace
{

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

QString sourceName(JsonCandidate::Source source)
{
    switch (source) {
    case JsonCandidate::Source::WholeText:
        return QStringLiteral("whole");
    case JsonCandidate::Source::FencedBlock:
        return QStringLiteral("fenced");
    case JsonCandidate::Source::EmbeddedSpan:
        return QStringLiteral("embedded");
    }
    return {};
}

/** "fenced: {...}", with "~" after the source when the candidate is unterminated. */
QString describe(const QByteArray &text, const JsonCandidate &candidate)
{
    return sourceName(candidate.source) + (candidate.terminated ? QString() : QStringLiteral("~")) +
           QStringLiteral(": ") +
           QString::fromUtf8(text.mid(static_cast<qsizetype>(candidate.begin),
                                      static_cast<qsizetype>(candidate.end - candidate.begin)));
}

QStringList candidatesOf(const QByteArray &text)
{
    QStringList described;
    for (const JsonCandidate &candidate : extractJsonCandidates(view(text)))
        described.append(describe(text, candidate));
    return described;
}

QString dumped(const nlohmann::json &value)
{
    return QString::fromStdString(value.dump());
}

QString errorText(const Lathe::Result<ExtractedJson> &result)
{
    if (result)
        return QStringLiteral("no error: ") + dumped(result->value);
    return result.error().message + QStringLiteral(" @ ") + result.error().where;
}

} // namespace

class JsonExtractionTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsCandidates_data();
    void findsCandidates();
    void candidateOffsetsAreBytes();
    void picksTheBestCandidate_data();
    void picksTheBestCandidate();
    void placesFixesInTheWholeAnswer();
    void namesTheBestCandidatesFailure_data();
    void namesTheBestCandidatesFailure();
    void refusesDeepNestingWithoutRecursing();
    void extractsFromTenMegabytesInLinearTime();
};

void JsonExtractionTest::findsCandidates_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("candidates");

    // The whole text as one value.
    QTest::newRow("whole object") << QByteArrayLiteral("{\"a\": 1}")
                                  << QStringList{QStringLiteral("whole: {\"a\": 1}")};
    QTest::newRow("whole array, whitespace around it is not in the span")
        << QByteArrayLiteral("\n  [1, 2]\n\n") << QStringList{QStringLiteral("whole: [1, 2]")};
    QTest::newRow("whole number") << QByteArrayLiteral("42") << QStringList{QStringLiteral("whole: 42")};
    QTest::newRow("whole string") << QByteArrayLiteral(" \"x\"\n")
                                  << QStringList{QStringLiteral("whole: \"x\"")};
    QTest::newRow("whole literal") << QByteArrayLiteral("true\n")
                                   << QStringList{QStringLiteral("whole: true")};
    QTest::newRow("whole text cut off")
        << QByteArrayLiteral("{\"a\": [1, ") << QStringList{QStringLiteral("whole~: {\"a\": [1, ")};
    QTest::newRow("whole text of broken JSON")
        << QByteArrayLiteral("{'a': 1,}") << QStringList{QStringLiteral("whole: {'a': 1,}")};
    QTest::newRow("byte order mark before a whole value")
        << QByteArrayLiteral("\xEF\xBB\xBF{\"a\": 1}") << QStringList{QStringLiteral("whole: {\"a\": 1}")};
    QTest::newRow("a fence inside a JSON string stays in the whole value")
        << QByteArrayLiteral("{\"code\": \"```python\\nprint(1)\\n```\"}")
        << QStringList{QStringLiteral("whole: {\"code\": \"```python\\nprint(1)\\n```\"}")};

    // Fenced code blocks.
    QTest::newRow("prose and a json fence")
        << QByteArrayLiteral("Here is the JSON:\n```json\n{\"a\": 1}\n```\nDone.")
        << QStringList{QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("two fences") << QByteArrayLiteral(
                                       "First:\n```json\n{\"a\": 1}\n```\nSecond:\n```json\n[2]\n```\n")
                                << QStringList{QStringLiteral("fenced: {\"a\": 1}"),
                                               QStringLiteral("fenced: [2]")};
    QTest::newRow("fence without a language")
        << QByteArrayLiteral("```\n{\"a\": 1}\n```") << QStringList{QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("tilde fence") << QByteArrayLiteral("~~~json\n{\"a\": 1}\n~~~")
                                 << QStringList{QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("JSON in capitals and jsonc")
        << QByteArrayLiteral("```JSON\n[1]\n```\n```jsonc\n[2] // two\n```")
        << QStringList{QStringLiteral("fenced: [1]"), QStringLiteral("fenced: [2] // two")};
    QTest::newRow("a longer fence holds a shorter one")
        << QByteArrayLiteral("````markdown\n```json\n{}\n```\n````")
        << QStringList{QStringLiteral("fenced: ```json\n{}\n```")};
    QTest::newRow("a tilde line does not close a backtick fence")
        << QByteArrayLiteral("```\n[1,\n~~~\n2]\n```") << QStringList{QStringLiteral("fenced: [1,\n~~~\n2]")};
    QTest::newRow("indented fence in a list")
        << QByteArrayLiteral("1. The result:\n   ```json\n   {\"a\": 1}\n   ```\n2. Done")
        << QStringList{QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("CRLF fence") << QByteArrayLiteral("Sure:\r\n```json\r\n{\"a\": 1}\r\n```\r\n")
                                << QStringList{QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("unterminated fence runs to the end, untrimmed")
        << QByteArrayLiteral("Sure:\n```json\n  {\"a\": [1, \"b ")
        << QStringList{QStringLiteral("fenced~: {\"a\": [1, \"b ")};
    QTest::newRow("empty fence gives nothing") << QByteArrayLiteral("```json\n\n```") << QStringList();
    QTest::newRow("inline triple backticks are no fence")
        << QByteArrayLiteral("Result: ```json {\"a\": 1}```")
        << QStringList{QStringLiteral("embedded: {\"a\": 1}")};

    // Spans in prose.
    QTest::newRow("JSON after prose") << QByteArrayLiteral("Here is the JSON:\n{\n  \"a\": 1\n}\n")
                                      << QStringList{QStringLiteral("embedded: {\n  \"a\": 1\n}")};
    QTest::newRow("braces inside strings do not count")
        << QByteArrayLiteral("Result: {\"a\": \"}{][\", \"b\": 1} done")
        << QStringList{QStringLiteral("embedded: {\"a\": \"}{][\", \"b\": 1}")};
    QTest::newRow("escaped quotes inside strings")
        << QByteArrayLiteral("Result: {\"a\": \"say \\\"}\\\"\"} end")
        << QStringList{QStringLiteral("embedded: {\"a\": \"say \\\"}\\\"\"}")};
    QTest::newRow("brackets inside single-quoted strings do not count")
        << QByteArrayLiteral("Result: {'a': '}', 'b': [']']} ok")
        << QStringList{QStringLiteral("embedded: {'a': '}', 'b': [']']}")};
    QTest::newRow("apostrophes in prose open no string")
        << QByteArrayLiteral("Here's what I'd send: {\"a\": \"it's\", note: don't} and that's it.")
        << QStringList{QStringLiteral("embedded: {\"a\": \"it's\", note: don't}")};
    QTest::newRow("array in prose") << QByteArrayLiteral("The ids are [1, 2, 3].")
                                    << QStringList{QStringLiteral("embedded: [1, 2, 3]")};
    QTest::newRow("nested spans are one candidate")
        << QByteArrayLiteral("x {\"a\": {\"b\": [1, {\"c\": 2}]}} y")
        << QStringList{QStringLiteral("embedded: {\"a\": {\"b\": [1, {\"c\": 2}]}}")};
    QTest::newRow("two spans in prose")
        << QByteArrayLiteral("first {\"a\": 1} then [2]")
        << QStringList{QStringLiteral("embedded: {\"a\": 1}"), QStringLiteral("embedded: [2]")};
    QTest::newRow("span cut off at the end")
        << QByteArrayLiteral("Result: {\"a\": [1, {\"b\": ")
        << QStringList{QStringLiteral("embedded~: {\"a\": [1, {\"b\": ")};
    QTest::newRow("span still open where a fence starts ends there")
        << QByteArrayLiteral("Oops { \n```json\n{\"a\": 1}\n```")
        << QStringList{QStringLiteral("embedded~: { \n"), QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("a stray bracket at the start does not swallow a fence")
        << QByteArrayLiteral("{ hmm\n```json\n{\"a\": 1}\n```")
        << QStringList{QStringLiteral("embedded~: { hmm\n"), QStringLiteral("fenced: {\"a\": 1}")};
    QTest::newRow("prose, fence and prose in text order")
        << QByteArrayLiteral("See [1].\n```json\n{\"a\": 1}\n```\nAlso {x}.")
        << QStringList{QStringLiteral("embedded: [1]"), QStringLiteral("fenced: {\"a\": 1}"),
                       QStringLiteral("embedded: {x}")};
    QTest::newRow("a bare number in prose is no candidate")
        << QByteArrayLiteral("The answer is 42.") << QStringList();
    QTest::newRow("a quoted string in prose is no candidate")
        << QByteArrayLiteral("It said \"yes\" twice.") << QStringList();
    QTest::newRow("prose only") << QByteArrayLiteral("No JSON here.") << QStringList();
    QTest::newRow("empty text") << QByteArray() << QStringList();
    QTest::newRow("only whitespace") << QByteArrayLiteral(" \n\t ") << QStringList();
}

void JsonExtractionTest::findsCandidates()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, candidates);

    QCOMPARE(candidatesOf(text), candidates);
}

void JsonExtractionTest::candidateOffsetsAreBytes()
{
    // "à" is 2 bytes, "😀" 4 and "—" 3: 22 bytes before the fence line, 15 characters.
    const QByteArray text = QByteArrayLiteral("Voil\xC3\xA0 \xF0\x9F\x98\x80 \xE2\x80\x94 here:\n"
                                              "```json\n{\"a\": \"\xC3\xA9\"}\n```\nand {\"b\": 2}");
    const auto candidates = extractJsonCandidates(view(text));
    QCOMPARE(candidates.size(), std::size_t(2));

    QCOMPARE(candidates[0].source, JsonCandidate::Source::FencedBlock);
    QCOMPARE(candidates[0].begin, std::size_t(22 + 8));
    QCOMPARE(candidates[0].end, std::size_t(22 + 8 + 11));
    QVERIFY(candidates[0].terminated);

    QCOMPARE(candidates[1].source, JsonCandidate::Source::EmbeddedSpan);
    QCOMPARE(candidates[1].begin, static_cast<std::size_t>(text.lastIndexOf('{')));
    QCOMPARE(candidates[1].end, static_cast<std::size_t>(text.size()));
    QVERIFY(candidates[1].terminated);
}

void JsonExtractionTest::picksTheBestCandidate_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected"); // strict JSON
    QTest::addColumn<QString>("source");
    QTest::addColumn<QStringList>("fixes");
    QTest::addColumn<int>("candidateCount");

    const QString whole = QStringLiteral("whole");
    const QString fenced = QStringLiteral("fenced");
    const QString embedded = QStringLiteral("embedded");
    const QString singleQuoted = QStringLiteral("single_quoted_string");
    const QString trailingComma = QStringLiteral("trailing_comma");
    const QString closed = QStringLiteral("truncation_closed");

    QTest::newRow("the whole text") << QByteArrayLiteral(" {\"a\": 1} ") << QByteArrayLiteral("{\"a\": 1}")
                                    << whole << QStringList() << 1;
    QTest::newRow("a whole scalar") << QByteArrayLiteral("42") << QByteArrayLiteral("42") << whole
                                    << QStringList() << 1;
    QTest::newRow("a fence before spans in prose")
        << QByteArrayLiteral("Example: {\"x\": 0}\n```json\n{\"a\": 1}\n```")
        << QByteArrayLiteral("{\"a\": 1}") << fenced << QStringList() << 2;
    QTest::newRow("a strict fence before an earlier repaired one")
        << QByteArrayLiteral("```json\n{'a': 1}\n```\n```json\n{\"a\": 2}\n```")
        << QByteArrayLiteral("{\"a\": 2}") << fenced << QStringList() << 2;
    QTest::newRow("a repaired fence when none is strict")
        << QByteArrayLiteral("```\n{'a': 1,}\n```") << QByteArrayLiteral("{\"a\": 1}") << fenced
        << QStringList{singleQuoted, trailingComma} << 1;
    QTest::newRow("an object before a scalar")
        << QByteArrayLiteral("```\n42\n```\n```json\n{'a': 1}\n```") << QByteArrayLiteral("{\"a\": 1}")
        << fenced << QStringList{singleQuoted} << 2;
    QTest::newRow("the first of equal fences")
        << QByteArrayLiteral("```json\n{\"a\": 1}\n```\n```json\n{\"a\": 2}\n```")
        << QByteArrayLiteral("{\"a\": 1}") << fenced << QStringList() << 2;
    QTest::newRow("a scalar fence when nothing else reads")
        << QByteArrayLiteral("```\n\"ok\"\n```\nnot {json}") << QByteArrayLiteral("\"ok\"") << fenced
        << QStringList() << 2;
    QTest::newRow("prose when no fence reads")
        << QByteArrayLiteral("```python\nprint('hi')\n```\nResult: {\"a\": 1}")
        << QByteArrayLiteral("{\"a\": 1}") << embedded << QStringList() << 2;
    QTest::newRow("the longest span in prose beats a citation")
        << QByteArrayLiteral("According to [1], the answer is {\"a\": 1, \"b\": [2, 3]}.")
        << QByteArrayLiteral("{\"a\": 1, \"b\": [2, 3]}") << embedded << QStringList() << 2;
    QTest::newRow("a cut-off answer in prose beats a strict citation")
        << QByteArrayLiteral("See [1]. Answer: {\"a\": 1, \"b\": [2,")
        << QByteArrayLiteral("{\"a\": 1, \"b\": [2]}") << embedded
        << QStringList{trailingComma, closed, closed} << 2;
    QTest::newRow("a strict span beats a repaired one as long")
        << QByteArrayLiteral("{'a': 1} or {\"a\": 2}") << QByteArrayLiteral("{\"a\": 2}") << embedded
        << QStringList() << 2;
    QTest::newRow("a cut-off fence") << QByteArrayLiteral("Sure:\n```json\n{\"a\": \"hel")
                                     << QByteArrayLiteral("{\"a\": \"hel\"}") << fenced
                                     << QStringList{closed, closed} << 1;
}

void JsonExtractionTest::picksTheBestCandidate()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    QFETCH(QString, source);
    QFETCH(QStringList, fixes);
    QFETCH(int, candidateCount);

    const auto result = extractJson(view(text));
    QVERIFY2(result, qPrintable(errorText(result)));
    QCOMPARE(dumped(result->value), dumped(nlohmann::json::parse(view(expected))));
    QCOMPARE(sourceName(result->candidate.source), source);
    QStringList kinds;
    for (const RepairFix &fix : result->fixes)
        kinds.append(fixKindName(fix.kind));
    QCOMPARE(kinds, fixes);
    QCOMPARE(result->repaired, !fixes.isEmpty());
    QCOMPARE(result->candidateCount, candidateCount);
}

void JsonExtractionTest::placesFixesInTheWholeAnswer()
{
    const QByteArray text =
        QByteArrayLiteral("Sure! Here it is \xF0\x9F\x98\x80:\n```json\n{\n  'a': 1,\n}\n```\n");
    const auto result = extractJson(view(text));
    QVERIFY2(result, qPrintable(errorText(result)));
    QCOMPARE(result->candidate.begin, static_cast<std::size_t>(text.indexOf('{')));
    QCOMPARE(result->candidate.end, static_cast<std::size_t>(text.indexOf('}') + 1));
    QStringList described;
    for (const RepairFix &fix : result->fixes)
        described.append(describeFix(fix));
    QCOMPARE(described,
             (QStringList{QStringLiteral("line 4, column 3: changed a single-quoted string to double quotes"),
                          QStringLiteral("line 4, column 9: removed a trailing comma")}));
    QCOMPARE(result->fixes[0].offset, static_cast<std::size_t>(text.indexOf('\'')));
    QCOMPARE(result->fixes[1].offset, static_cast<std::size_t>(text.lastIndexOf(',')));
}

void JsonExtractionTest::namesTheBestCandidatesFailure_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("where");

    const QString none =
        QStringLiteral("expected JSON in the answer (a code block, a {...} or [...], or a JSON value "
                       "as the whole answer), found none");
    QTest::newRow("no candidate") << QByteArrayLiteral("I cannot help with that.") << none << QString();
    QTest::newRow("empty answer") << QByteArray() << none << QString();
    QTest::newRow("one fence that cannot be read")
        << QByteArrayLiteral("Here:\n```json\n{\"a\" 1}\n```")
        << QStringLiteral("expected ':' after the member name, found '1' (in a code block)")
        << QStringLiteral("line 3, column 6 (byte 19)");
    QTest::newRow("the fence is the best of several")
        << QByteArrayLiteral("Use {name}.\n```json\n{\"a\": NaN}\n```")
        << QStringLiteral("expected a value after ':', found 'NaN': JSON has no NaN or Infinity "
                          "(in a code block; none of the 2 candidates could be read)")
        << QStringLiteral("line 3, column 7 (byte 26)");
    QTest::newRow("the longest span in prose is the best")
        << QByteArrayLiteral("Use {x} in\n\xF0\x9F\x98\x80 {\"a\": tru, \"b\": 1}")
        << QStringLiteral("expected a value after ':', found 'tru' (in a bracketed span in the prose; none "
                          "of the 2 candidates "
                          "could be read)")
        << QStringLiteral("line 2, column 9 (byte 22)");
    QTest::newRow("the whole answer")
        << QByteArrayLiteral("\n{\"a\": [1 2]}")
        << QStringLiteral("expected ',' or ']' after the element, found '2' (in the whole answer)")
        << QStringLiteral("line 2, column 10 (byte 10)");
}

void JsonExtractionTest::namesTheBestCandidatesFailure()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    QFETCH(QString, where);

    const auto result = extractJson(view(text));
    QVERIFY2(!result, qPrintable(errorText(result)));
    QCOMPARE(result.error().code, ErrorCode::Protocol);
    QCOMPARE(result.error().message, message);
    QCOMPARE(result.error().where, where);
}

void JsonExtractionTest::refusesDeepNestingWithoutRecursing()
{
    constexpr int kDeep = 10000;
    const QByteArray text = QByteArrayLiteral("Here:\n```json\n") + QByteArray(kDeep, '[') +
                            QByteArray(kDeep, ']') + QByteArrayLiteral("\n```\n");
    const auto candidates = extractJsonCandidates(view(text));
    QCOMPARE(candidates.size(), std::size_t(1));
    QCOMPARE(candidates[0].end - candidates[0].begin, std::size_t(2 * kDeep));

    const auto result = extractJson(view(text));
    QVERIFY(!result);
    QCOMPARE(result.error().message,
             QStringLiteral("expected at most 1000 levels of nested arrays and objects (in a code block)"));
    QCOMPARE(
        result.error().where,
        QStringLiteral("line 3, column %1 (byte %2)").arg(kMaxJsonNesting + 1).arg(14 + kMaxJsonNesting));

    const QByteArray prose = QByteArrayLiteral("Deep: ") + QByteArray(kDeep, '[');
    const auto spans = extractJsonCandidates(view(prose));
    QCOMPARE(spans.size(), std::size_t(1));
    QVERIFY(!spans[0].terminated);
}

void JsonExtractionTest::extractsFromTenMegabytesInLinearTime()
{
    // Prose full of spans that fail to read ({name} placeholders) and strict citations, then the
    // answer cut off in its code block: every candidate is tried, each once.
    const QByteArray paragraph = QByteArrayLiteral(
        "Fill in {name} and {place}, as shown in [1] and [2]; the rest of this line is plain prose.\n");
    const auto extractionOf = [&paragraph](int paragraphs, qint64 &elapsedMs) {
        const QByteArray text =
            paragraph.repeated(paragraphs) + QByteArrayLiteral("```json\n{\"items\": [1, 2, 3,");
        QElapsedTimer timer;
        timer.start();
        auto result = extractJson(view(text));
        elapsedMs = timer.elapsed();
        return result;
    };

    const int smallParagraphs = 1024 * 1024 / static_cast<int>(paragraph.size());
    const int largeParagraphs = 10 * smallParagraphs;
    qint64 smallMs = 0;
    qint64 largeMs = 0;
    const auto small = extractionOf(smallParagraphs, smallMs);
    const auto large = extractionOf(largeParagraphs, largeMs);
    QVERIFY2(small && large, qPrintable(errorText(large)));
    QCOMPARE(dumped(large->value), QStringLiteral("{\"items\":[1,2,3]}"));
    QCOMPARE(large->candidate.source, JsonCandidate::Source::FencedBlock);
    QCOMPARE(large->candidateCount, 4 * largeParagraphs + 1);
    QCOMPARE(large->fixes.back().line, largeParagraphs + 2);
    // Ten times the text may take ten times as long; quadratic work would take a hundred.
    QVERIFY2(largeMs <= 40 * std::max<qint64>(smallMs, 25),
             qPrintable(QStringLiteral("1 MB: %1 ms, 10 MB: %2 ms").arg(smallMs).arg(largeMs)));
    qInfo("extraction: 1 MB in %lld ms, 10 MB in %lld ms", static_cast<long long>(smallMs),
          static_cast<long long>(largeMs));
}

QTEST_GUILESS_MAIN(JsonExtractionTest)
#include "tst_jsonextraction.moc"
