// SPDX-License-Identifier: GPL-3.0-or-later
#include <QTest>

#include "http/HttpHeaders.h"
#include "mock/SimulatedRateLimit.h"
#include "providers/RateLimitHeaders.h"

using namespace Lathe;

namespace
{

// The header lines as a list, the way a client receives them.
Http::HeaderList parseHeaders(const QByteArray &lines)
{
    Http::HeaderList headers;
    for (const QByteArray &line : lines.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append({line.first(colon), line.sliced(colon + 1).trimmed()});
    }
    return headers;
}

} // namespace

class TestSimulatedRateLimit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesGoDurations_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("milliseconds") << qint64(20) << QByteArray("20ms");
        QTest::newRow("zero") << qint64(0) << QByteArray("0ms");
        QTest::newRow("whole seconds") << qint64(2000) << QByteArray("2s");
        QTest::newRow("fractional seconds") << qint64(1500) << QByteArray("1.5s");
        QTest::newRow("a minute") << qint64(60'000) << QByteArray("1m0s");
        QTest::newRow("minutes and a fraction") << qint64(123'250) << QByteArray("2m3.25s");
    }

    void writesGoDurations()
    {
        QFETCH(qint64, ms);
        QFETCH(QByteArray, text);
        QCOMPARE(Mock::goDuration(ms), text);
        // What the simulator writes, Lathe's client reads back.
        QCOMPARE(Providers::parseDurationMs(text).value_or(-1), ms);
    }

    void limitsASlidingMinute()
    {
        qint64 now = 0;
        Mock::SimulatedRateLimit limit(2, [&now] { return now; });
        const auto first = limit.admit();
        QVERIFY(first.allowed);
        auto headers = parseHeaders(first.headers);
        QCOMPARE(Http::headerValue(headers, "x-ratelimit-limit-requests").value_or(""), QByteArray("2"));
        QCOMPARE(Http::headerValue(headers, "x-ratelimit-remaining-requests").value_or(""), QByteArray("1"));
        QCOMPARE(Http::headerValue(headers, "x-ratelimit-reset-requests").value_or(""), QByteArray("1m0s"));

        now = 20'000;
        QVERIFY(limit.admit().allowed);
        now = 30'000;
        const auto refused = limit.admit();
        QVERIFY(!refused.allowed);
        headers = parseHeaders(refused.headers);
        QCOMPARE(Http::headerValue(headers, "x-ratelimit-remaining-requests").value_or(""), QByteArray("0"));
        QCOMPARE(Http::headerValue(headers, "x-ratelimit-reset-requests").value_or(""), QByteArray("30s"));
        QCOMPARE(Http::headerValue(headers, "retry-after-ms").value_or(""), QByteArray("30000"));
        QCOMPARE(Http::headerValue(headers, "retry-after").value_or(""), QByteArray("30"));

        now = 60'000; // the first request has left the window
        QVERIFY(limit.admit().allowed);
        QVERIFY(!limit.admit().allowed);
    }

    void withoutALimitSaysNothing()
    {
        Mock::SimulatedRateLimit limit;
        for (int i = 0; i < 1000; ++i) {
            const auto decision = limit.admit();
            QVERIFY(decision.allowed);
            QVERIFY(decision.headers.isEmpty());
        }
    }
};

QTEST_APPLESS_MAIN(TestSimulatedRateLimit)
#include "tst_simulatedratelimit.moc"
