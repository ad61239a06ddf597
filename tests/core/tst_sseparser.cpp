// SPDX-License-Identifier: GPL-3.0-or-later
#include <limits>
#include <optional>
#include <vector>

#include <QByteArrayList>
#include <QStringList>
#include <QTest>

#include "Chunkings.h"
#include "VisibleText.h"
#include "http/SseParser.h"

using Lathe::ErrorCode;
using Lathe::Http::SseEvent;
using Lathe::Http::SseParser;
using Lathe::TestSupport::chunkingMismatch;
using Lathe::TestSupport::ChunkingOptions;
using Lathe::TestSupport::visibleText;

namespace
{

QString describe(QStringView type, QStringView data, QStringView id, qint64 byteOffset)
{
    return visibleText(type) + QLatin1Char('|') + visibleText(data) + QLatin1Char('|') + visibleText(id) +
           QStringLiteral("|@") + QString::number(byteOffset);
}

// A field kept by SseParser::keepExtraFields(), as it follows its event's line.
QString describeKept(QStringView name, QStringView value, qint64 byteOffset)
{
    return QStringLiteral("|+") + visibleText(name) + QLatin1Char('=') + visibleText(value) +
           QStringLiteral("@") + QString::number(byteOffset);
}

qsizetype offsetOf(const QByteArray &input, const char *anchor)
{
    const qsizetype offset = input.indexOf(anchor);
    if (offset < 0 || input.indexOf(anchor, offset + 1) >= 0)
        qFatal("anchor \"%s\" must occur exactly once in the row's input", anchor);
    return offset;
}

/** An expected kept field; its byteOffset is where `anchor` occurs (exactly once) in the input. */
struct Kept
{
    QStringView name;
    QStringView value;
    const char *anchor;
};

/** An expected event; its byteOffset is where `anchor` occurs (exactly once) in the input. */
struct Ev
{
    QStringView type;
    QStringView data;
    QStringView id;
    const char *anchor;
    QList<Kept> kept = {};
};

QStringList expectedEvents(const QByteArray &input, const QList<Ev> &events)
{
    QStringList result;
    for (const Ev &event : events) {
        QString line = describe(event.type, event.data, event.id, offsetOf(input, event.anchor));
        for (const Kept &field : event.kept)
            line += describeKept(field.name, field.value, offsetOf(input, field.anchor));
        result.append(line);
    }
    return result;
}

/** Everything observable about one parse of a whole stream. */
struct Outcome
{
    QStringList events;
    std::optional<Lathe::Error> error; // the first failure; no more chunks are fed after it
    bool truncated = false;            // what finish() returned; finish() is not called after a failure
    std::optional<qint64> retryMs;
    QString lastEventId;
    qint64 bytesConsumed = 0;

    QString toString() const
    {
        QString text = QStringLiteral("events:\n");
        for (const QString &event : events)
            text += QStringLiteral("  ") + event + QLatin1Char('\n');
        if (error) {
            // How far the parser read before failing depends on the chunking; only the error counts.
            text += QStringLiteral("error: ") + Lathe::errorCodeName(error->code) + QLatin1Char(' ') +
                    error->message + QStringLiteral(" @ ") + error->where + QLatin1Char('\n');
            return text;
        }
        text += QStringLiteral("truncated: ") + (truncated ? QStringLiteral("yes") : QStringLiteral("no"));
        text += QStringLiteral("\nretry: ") + (retryMs ? QString::number(*retryMs) : QStringLiteral("none"));
        text += QStringLiteral("\nlast event id: ") + visibleText(lastEventId);
        text += QStringLiteral("\nbytes consumed: ") + QString::number(bytesConsumed) + QLatin1Char('\n');
        return text;
    }
};

Outcome parse(const QByteArrayList &chunks, qsizetype maxEventBytes = SseParser::kDefaultMaxEventBytes,
              const QByteArrayList &keptFields = {})
{
    SseParser parser(maxEventBytes);
    parser.keepExtraFields(keptFields);
    Outcome outcome;
    std::vector<SseEvent> events;
    for (const QByteArray &chunk : chunks) {
        const auto fed = parser.feed(chunk, events);
        if (!fed) {
            outcome.error = fed.error();
            break;
        }
    }
    for (const SseEvent &event : events) {
        QString line = describe(event.type, event.data, event.lastEventId, event.byteOffset);
        for (const auto &field : event.extraFields)
            line += describeKept(field.name, field.value, field.byteOffset);
        outcome.events.append(line);
    }
    if (!outcome.error)
        outcome.truncated = parser.finish();
    outcome.retryMs = parser.retryMs();
    outcome.lastEventId = parser.lastEventId();
    outcome.bytesConsumed = parser.bytesConsumed();
    return outcome;
}

// Besides whole, byte at a time and every split: empty chunks around every byte, and random
// chunkings of 0-8 bytes, which mix empty chunks in everywhere else.
const ChunkingOptions kSseChunkings{
    .emptyChunksAroundBytes = true, .randomRounds = 25, .minRandomChunk = 0, .maxRandomChunk = 8};

// Empty when every chunking of `input` gives the same outcome as feeding it whole, else what differs.
QString outcomeMismatch(const QByteArray &input, qsizetype maxEventBytes = SseParser::kDefaultMaxEventBytes,
                        const QByteArrayList &keptFields = {})
{
    return chunkingMismatch(
        input,
        [maxEventBytes, &keptFields](const QByteArrayList &chunks) {
            return parse(chunks, maxEventBytes, keptFields).toString();
        },
        kSseChunkings);
}

QByteArray repeated(char c, qsizetype count)
{
    return QByteArray(count, c);
}

} // namespace

class SseParserTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesStreamIdenticallyForEveryChunking_data();
    void parsesStreamIdenticallyForEveryChunking();

    void decodesInvalidUtf8LikeTheEncodingStandard_data();
    void decodesInvalidUtf8LikeTheEncodingStandard();

    void parsesGivenChunkBoundaries_data();
    void parsesGivenChunkBoundaries();

    void failsWhenEventExceedsSizeLimit_data();
    void failsWhenEventExceedsSizeLimit();

    void sizeLimitOutcomeDoesNotDependOnChunking_data();
    void sizeLimitOutcomeDoesNotDependOnChunking();

    void keepsNamedExtraFieldsWhenAsked_data();
    void keepsNamedExtraFieldsWhenAsked();
    void keptFieldsCountAgainstTheSizeLimit();

    void keepsFailingAfterSizeLimitError();
    void exposesRetryAndLastEventIdBetweenChunks();
};

void SseParserTest::parsesStreamIdenticallyForEveryChunking_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("truncated");
    QTest::addColumn<qint64>("retryMs"); // -1: no valid retry field
    QTest::addColumn<QString>("lastEventId");

    const auto row = [](const char *name, const QByteArray &input, const QList<Ev> &events,
                        bool truncated = false, qint64 retryMs = -1, QStringView lastEventId = {}) {
        QTest::newRow(name) << input << expectedEvents(input, events) << truncated << retryMs
                            << lastEventId.toString();
    };

    // Line ends (§9.2.5: LF, CR or CRLF)
    row("LF line ends", QByteArrayLiteral("data: a\n\ndata: b\n\n"),
        {{u"message", u"a", u"", "data: a"}, {u"message", u"b", u"", "data: b"}});
    row("CR line ends", QByteArrayLiteral("data: a\r\rdata: b\r\r"),
        {{u"message", u"a", u"", "data: a"}, {u"message", u"b", u"", "data: b"}});
    row("CRLF line ends", QByteArrayLiteral("data: a\r\n\r\ndata: b\r\n\r\n"),
        {{u"message", u"a", u"", "data: a"}, {u"message", u"b", u"", "data: b"}});
    row("CRLF is one line end, not a line end and a blank line",
        QByteArrayLiteral("data: a\r\ndata: b\r\n\r\n"), {{u"message", u"a\nb", u"", "data: a"}});
    row("LF then CR is two line ends", QByteArrayLiteral("data: a\n\rdata: b\n\n"),
        {{u"message", u"a", u"", "data: a"}, {u"message", u"b", u"", "data: b"}});
    row("mixed line ends in one stream",
        QByteArrayLiteral("data: a\r\ndata: b\n\rdata: c\rdata: d\r\n\ndata: e\r\r\n"),
        {{u"message", u"a\nb", u"", "data: a"},
         {u"message", u"c\nd", u"", "data: c"},
         {u"message", u"e", u"", "data: e"}});
    row("blank lines between events dispatch nothing", QByteArrayLiteral("\n\r\n\rdata: x\n\n\n\r\n"),
        {{u"message", u"x", u"", "data: x"}});

    // Byte order mark
    row("leading UTF-8 BOM is dropped",
        QByteArrayLiteral("\xEF\xBB\xBF"
                          "data: x\n\n"),
        {{u"message", u"x", u"", "data: x"}});
    row("leading BOM is counted in byte offsets",
        QByteArrayLiteral("\xEF\xBB\xBF"
                          "data: a\r\n\r\n: c\r\ndata: b\r\n\r\n"),
        {{u"message", u"a", u"", "data: a"}, {u"message", u"b", u"", "data: b"}});
    row("second BOM at stream start is kept, making the field name unknown",
        QByteArrayLiteral("\xEF\xBB\xBF\xEF\xBB\xBF"
                          "data: x\n\ndata: y\n\n"),
        {{u"message", u"y", u"", "data: y"}});
    row("BOM before a later line is not dropped",
        QByteArrayLiteral("data: a\n\n\xEF\xBB\xBF"
                          "data: b\n\ndata: c\n\n"),
        {{u"message", u"a", u"", "data: a"}, {u"message", u"c", u"", "data: c"}});
    row("BOM inside a data value is kept as U+FEFF", QByteArrayLiteral("data: x\xEF\xBB\xBFy\n\n"),
        {{u"message", u"x\uFEFFy", u"", "data: x"}});
    row("BOM after a leading BOM at the start of the data value is kept as U+FEFF",
        QByteArrayLiteral("\xEF\xBB\xBF"
                          "data: \xEF\xBB\xBFx\n\n"),
        {{u"message", u"\uFEFFx", u"", "data: "}});
    row("BOM at the start of the data value is kept as U+FEFF", QByteArrayLiteral("data: \xEF\xBB\xBFx\n\n"),
        {{u"message", u"\uFEFFx", u"", "data: "}});
    row("BOM at the start of the event type is kept as U+FEFF",
        QByteArrayLiteral("event: \xEF\xBB\xBFping\ndata: x\n\n"), {{u"\uFEFFping", u"x", u"", "event: "}});
    row("BOM at the start of the id is kept as U+FEFF",
        QByteArrayLiteral("data: x\nid: \xEF\xBB\xBF"
                          "7\n\n"),
        {{u"message", u"x", u"\uFEFF7", "data: x"}}, false, -1, u"\uFEFF7");

    // Comments and data lines
    row("comment lines are ignored",
        QByteArrayLiteral(": keep-alive\n\ndata: x\n: inside an event\ndata: y\n\n:\n\n"),
        {{u"message", u"x\ny", u"", "data: x"}});
    row("stream of only comments gives no events", QByteArrayLiteral(": keep-alive\n\n: keep-alive\n\n"), {});
    row("multi-line data is joined with LF", QByteArrayLiteral("data: a\ndata: b\ndata: c\n\n"),
        {{u"message", u"a\nb\nc", u"", "data: a"}});
    row("field name without colon gives an empty data line", QByteArrayLiteral("data: a\ndata\ndata: b\n\n"),
        {{u"message", u"a\n\nb", u"", "data: a"}});
    row("lone data field name gives an event with empty data", QByteArrayLiteral("data\n\n"),
        {{u"message", u"", u"", "data"}});
    row("empty data line gives an event with empty data", QByteArrayLiteral("data:\n\n"),
        {{u"message", u"", u"", "data:"}});
    row("two empty data lines give a single LF", QByteArrayLiteral("data:\ndata:\n\n"),
        {{u"message", u"\n", u"", "data:\nd"}});
    row("only one leading space is removed", QByteArrayLiteral("data:  x\n\n"),
        {{u"message", u" x", u"", "data:"}});
    row("value without a leading space is kept whole", QByteArrayLiteral("data:x\n\n"),
        {{u"message", u"x", u"", "data:"}});
    row("leading tab is not removed", QByteArrayLiteral("data:\tx\n\n"),
        {{u"message", u"\tx", u"", "data:"}});
    row("trailing spaces are kept", QByteArrayLiteral("data: x  \n\n"), {{u"message", u"x  ", u"", "data:"}});
    row("colons after the first belong to the value", QByteArrayLiteral("data: a: b:c\n\n"),
        {{u"message", u"a: b:c", u"", "data:"}});
    row("OpenAI data: [DONE] shape", QByteArrayLiteral("data: {\"a\":1}\n\ndata: [DONE]\n\n"),
        {{u"message", u"{\"a\":1}", u"", "data: {"}, {u"message", u"[DONE]", u"", "data: ["}});

    // event:
    row("event field sets the type", QByteArrayLiteral("event: ping\ndata: x\n\n"),
        {{u"ping", u"x", u"", "event: ping"}});
    row("type defaults to message and resets after dispatch",
        QByteArrayLiteral("event: ping\ndata: x\n\ndata: y\n\n"),
        {{u"ping", u"x", u"", "event: ping"}, {u"message", u"y", u"", "data: y"}});
    row("empty event field means message", QByteArrayLiteral("event:\ndata: x\n\n"),
        {{u"message", u"x", u"", "event:"}});
    row("event field after data applies to that event", QByteArrayLiteral("data: x\nevent: late\n\n"),
        {{u"late", u"x", u"", "data: x"}});
    row("last event field wins", QByteArrayLiteral("event: a\nevent: b\ndata: x\n\n"),
        {{u"b", u"x", u"", "event: a"}});
    row("event without data dispatches nothing and resets the type",
        QByteArrayLiteral("event: ping\n\ndata: x\n\n"), {{u"message", u"x", u"", "data: x"}});

    // id:
    row("id persists across events and is not reset by dispatch",
        QByteArrayLiteral("data: a\nid: 1\n\ndata: b\n\n"),
        {{u"message", u"a", u"1", "data: a"}, {u"message", u"b", u"1", "data: b"}}, false, -1, u"1");
    row("id from an event without data still applies", QByteArrayLiteral("id: 7\n\ndata: x\n\n"),
        {{u"message", u"x", u"7", "data: x"}}, false, -1, u"7");
    row("later id replaces earlier id", QByteArrayLiteral("data: a\nid: 1\n\ndata: b\nid: 2\n\n"),
        {{u"message", u"a", u"1", "data: a"}, {u"message", u"b", u"2", "data: b"}}, false, -1, u"2");
    row("empty id resets the last event id", QByteArrayLiteral("data: a\nid: 1\n\ndata: b\nid\n\n"),
        {{u"message", u"a", u"1", "data: a"}, {u"message", u"b", u"", "data: b"}});
    row("id containing NUL is ignored", QByteArrayLiteral("data: a\nid: 1\n\ndata: b\nid: 2\0x\n\n"),
        {{u"message", u"a", u"1", "data: a"}, {u"message", u"b", u"1", "data: b"}}, false, -1, u"1");

    // retry:
    row("retry with digits sets the reconnection time", QByteArrayLiteral("data: x\nretry: 1500\n\n"),
        {{u"message", u"x", u"", "data: x"}}, false, 1500);
    row("retry without data dispatches nothing", QByteArrayLiteral("retry: 30\n\n"), {}, false, 30);
    row("retry: 12a is ignored", QByteArrayLiteral("retry: 1500\n\nretry: 12a\n\n"), {}, false, 1500);
    row("retry with sign, point, space or nothing is ignored",
        QByteArrayLiteral("retry: 7\nretry: -5\nretry: +5\nretry: 1.5\nretry:  5\nretry:\nretry\n\n"), {},
        false, 7);
    row("retry beyond qint64 saturates", QByteArrayLiteral("retry: 99999999999999999999999\n\n"), {}, false,
        std::numeric_limits<qint64>::max());

    // Other fields
    row("unknown fields are ignored", QByteArrayLiteral("data: x\nfoo: bar\nData: y\nDATA\nevent2: z\n\n"),
        {{u"message", u"x", u"", "data: x"}});
    row("an error field (llama.cpp's) is ignored unless kept",
        QByteArrayLiteral("error: {\"code\":500}\n\ndata: x\nerror: y\n\n"),
        {{u"message", u"x", u"", "data: x"}});

    // End of stream
    row("final event without blank line is discarded", QByteArrayLiteral("data: a\n\ndata: b\n"),
        {{u"message", u"a", u"", "data: a"}}, true);
    row("final line without line end is discarded", QByteArrayLiteral("data: a\n\ndata: b"),
        {{u"message", u"a", u"", "data: a"}}, true);
    row("pending event type at end of stream counts as discarded", QByteArrayLiteral("data: a\n\nevent: x\n"),
        {{u"message", u"a", u"", "data: a"}}, true);
    row("stream ending after a blank line is not truncated", QByteArrayLiteral("data: a\n\n"),
        {{u"message", u"a", u"", "data: a"}}, false);
    row("empty stream is not truncated", QByteArray(), {}, false);

    // UTF-8
    row("two-byte UTF-8 character", QByteArrayLiteral("data: caf\xC3\xA9\n\n"),
        {{u"message", u"caf\u00E9", u"", "data:"}});
    row("three-byte UTF-8 character",
        QByteArrayLiteral("data: \xE2\x82\xAC"
                          "5\n\n"),
        {{u"message", u"\u20AC5", u"", "data:"}});
    row("four-byte UTF-8 character", QByteArrayLiteral("data: \xF0\x9F\x98\x80!\n\n"),
        {{u"message", u"\U0001F600!", u"", "data:"}});
    row("UTF-8 in type, id and data",
        QByteArrayLiteral("event: \xC3\xA9v\ndata: \xE2\x82\xAC\ndata: \xF0\x9F\x98\x80\nid: \xC3\xA9\n\n"),
        {{u"\u00E9v", u"\u20AC\n\U0001F600", u"\u00E9", "event:"}}, false, -1, u"\u00E9");
    row("invalid byte becomes U+FFFD",
        QByteArrayLiteral("data: a\xFF"
                          "b\n\n"),
        {{u"message", u"a\uFFFDb", u"", "data:"}});
}

void SseParserTest::parsesStreamIdenticallyForEveryChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, events);
    QFETCH(bool, truncated);
    QFETCH(qint64, retryMs);
    QFETCH(QString, lastEventId);

    const Outcome whole = parse({input});
    QVERIFY2(!whole.error, qPrintable(whole.toString()));
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.truncated, truncated);
    QCOMPARE(whole.retryMs.value_or(-1), retryMs);
    QCOMPARE(whole.lastEventId, lastEventId);
    QCOMPARE(whole.bytesConsumed, input.size());

    const QString mismatch = outcomeMismatch(input);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void SseParserTest::decodesInvalidUtf8LikeTheEncodingStandard_data()
{
    // The WHATWG Encoding Standard's UTF-8 decoder emits one U+FFFD per maximal ill-formed
    // subsequence; SseParser.h promises to decode "as the standard's decoder does".
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("data");

    // The ill-formed bytes stand between an `a` and a `b` in one data line.
    const auto row = [](const char *name, const QByteArray &illFormed, const QString &replacements) {
        QTest::newRow(name) << QByteArray("data: a" + illFormed + "b\n\n")
                            << QString(QLatin1Char('a') + replacements + QLatin1Char('b'));
    };
    row("lone 0xFF", "\xFF", QStringLiteral("\uFFFD"));
    row("lone continuation byte", "\x80", QStringLiteral("\uFFFD"));
    row("overlong two-byte form: two errors", "\xC0\xAF", QStringLiteral("\uFFFD\uFFFD"));
    row("encoded surrogate: three errors", "\xED\xA0\x80", QStringLiteral("\uFFFD\uFFFD\uFFFD"));
    row("truncated three-byte sequence: one error", "\xE2\x82", QStringLiteral("\uFFFD"));
    row("truncated four-byte sequence: one error", "\xF0\x9F\x98", QStringLiteral("\uFFFD"));
    QTest::newRow("truncated sequence at line end: one error")
        << QByteArrayLiteral("data: a\xE2\x82\n\n") << QStringLiteral("a\uFFFD");
}

void SseParserTest::decodesInvalidUtf8LikeTheEncodingStandard()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, data);

    const Outcome whole = parse({input});
    QVERIFY2(!whole.error, qPrintable(whole.toString()));
    QCOMPARE(whole.events, QStringList{describe(u"message", data, u"", 0)});

    const QString mismatch = outcomeMismatch(input);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void SseParserTest::parsesGivenChunkBoundaries_data()
{
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QStringList>("events");

    const auto message = [](QStringView data, qint64 offset) {
        return describe(u"message", data, u"", offset);
    };

    QTest::newRow("CRLF split: CR ends a chunk, LF starts the next")
        << QByteArrayList{"data: a\r", "\ndata: b\r", "\n\r", "\n"} << QStringList{message(u"a\nb", 0)};
    QTest::newRow("CRLF split around an empty chunk")
        << QByteArrayList{"data: a\r", "", "\n\r", "", "\n"} << QStringList{message(u"a", 0)};
    QTest::newRow("CR at chunk end followed by CR is a blank line")
        << QByteArrayList{"data: a\r", "\r", "data: b\n\n"}
        << QStringList{message(u"a", 0), message(u"b", 9)};
    QTest::newRow("CR blank line at chunk end, LF in the next chunk")
        << QByteArrayList{"data: a\n\r", "\ndata: b\n\n"} << QStringList{message(u"a", 0), message(u"b", 10)};
    QTest::newRow("BOM one byte per chunk")
        << QByteArrayList{"\xEF", "\xBB", "\xBF", "data: x\n\n"} << QStringList{message(u"x", 3)};
    QTest::newRow("BOM split after two bytes") << QByteArrayList{"\xEF\xBB", "\xBF"
                                                                             "data: x\n\n"}
                                               << QStringList{message(u"x", 3)};
    QTest::newRow("BOM after empty chunks")
        << QByteArrayList{"", "\xEF\xBB\xBF", "", "data: x\n\n"} << QStringList{message(u"x", 3)};
    QTest::newRow("incomplete BOM is part of the first line")
        << QByteArrayList{"\xEF\xBB", "data: x\n\ndata: y\n\n"} << QStringList{message(u"y", 11)};
    QTest::newRow("two-byte character split 1+1")
        << QByteArrayList{"data: caf\xC3", "\xA9\n\n"} << QStringList{message(u"caf\u00E9", 0)};
    QTest::newRow("three-byte character split 1+2")
        << QByteArrayList{"data: \xE2", "\x82\xAC\n\n"} << QStringList{message(u"\u20AC", 0)};
    QTest::newRow("three-byte character split 2+1")
        << QByteArrayList{"data: \xE2\x82", "\xAC\n\n"} << QStringList{message(u"\u20AC", 0)};
    QTest::newRow("four-byte character split 1+3")
        << QByteArrayList{"data: \xF0", "\x9F\x98\x80\n\n"} << QStringList{message(u"\U0001F600", 0)};
    QTest::newRow("four-byte character split 2+2")
        << QByteArrayList{"data: \xF0\x9F", "\x98\x80\n\n"} << QStringList{message(u"\U0001F600", 0)};
    QTest::newRow("four-byte character split 3+1")
        << QByteArrayList{"data: \xF0\x9F\x98", "\x80\n\n"} << QStringList{message(u"\U0001F600", 0)};
    QTest::newRow("four-byte character one byte per chunk")
        << QByteArrayList{"data: ", "\xF0", "\x9F", "\x98", "\x80", "\n", "\n"}
        << QStringList{message(u"\U0001F600", 0)};
}

void SseParserTest::parsesGivenChunkBoundaries()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QStringList, events);

    const Outcome outcome = parse(chunks);
    QVERIFY2(!outcome.error, qPrintable(outcome.toString()));
    QCOMPARE(outcome.events, events);
    QCOMPARE(outcome.truncated, false);
    QCOMPARE(outcome.bytesConsumed, chunks.join().size());
}

void SseParserTest::failsWhenEventExceedsSizeLimit_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qint64>("maxEventBytes");
    QTest::addColumn<QStringList>("eventsBefore");
    QTest::addColumn<QString>("where");

    const QByteArray tooLong = "data: " + repeated('x', 40);
    const QString ok = describe(u"message", u"ok", u"", 0);
    const QString okAfterBom = describe(u"message", u"ok", u"", 3);

    QTest::newRow("data line too long") << QByteArray("data: ok\n\n" + tooLong + "\n\n") << qint64(16)
                                        << QStringList{ok} << QStringLiteral("stream byte 10");
    QTest::newRow("unterminated data line too long") << QByteArray("data: ok\n\n" + tooLong) << qint64(16)
                                                     << QStringList{ok} << QStringLiteral("stream byte 10");
    QTest::newRow("data lines add up past the limit")
        << QByteArrayLiteral("data: ok\n\nevent: e\ndata: 0123456\ndata: 0123456\ndata: 0123456\n\n")
        << qint64(16) << QStringList{ok} << QStringLiteral("stream byte 10");
    QTest::newRow("offset counts the BOM")
        << QByteArray("\xEF\xBB\xBF"
                      "data: ok\n\n" +
                      tooLong + "\n\n")
        << qint64(16) << QStringList{okAfterBom} << QStringLiteral("stream byte 13");
}

void SseParserTest::failsWhenEventExceedsSizeLimit()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, maxEventBytes);
    QFETCH(QStringList, eventsBefore);
    QFETCH(QString, where);

    const Outcome whole = parse({input}, maxEventBytes);
    QVERIFY2(whole.error.has_value(), qPrintable(whole.toString()));
    QCOMPARE(whole.error->code, ErrorCode::Protocol);
    QVERIFY2(whole.error->message.contains(QString::number(maxEventBytes)), qPrintable(whole.toString()));
    QCOMPARE(whole.error->where, where);
    QCOMPARE(whole.events, eventsBefore);

    // Outcome::toString() holds the events and the error, all checked above for the whole input.
    const QString mismatch = outcomeMismatch(input, maxEventBytes);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void SseParserTest::sizeLimitOutcomeDoesNotDependOnChunking_data()
{
    // Whether an input is rejected must not depend on how the network happened to split it.
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qint64>("maxEventBytes");

    QTest::newRow("data line far over the limit")
        << QByteArray("data: " + repeated('x', 40) + "\n\ndata: ok\n\n") << qint64(16);
    QTest::newRow("data value that fills the limit exactly with its LF")
        << QByteArray("data: " + repeated('x', 15) + "\n\ndata: ok\n\n") << qint64(16);
    QTest::newRow("comment line longer than the limit")
        << QByteArray(": " + repeated('x', 40) + "\ndata: ok\n\n") << qint64(16);
    QTest::newRow("event type longer than the limit")
        << QByteArray("event: " + repeated('x', 40) + "\ndata: ok\n\n") << qint64(16);
}

void SseParserTest::sizeLimitOutcomeDoesNotDependOnChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, maxEventBytes);

    const QString mismatch = outcomeMismatch(input, maxEventBytes);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void SseParserTest::keepsNamedExtraFieldsWhenAsked_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("truncated");

    const auto row = [](const char *name, const QByteArray &input, const QList<Ev> &events,
                        bool truncated = false) {
        QTest::newRow(name) << input << expectedEvents(input, events) << truncated;
    };

    // The parser is told to keep `error`, as the OpenAI Chat decoder tells it for llama.cpp.
    row("a kept field alone dispatches an event with empty data",
        QByteArrayLiteral("error: {\"code\":500,\"message\":\"m\"}\r\n\r\n"),
        {{u"message", u"", u"", "error:", {{u"error", u"{\"code\":500,\"message\":\"m\"}", "error:"}}}});
    row("kept fields beside data, in order; other unknown fields are still ignored",
        QByteArrayLiteral("event: e\ndata: a\nerror: x\nfoo: y\nerror:z\n\n"),
        {{u"e", u"a", u"", "event:", {{u"error", u"x", "error: x"}, {u"error", u"z", "error:z"}}}});
    row("a kept field belongs to its event only", QByteArrayLiteral(": c\nerror: x\n\ndata: b\n\nerror\n\n"),
        {{u"message", u"", u"", "error: x", {{u"error", u"x", "error: x"}}},
         {u"message", u"b", u"", "data: b"},
         {u"message", u"", u"", "error\n\n", {{u"error", u"", "error\n\n"}}}});
    row("field names are case-sensitive", QByteArrayLiteral("Error: x\n\nERROR: y\n\n"), {});
    row("a kept field the stream ended inside is discarded", QByteArrayLiteral("data: a\n\nerror: x\n"),
        {{u"message", u"a", u"", "data: a"}}, true);
}

void SseParserTest::keepsNamedExtraFieldsWhenAsked()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, events);
    QFETCH(bool, truncated);

    const QByteArrayList kept{QByteArrayLiteral("error")};
    const Outcome whole = parse({input}, SseParser::kDefaultMaxEventBytes, kept);
    QVERIFY2(!whole.error, qPrintable(whole.toString()));
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.truncated, truncated);
    QCOMPARE(whole.bytesConsumed, input.size());

    const QString mismatch = outcomeMismatch(input, SseParser::kDefaultMaxEventBytes, kept);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void SseParserTest::keptFieldsCountAgainstTheSizeLimit()
{
    const QByteArrayList kept{QByteArrayLiteral("error")};
    // Two kept fields of 9 bytes each: neither line is over the limit, the event is.
    const QByteArray input = QByteArrayLiteral("data: ok\n\nerror: 012345678\nerror: 012345678\n\n");
    const Outcome whole = parse({input}, 16, kept);
    QVERIFY2(whole.error.has_value(), qPrintable(whole.toString()));
    QCOMPARE(whole.error->code, ErrorCode::Protocol);
    QCOMPARE(whole.error->where, QStringLiteral("stream byte 10"));
    QCOMPARE(whole.events, QStringList{describe(u"message", u"ok", u"", 0)});
    const QString mismatch = outcomeMismatch(input, 16, kept);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

    // Not kept, the same fields take no room.
    QVERIFY2(!parse({input}, 16).error, qPrintable(parse({input}, 16).toString()));
}

void SseParserTest::keepsFailingAfterSizeLimitError()
{
    SseParser parser(8);
    std::vector<SseEvent> events;
    const auto first = parser.feed(QByteArrayLiteral("data: 0123456789\n\n"), events);
    QVERIFY(!first);
    QCOMPARE(first.error().where, QStringLiteral("stream byte 0"));

    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto again = parser.feed(QByteArrayLiteral("data: x\n\n"), events);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::Protocol);
        QVERIFY(events.empty());
    }
    const auto empty = parser.feed(QByteArrayView(), events);
    QVERIFY(!empty);
    QVERIFY(events.empty());
}

void SseParserTest::exposesRetryAndLastEventIdBetweenChunks()
{
    SseParser parser;
    std::vector<SseEvent> events;
    QVERIFY(!parser.retryMs());
    QCOMPARE(parser.lastEventId(), QString());

    QVERIFY(parser.feed(QByteArrayLiteral("id: 41\nretry: 250\n"), events));
    QVERIFY(events.empty());
    QCOMPARE(parser.lastEventId(), QStringLiteral("41"));
    QCOMPARE(parser.retryMs().value_or(-1), qint64(250));
    QCOMPARE(parser.bytesConsumed(), qint64(18));

    QVERIFY(parser.feed(QByteArrayLiteral("data: x\n\nid: 42\n"), events));
    QCOMPARE(events.size(), std::size_t(1));
    QCOMPARE(events[0].lastEventId, QStringLiteral("41"));
    QCOMPARE(parser.lastEventId(), QStringLiteral("42"));
    QCOMPARE(parser.finish(), false);
}

QTEST_APPLESS_MAIN(SseParserTest)
#include "tst_sseparser.moc"
