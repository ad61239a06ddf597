// SPDX-License-Identifier: GPL-3.0-or-later
#include <QByteArrayList>
#include <QTest>

#include "Chunkings.h"
#include "RawHttpClient.h"
#include "VisibleText.h"
#include "http/HttpRequestReader.h"

using Lathe::Http::HttpRequest;
using Lathe::Http::HttpRequestReader;
using Lathe::TestSupport::chunkingMismatch;
using Lathe::TestSupport::ChunkingOptions;
using Lathe::TestSupport::rawPost;
using Lathe::TestSupport::visibleText;
using State = Lathe::Http::HttpRequestReader::State;
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

namespace
{

// Byte at a time and every split for inputs up to 4 KiB; larger ones (a head over
// kMaxHeaderBytes) only in random pieces of up to 4 KiB, so the quadratic feeding stays fast.
ChunkingOptions chunkingsFor(const QByteArray &input)
{
    constexpr qsizetype kExhaustiveUpTo = 4096;
    return {.exhaustiveUpTo = kExhaustiveUpTo, .maxRandomChunk = input.size() <= kExhaustiveUpTo ? 16 : 4096};
}

QString stateName(State state)
{
    switch (state) {
    case State::Incomplete:
        return QStringLiteral("Incomplete");
    case State::Complete:
        return QStringLiteral("Complete");
    case State::Failed:
        return QStringLiteral("Failed");
    }
    return QStringLiteral("?");
}

// Feeds all chunks, stopping early once the reader is no longer Incomplete, and checks that
// feed() reports the same state as state().
QString feedAll(HttpRequestReader &reader, const QByteArrayList &chunks)
{
    for (const QByteArray &chunk : chunks) {
        const State returned = reader.feed(chunk);
        if (returned != reader.state())
            return QStringLiteral("feed() returned %1 but state() is %2")
                .arg(stateName(returned), stateName(reader.state()));
        if (returned != State::Incomplete)
            break;
    }
    return {};
}

QString printable(const QByteArray &bytes)
{
    return visibleText(QString::fromLatin1(bytes));
}

// Everything observable about one read of `chunks` by a fresh reader, as comparable text.
QString readOutcome(const QByteArrayList &chunks)
{
    HttpRequestReader reader;
    QString text = feedAll(reader, chunks);
    text += QStringLiteral("\nstate %1, error status %2, error message %3")
                .arg(stateName(reader.state()))
                .arg(reader.errorStatus())
                .arg(reader.errorMessage().isEmpty() ? QStringLiteral("empty") : QStringLiteral("set"));
    if (reader.state() == State::Complete) {
        const HttpRequest &request = reader.request();
        text += QStringLiteral("\n") + printable(request.method) + QLatin1Char(' ') +
                printable(request.target) + QStringLiteral(" (path ") + printable(request.path()) +
                QLatin1Char(')');
        for (const auto &[name, value] : request.headers)
            text += QStringLiteral("\n") + printable(name) + QStringLiteral(": ") + printable(value);
        text += QStringLiteral("\nbody ") + printable(request.body);
    }
    return text;
}

} // namespace

class HttpRequestReaderTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsCompleteRequestForEveryChunking_data();
    void readsCompleteRequestForEveryChunking();
    void staysIncompleteUntilTheWholeBodyArrived();
    void ignoresBytesFedAfterComplete();
    void rejectsRequestForEveryChunking_data();
    void rejectsRequestForEveryChunking();
    void staysFailedWhenMoreBytesArrive();
    void pathDropsQueryAndHeaderLookupIsCaseInsensitive_data();
    void pathDropsQueryAndHeaderLookupIsCaseInsensitive();
};

void HttpRequestReaderTest::readsCompleteRequestForEveryChunking_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<HeaderList>("headers"); // exactly these, in order
    QTest::addColumn<QByteArray>("body");

    const QByteArray json = QByteArrayLiteral(
        R"({"model":"sim","messages":[{"role":"user","content":"h\u00e9"}],"stream":true})");
    QTest::newRow("POST with Content-Length and query")
        << rawPost("/v1/chat/completions?trace=1&x=y", json) << QByteArray("POST")
        << QByteArray("/v1/chat/completions?trace=1&x=y") << QByteArray("/v1/chat/completions")
        << HeaderList{{"Host", "127.0.0.1"},
                      {"Content-Type", "application/json"},
                      {"Content-Length", QByteArray::number(json.size())}}
        << json;
    QTest::newRow("GET without body completes at the blank line")
        << QByteArrayLiteral("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n")
        << QByteArray("GET") << QByteArray("/v1/models") << QByteArray("/v1/models")
        << HeaderList{{"Host", "localhost"}, {"Accept", "*/*"}} << QByteArray();
    QTest::newRow("GET without headers")
        << QByteArrayLiteral("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET") << QByteArray("/")
        << QByteArray("/") << HeaderList{} << QByteArray();
    QTest::newRow("POST with Content-Length 0")
        << rawPost("/v1/chat/completions", QByteArray()) << QByteArray("POST")
        << QByteArray("/v1/chat/completions") << QByteArray("/v1/chat/completions")
        << HeaderList{{"Host", "127.0.0.1"}, {"Content-Type", "application/json"}, {"Content-Length", "0"}}
        << QByteArray();
    QTest::newRow("body containing CRLF CRLF and NUL is taken whole")
        << rawPost("/upload", QByteArrayLiteral("a\r\n\r\nb\0c")) << QByteArray("POST")
        << QByteArray("/upload") << QByteArray("/upload")
        << HeaderList{{"Host", "127.0.0.1"}, {"Content-Type", "application/json"}, {"Content-Length", "8"}}
        << QByteArrayLiteral("a\r\n\r\nb\0c");
    QTest::newRow("header names and values are trimmed")
        << QByteArrayLiteral("PUT /x HTTP/1.1\r\nX-Spaced:   padded value \t\r\ncontent-length:3\r\n\r\nabc")
        << QByteArray("PUT") << QByteArray("/x") << QByteArray("/x")
        << HeaderList{{"X-Spaced", "padded value"}, {"content-length", "3"}} << QByteArray("abc");
    QTest::newRow("bytes beyond Content-Length are not part of the body")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n")
        << QByteArray("POST") << QByteArray("/x") << QByteArray("/x") << HeaderList{{"Content-Length", "3"}}
        << QByteArray("abc");
}

void HttpRequestReaderTest::readsCompleteRequestForEveryChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, path);
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, body);

    HttpRequestReader reader;
    const QString feedProblem = feedAll(reader, {input});
    QVERIFY2(feedProblem.isEmpty(), qPrintable(feedProblem));
    QVERIFY2(reader.state() == State::Complete, qPrintable(readOutcome({input})));
    const HttpRequest &request = reader.request();
    QCOMPARE(request.method, method);
    QCOMPARE(request.target, target);
    QCOMPARE(request.path(), path);
    QCOMPARE(request.headers, headers);
    QCOMPARE(request.body, body);
    QCOMPARE(reader.errorStatus(), 0);

    const QString mismatch = chunkingMismatch(input, readOutcome, chunkingsFor(input));
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void HttpRequestReaderTest::staysIncompleteUntilTheWholeBodyArrived()
{
    const QByteArray body = QByteArrayLiteral("{\"model\":\"sim\",\"messages\":[]}");
    const QByteArray input = rawPost("/v1/chat/completions", body);
    const qsizetype headSize = input.size() - body.size();

    HttpRequestReader reader;
    QCOMPARE(reader.state(), State::Incomplete);
    QCOMPARE(reader.feed(QByteArrayView(input).first(headSize - 1)), State::Incomplete);
    QCOMPARE(reader.feed(QByteArrayView(input).sliced(headSize - 1, 1)), State::Incomplete); // head done
    QCOMPARE(reader.feed(QByteArrayView(input).sliced(headSize, 10)), State::Incomplete);
    QCOMPARE(reader.feed(QByteArrayView()), State::Incomplete);
    QCOMPARE(reader.feed(QByteArrayView(input).sliced(headSize + 10, body.size() - 11)), State::Incomplete);
    QCOMPARE(reader.feed(QByteArrayView(input).last(1)), State::Complete);
    QCOMPARE(reader.request().body, body);
    QCOMPARE(reader.request().header("content-length"),
             std::optional<QByteArray>(QByteArray::number(body.size())));
}

void HttpRequestReaderTest::ignoresBytesFedAfterComplete()
{
    const QByteArray input = rawPost("/v1/chat/completions?a=1", QByteArrayLiteral("{}"));
    HttpRequestReader reader;
    QCOMPARE(reader.feed(input), State::Complete);
    const HttpRequest before = reader.request();

    QCOMPARE(reader.feed(QByteArrayLiteral("trailing body bytes")), State::Complete);
    QCOMPARE(reader.feed(QByteArrayLiteral("GET /other HTTP/1.1\r\nX-New: 1\r\n\r\n")), State::Complete);
    QCOMPARE(reader.feed(QByteArrayLiteral("garbage without structure\r\n\r\n")), State::Complete);
    QCOMPARE(reader.state(), State::Complete);
    QCOMPARE(reader.request().method, before.method);
    QCOMPARE(reader.request().target, before.target);
    QCOMPARE(reader.request().headers, before.headers);
    QCOMPARE(reader.request().body, QByteArrayLiteral("{}"));
    QCOMPARE(reader.errorStatus(), 0);
}

void HttpRequestReaderTest::rejectsRequestForEveryChunking_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");

    QTest::newRow("POST without Content-Length: 411")
        << QByteArrayLiteral("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n{}") << 411;
    QTest::newRow("PUT without Content-Length: 411") << QByteArrayLiteral("PUT /x HTTP/1.1\r\n\r\n") << 411;
    QTest::newRow("Transfer-Encoding chunked: 501")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        << 501;
    QTest::newRow("Transfer-Encoding wins over Content-Length: 501")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length: 2\r\ntransfer-encoding: chunked\r\n\r\n{}")
        << 501;
    QTest::newRow("request line with two parts: 400") << QByteArrayLiteral("GET /\r\n\r\n") << 400;
    QTest::newRow("request line with four parts: 400")
        << QByteArrayLiteral("GET / x HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("request line with double space: 400")
        << QByteArrayLiteral("GET  / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("request line without HTTP/1.x version: 400")
        << QByteArrayLiteral("GET / HTTP/2\r\n\r\n") << 400;
    QTest::newRow("empty request line: 400") << QByteArrayLiteral("\r\n\r\n") << 400;
    QTest::newRow("binary garbage: 400") << QByteArrayLiteral("\x16\x03\x01\x02\x00\x01\r\n\r\n") << 400;
    QTest::newRow("header without colon: 400")
        << QByteArrayLiteral("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
    QTest::newRow("header with empty name: 400") << QByteArrayLiteral("GET / HTTP/1.1\r\n: x\r\n\r\n") << 400;
    QTest::newRow("Content-Length not a number: 400")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length: ten\r\n\r\n") << 400;
    QTest::newRow("Content-Length with trailing junk: 400")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n") << 400;
    QTest::newRow("negative Content-Length: 400")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::newRow("empty Content-Length: 400")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n") << 400;
    QTest::newRow("Content-Length beyond 64 bits: 400")
        << QByteArrayLiteral("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") << 400;
    QTest::newRow("Content-Length above kMaxBodyBytes: 413")
        << QByteArray("POST /x HTTP/1.1\r\nContent-Length: " +
                      QByteArray::number(qint64(HttpRequestReader::kMaxBodyBytes) + 1) + "\r\n\r\n")
        << 413;
    QTest::newRow("head larger than kMaxHeaderBytes without terminator: 431")
        << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(HttpRequestReader::kMaxHeaderBytes, 'a'))
        << 431;
    QTest::newRow("head larger than kMaxHeaderBytes with its terminator: 431")
        << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(HttpRequestReader::kMaxHeaderBytes, 'a') +
                      "\r\n\r\n")
        << 431;
}

void HttpRequestReaderTest::rejectsRequestForEveryChunking()
{
    QFETCH(QByteArray, input);
    QFETCH(int, status);

    HttpRequestReader reader;
    const QString feedProblem = feedAll(reader, {input});
    QVERIFY2(feedProblem.isEmpty(), qPrintable(feedProblem));
    QVERIFY2(reader.state() == State::Failed && reader.errorStatus() == status,
             qPrintable(readOutcome({input})));
    QVERIFY(!reader.errorMessage().isEmpty());

    const QString mismatch = chunkingMismatch(input, readOutcome, chunkingsFor(input));
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void HttpRequestReaderTest::staysFailedWhenMoreBytesArrive()
{
    HttpRequestReader reader;
    QCOMPARE(reader.feed(QByteArrayLiteral("POST /x HTTP/1.1\r\n\r\n")), State::Failed);
    QCOMPARE(reader.errorStatus(), 411);
    const QString message = reader.errorMessage();

    QCOMPARE(reader.feed(QByteArrayLiteral("GET / HTTP/1.1\r\n\r\n")), State::Failed);
    QCOMPARE(reader.feed(QByteArrayLiteral("Content-Length: 0\r\n\r\n")), State::Failed);
    QCOMPARE(reader.state(), State::Failed);
    QCOMPARE(reader.errorStatus(), 411);
    QCOMPARE(reader.errorMessage(), message);
}

void HttpRequestReaderTest::pathDropsQueryAndHeaderLookupIsCaseInsensitive_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("path");

    QTest::newRow("no query") << QByteArray("/v1/models") << QByteArray("/v1/models");
    QTest::newRow("query") << QByteArray("/v1/models?limit=2") << QByteArray("/v1/models");
    QTest::newRow("second question mark") << QByteArray("/a?b=c?d") << QByteArray("/a");
    QTest::newRow("empty query") << QByteArray("/a?") << QByteArray("/a");
    QTest::newRow("root with query") << QByteArray("/?x") << QByteArray("/");
}

void HttpRequestReaderTest::pathDropsQueryAndHeaderLookupIsCaseInsensitive()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, path);

    HttpRequest request;
    request.target = target;
    request.headers = {{"Content-Type", "application/json"}, {"X-Dup", "first"}, {"x-dup", "second"}};
    QCOMPARE(request.path(), path);
    QCOMPARE(request.header("content-type"), std::optional<QByteArray>("application/json"));
    QCOMPARE(request.header("CONTENT-TYPE"), std::optional<QByteArray>("application/json"));
    QCOMPARE(request.header("X-DUP"), std::optional<QByteArray>("first"));
    QVERIFY(!request.header("Content-Length").has_value());
    QVERIFY(!request.header("Content").has_value());
}

QTEST_APPLESS_MAIN(HttpRequestReaderTest)
#include "tst_httprequestreader.moc"
