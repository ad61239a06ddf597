// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>

#include <QByteArrayList>
#include <QRandomGenerator>
#include <QTest>

#include "http/HttpRequestReader.h"

using Lathe::Http::HttpRequest;
using Lathe::Http::HttpRequestReader;
using State = Lathe::Http::HttpRequestReader::State;
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

namespace
{

constexpr quint32 kRandomSeed = 20240611;

struct Chunking
{
    QString name;
    QByteArrayList chunks;
};

// Whole and in random chunks; small inputs also one byte at a time and split at every byte.
// Large inputs get bigger pieces so the quadratic byte-at-a-time feeding stays fast.
QList<Chunking> chunkingsOf(const QByteArray &input)
{
    QList<Chunking> result;
    result.append({QStringLiteral("whole"), {input}});
    const bool small = input.size() <= 4096;
    if (small) {
        QByteArrayList bytes;
        for (qsizetype i = 0; i < input.size(); ++i)
            bytes.append(input.mid(i, 1));
        result.append({QStringLiteral("one byte at a time"), bytes});
        for (qsizetype split = 0; split <= input.size(); ++split)
            result.append({QStringLiteral("two chunks split at byte %1").arg(split),
                           {input.first(split), input.sliced(split)}});
    }
    const int maxChunk = small ? 16 : 4096;
    QRandomGenerator random(kRandomSeed);
    for (int round = 0; round < 10; ++round) {
        QByteArrayList chunks;
        qsizetype pos = 0;
        while (pos < input.size()) {
            const qsizetype size = std::min<qsizetype>(random.bounded(1, maxChunk + 1), input.size() - pos);
            chunks.append(input.mid(pos, size));
            pos += size;
        }
        result.append({QStringLiteral("random chunking %1").arg(round), chunks});
    }
    return result;
}

QByteArray post(const QByteArray &target, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n" +
           extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
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
        << post("/v1/chat/completions?trace=1&x=y", json) << QByteArray("POST")
        << QByteArray("/v1/chat/completions?trace=1&x=y") << QByteArray("/v1/chat/completions")
        << HeaderList{{"Host", "127.0.0.1:8080"},
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
        << post("/v1/chat/completions", QByteArray()) << QByteArray("POST")
        << QByteArray("/v1/chat/completions") << QByteArray("/v1/chat/completions")
        << HeaderList{{"Host", "127.0.0.1:8080"},
                      {"Content-Type", "application/json"},
                      {"Content-Length", "0"}}
        << QByteArray();
    QTest::newRow("body containing CRLF CRLF and NUL is taken whole")
        << post("/upload", QByteArrayLiteral("a\r\n\r\nb\0c")) << QByteArray("POST") << QByteArray("/upload")
        << QByteArray("/upload")
        << HeaderList{{"Host", "127.0.0.1:8080"},
                      {"Content-Type", "application/json"},
                      {"Content-Length", "8"}}
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

    for (const Chunking &chunking : chunkingsOf(input)) {
        HttpRequestReader reader;
        const QString feedProblem = feedAll(reader, chunking.chunks);
        QVERIFY2(feedProblem.isEmpty(), qPrintable(chunking.name + QStringLiteral(": ") + feedProblem));
        QVERIFY2(reader.state() == State::Complete,
                 qPrintable(chunking.name + QStringLiteral(": state ") + stateName(reader.state()) +
                            QStringLiteral(", error ") + QString::number(reader.errorStatus()) +
                            QLatin1Char(' ') + reader.errorMessage()));
        const HttpRequest &request = reader.request();
        QCOMPARE(request.method, method);
        QCOMPARE(request.target, target);
        QCOMPARE(request.path(), path);
        QCOMPARE(request.headers, headers);
        QCOMPARE(request.body, body);
        QCOMPARE(reader.errorStatus(), 0);
    }
}

void HttpRequestReaderTest::staysIncompleteUntilTheWholeBodyArrived()
{
    const QByteArray body = QByteArrayLiteral("{\"model\":\"sim\",\"messages\":[]}");
    const QByteArray input = post("/v1/chat/completions", body);
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
    const QByteArray input = post("/v1/chat/completions?a=1", QByteArrayLiteral("{}"));
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

    for (const Chunking &chunking : chunkingsOf(input)) {
        HttpRequestReader reader;
        const QString feedProblem = feedAll(reader, chunking.chunks);
        QVERIFY2(feedProblem.isEmpty(), qPrintable(chunking.name + QStringLiteral(": ") + feedProblem));
        QVERIFY2(reader.state() == State::Failed && reader.errorStatus() == status,
                 qPrintable(chunking.name + QStringLiteral(": state ") + stateName(reader.state()) +
                            QStringLiteral(", status ") + QString::number(reader.errorStatus())));
        QVERIFY(!reader.errorMessage().isEmpty());
    }
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
