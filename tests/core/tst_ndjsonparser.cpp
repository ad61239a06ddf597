// SPDX-License-Identifier: GPL-3.0-or-later
#include <optional>
#include <vector>

#include <QByteArrayList>
#include <QStringList>
#include <QTest>

#include "Chunkings.h"
#include "VisibleText.h"
#include "http/NdjsonParser.h"

using Lathe::ErrorCode;
using Lathe::Http::NdjsonLine;
using Lathe::Http::NdjsonParser;
using Lathe::TestSupport::chunkingMismatch;
using Lathe::TestSupport::ChunkingOptions;
using Lathe::TestSupport::visibleText;

namespace
{

// Lines are raw bytes; Latin-1 shows every byte as one character, so a test sees exactly which
// bytes a line kept (a UTF-8 sequence shows as its bytes, an invalid byte as itself).
QString describe(qint64 lineNumber, qint64 byteOffset, const QByteArray &bytes)
{
    return QStringLiteral("%1@%2|").arg(lineNumber).arg(byteOffset) + visibleText(QString::fromLatin1(bytes));
}

/** An expected line: its number, its content, and where it starts, found by `anchor`. */
struct Expect
{
    qint64 lineNumber;
    QByteArray bytes;
    const char *anchor; ///< occurs exactly once in the input, at the line's first byte
};

QStringList expectedLines(const QByteArray &input, const QList<Expect> &lines)
{
    QStringList result;
    for (const Expect &line : lines) {
        const qsizetype offset = input.indexOf(line.anchor);
        if (offset < 0 || input.indexOf(line.anchor, offset + 1) >= 0)
            qFatal("anchor \"%s\" must occur exactly once in the row's input", line.anchor);
        result.append(describe(line.lineNumber, offset, line.bytes));
    }
    return result;
}

/** Everything observable about splitting one whole stream. */
struct Outcome
{
    QStringList lines;
    std::optional<Lathe::Error> error; // the first failure; nothing more is fed after it

    QString toString() const
    {
        QStringList parts = lines;
        if (error) {
            parts.append(QStringLiteral("error: ") + Lathe::errorCodeName(error->code) + QLatin1Char(' ') +
                         error->message + QStringLiteral(" @ ") + error->where);
        }
        return parts.join(QLatin1Char('\n'));
    }
};

Outcome split(const QByteArrayList &chunks, qsizetype maxLineBytes = NdjsonParser::kDefaultMaxLineBytes)
{
    NdjsonParser parser(maxLineBytes);
    Outcome outcome;
    std::vector<NdjsonLine> lines;
    for (const QByteArray &chunk : chunks) {
        if (const auto fed = parser.feed(chunk, lines); !fed) {
            outcome.error = fed.error();
            break;
        }
    }
    if (!outcome.error) {
        if (const auto finished = parser.finish(lines); !finished)
            outcome.error = finished.error();
    }
    for (const NdjsonLine &line : lines)
        outcome.lines.append(describe(line.lineNumber, line.byteOffset, line.bytes));
    return outcome;
}

// Besides whole, byte at a time and every split: empty chunks around every byte, and random
// chunkings of 0-8 bytes (fixed seed), which mix empty chunks in everywhere else.
const ChunkingOptions kChunkings{
    .emptyChunksAroundBytes = true, .randomRounds = 25, .minRandomChunk = 0, .maxRandomChunk = 8};

QString chunkingDifference(const QByteArray &input, qsizetype maxLineBytes)
{
    return chunkingMismatch(
        input,
        [maxLineBytes](const QByteArrayList &chunks) { return split(chunks, maxLineBytes).toString(); },
        kChunkings);
}

QString tooLong(qint64 lineNumber, qsizetype limit, qint64 offset)
{
    return QStringLiteral("error: protocol line %1 is longer than %2 bytes @ stream byte %3")
        .arg(lineNumber)
        .arg(limit)
        .arg(offset);
}

} // namespace

class NdjsonParserTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitsIdenticallyForEveryChunking_data();
    void splitsIdenticallyForEveryChunking();
    void lineLimitFailsIdenticallyForEveryChunking_data();
    void lineLimitFailsIdenticallyForEveryChunking();
    void staysFailedAfterTheLimit();
    void defaultLimitIs32MiBOfContent();
    void countsBytesConsumed();
};

void NdjsonParserTest::splitsIdenticallyForEveryChunking_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("lines");

    {
        const QByteArray input = QByteArrayLiteral("{\"a\":1}\n{\"b\":2}\n");
        QTest::newRow("LF lines") << input
                                  << expectedLines(input,
                                                   {{1, "{\"a\":1}", "{\"a\""}, {2, "{\"b\":2}", "{\"b\""}});
    }
    {
        const QByteArray input = QByteArrayLiteral("{\"a\":1}\r\n{\"b\":2}\r\n");
        QTest::newRow("CRLF lines") << input
                                    << expectedLines(
                                           input, {{1, "{\"a\":1}", "{\"a\""}, {2, "{\"b\":2}", "{\"b\""}});
    }
    {
        const QByteArray input = QByteArrayLiteral("[1]\r\n[2]\n[3]\r\n");
        QTest::newRow("LF and CRLF mixed")
            << input << expectedLines(input, {{1, "[1]", "[1]"}, {2, "[2]", "[2]"}, {3, "[3]", "[3]"}});
    }
    {
        const QByteArray input = QByteArrayLiteral("\n[1]\n\r\n  \t \n\n[2]\n \r\n");
        QTest::newRow("blank lines are skipped but counted")
            << input << expectedLines(input, {{2, "[1]", "[1]"}, {6, "[2]", "[2]"}});
    }
    {
        const QByteArray input = QByteArrayLiteral("[1]\n{\"done\":true}");
        QTest::newRow("final line without newline comes from finish")
            << input << expectedLines(input, {{1, "[1]", "[1]"}, {2, "{\"done\":true}", "{\"done\""}});
    }
    {
        const QByteArray input = QByteArrayLiteral("[1]\n[2]\r");
        QTest::newRow("final line ending in a lone CR loses it")
            << input << expectedLines(input, {{1, "[1]", "[1]"}, {2, "[2]", "[2]"}});
    }
    {
        const QByteArray input = QByteArrayLiteral("[1,\r2]\n[3]\r\r\n");
        QTest::newRow("a CR that ends no line stays in the line")
            << input << expectedLines(input, {{1, "[1,\r2]", "[1,"}, {2, "[3]\r", "[3]"}});
    }
    {
        const QByteArray input = QByteArrayLiteral("  {\"x\": 1}  \n");
        QTest::newRow("spaces around the JSON are kept")
            << input << expectedLines(input, {{1, "  {\"x\": 1}  ", "  {"}});
    }
    {
        // "é" (2 bytes), "€" (3 bytes), "😀" (4 bytes): split anywhere, a line still holds all of
        // them; an invalid byte and a NUL are handed on as they are for the JSON parser to judge.
        const QByteArray input =
            QByteArrayLiteral("[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]\n[\"\xFF\"]\n[3,\"\0\"]\n");
        QTest::newRow("bytes stay raw")
            << input
            << expectedLines(input, {{1, "[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]", "[\"\xC3"},
                                     {2, "[\"\xFF\"]", "[\"\xFF"},
                                     {3, QByteArrayLiteral("[3,\"\0\"]"), "[3,"}});
    }
    QTest::newRow("empty stream") << QByteArray() << QStringList();
    QTest::newRow("only line ends") << QByteArrayLiteral("\n\r\n\n") << QStringList();
    QTest::newRow("only a CR") << QByteArrayLiteral("\r") << QStringList();
    {
        // Recorded from Ollama 0.9 (timestamps shortened): what the protocol decoder is fed.
        const QByteArray input =
            QByteArrayLiteral("{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.1Z\",\"message\":"
                              "{\"role\":\"assistant\","
                              "\"content\":\"Hi\"},\"done\":false}\n"
                              "{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.2Z\",\"message\":"
                              "{\"role\":\"assistant\","
                              "\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"eval_count\":1}\n");
        QTest::newRow("Ollama stream")
            << input
            << expectedLines(input, {{1,
                                      "{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.1Z\","
                                      "\"message\":{\"role\":"
                                      "\"assistant\",\"content\":\"Hi\"},\"done\":false}",
                                      "{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.1Z\""},
                                     {2,
                                      "{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.2Z\","
                                      "\"message\":{\"role\":"
                                      "\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":"
                                      "true,\"eval_count\":1}",
                                      "{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.2Z\""}});
    }
}

void NdjsonParserTest::splitsIdenticallyForEveryChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, lines);

    const Outcome whole = split({input});
    QVERIFY2(!whole.error, qPrintable(whole.toString()));
    QCOMPARE(whole.lines, lines);
    const QString difference = chunkingDifference(input, NdjsonParser::kDefaultMaxLineBytes);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void NdjsonParserTest::lineLimitFailsIdenticallyForEveryChunking_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("outcome");

    // A limit of 8 bytes, not counting the line end.
    QTest::newRow("8 bytes and LF fit")
        << QByteArrayLiteral("[1,2,34]\n[5]\n") << QStringLiteral("1@0|[1,2,34]\n2@9|[5]");
    QTest::newRow("8 bytes and CRLF fit")
        << QByteArrayLiteral("[1,2,34]\r\n[5]\r\n") << QStringLiteral("1@0|[1,2,34]\n2@10|[5]");
    QTest::newRow("8 bytes without a newline fit")
        << QByteArrayLiteral("[1]\n[1,2,34]") << QStringLiteral("1@0|[1]\n2@4|[1,2,34]");
    QTest::newRow("8 bytes and a final CR fit")
        << QByteArrayLiteral("[1]\n[1,2,34]\r") << QStringLiteral("1@0|[1]\n2@4|[1,2,34]");
    QTest::newRow("9 bytes fail, naming the line and where it starts")
        << QByteArrayLiteral("[1]\n\n[1,2,345]\n[6]\n") << QStringLiteral("1@0|[1]\n") + tooLong(3, 8, 5);
    QTest::newRow("9 bytes fail without a newline")
        << QByteArrayLiteral("[1]\n[1,2,345]") << QStringLiteral("1@0|[1]\n") + tooLong(2, 8, 4);
    QTest::newRow("8 bytes then a CR that ends nothing fail")
        << QByteArrayLiteral("[1,2,34]\rx\n") << tooLong(1, 8, 0);
    QTest::newRow("8 bytes then CR CR LF fail") << QByteArrayLiteral("[1,2,34]\r\r\n") << tooLong(1, 8, 0);
    QTest::newRow("a blank line counts too")
        << QByteArrayLiteral("[1]\n         \n") << QStringLiteral("1@0|[1]\n") + tooLong(2, 8, 4);
}

void NdjsonParserTest::lineLimitFailsIdenticallyForEveryChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, outcome);

    constexpr qsizetype kLimit = 8;
    QCOMPARE(split({input}, kLimit).toString(), outcome);
    const QString difference = chunkingDifference(input, kLimit);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void NdjsonParserTest::staysFailedAfterTheLimit()
{
    NdjsonParser parser(4);
    std::vector<NdjsonLine> lines;
    const auto first = parser.feed("[1]\n[1,2,3]\n[4]\n", lines);
    QVERIFY(!first);
    QCOMPARE(lines.size(), std::size_t(1));
    QCOMPARE(first.error().code, ErrorCode::Protocol);
    QCOMPARE(first.error().where, QStringLiteral("stream byte 4"));

    const auto again = parser.feed("[5]\n", lines);
    QVERIFY(!again);
    QCOMPARE(again.error().message, first.error().message);
    QCOMPARE(again.error().where, first.error().where);
    const auto finished = parser.finish(lines);
    QVERIFY(!finished);
    QCOMPARE(finished.error().where, first.error().where);
    QCOMPARE(lines.size(), std::size_t(1)); // nothing after the failure is handed out
}

void NdjsonParserTest::defaultLimitIs32MiBOfContent()
{
    QCOMPARE(NdjsonParser::kDefaultMaxLineBytes, qsizetype(32 * 1024 * 1024));
    const QByteArray full(NdjsonParser::kDefaultMaxLineBytes, ' ');
    const QByteArray megabyte(1024 * 1024, 'x');

    {
        // Exactly the limit, arriving a mebibyte at a time, then CRLF: fits.
        NdjsonParser parser;
        std::vector<NdjsonLine> lines;
        for (qsizetype at = 0; at < full.size(); at += megabyte.size())
            QVERIFY(parser.feed(QByteArrayView(megabyte), lines));
        QVERIFY(parser.feed("\r", lines));
        QVERIFY(parser.feed("\n[1]\n", lines));
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(lines[0].bytes.size(), NdjsonParser::kDefaultMaxLineBytes);
        QCOMPARE(lines[1].byteOffset, NdjsonParser::kDefaultMaxLineBytes + 2);
    }
    {
        // One byte more fails as soon as it arrives, before any line end.
        NdjsonParser parser;
        std::vector<NdjsonLine> lines;
        QVERIFY(parser.feed("[0]\n", lines));
        QVERIFY(parser.feed(QByteArrayView(full), lines));
        const auto fed = parser.feed("x", lines);
        QVERIFY(!fed);
        QCOMPARE(fed.error().message, QStringLiteral("line 2 is longer than 33554432 bytes"));
        QCOMPARE(fed.error().where, QStringLiteral("stream byte 4"));
    }
}

void NdjsonParserTest::countsBytesConsumed()
{
    NdjsonParser parser;
    std::vector<NdjsonLine> lines;
    QCOMPARE(parser.bytesConsumed(), qint64(0));
    QVERIFY(parser.feed("[1]\r", lines));
    QCOMPARE(parser.bytesConsumed(), qint64(4));
    QVERIFY(parser.feed("\n[2", lines));
    QCOMPARE(parser.bytesConsumed(), qint64(7));
    QCOMPARE(lines.size(), std::size_t(1));
    QVERIFY(parser.finish(lines));
    QCOMPARE(lines.size(), std::size_t(2));
    QCOMPARE(lines[1].bytes, QByteArrayLiteral("[2"));
    QCOMPARE(lines[1].byteOffset, qint64(5));
    QCOMPARE(lines[1].lineNumber, qint64(2));
}

QTEST_APPLESS_MAIN(NdjsonParserTest)
#include "tst_ndjsonparser.moc"
