// SPDX-License-Identifier: GPL-3.0-or-later
#include <QTest>

#include "providers/RateLimitHeaders.h"

using namespace Lathe;
using namespace Lathe::Providers;

namespace
{

using Headers = Http::HeaderList;
using Window = std::array<qint64, 3>; // limit, remaining, resetInMs; -1 where absent

Window asArray(const RateLimitWindow &window)
{
    return {window.limit.value_or(-1), window.remaining.value_or(-1), window.resetInMs.value_or(-1)};
}

const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(12, 0, 0), Qt::UTC);

} // namespace

Q_DECLARE_METATYPE(Window)

class TestRateLimitHeaders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesDurations_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ms"); // -1: rejected
        QTest::newRow("seconds") << QByteArray("1s") << qint64(1000);
        QTest::newRow("minutes and seconds") << QByteArray("6m0s") << qint64(360'000);
        QTest::newRow("milliseconds") << QByteArray("20ms") << qint64(20);
        QTest::newRow("all units") << QByteArray("1h2m3.5s") << qint64(3'723'500);
        QTest::newRow("fractional seconds") << QByteArray("7.66s") << qint64(7660);
        QTest::newRow("Groq style") << QByteArray("2m59.56s") << qint64(179'560);
        QTest::newRow("microseconds round up") << QByteArray("1.5\xC2\xB5s") << qint64(1);
        QTest::newRow("nanoseconds round up") << QByteArray("300ns") << qint64(1);
        QTest::newRow("zero") << QByteArray("0s") << qint64(0);
        QTest::newRow("Azure plain seconds") << QByteArray("12") << qint64(12'000);
        QTest::newRow("plain fraction") << QByteArray(" 0.25 ") << qint64(250);
        QTest::newRow("empty") << QByteArray("") << qint64(-1);
        QTest::newRow("unknown unit") << QByteArray("5d") << qint64(-1);
        QTest::newRow("unit without number") << QByteArray("ms") << qint64(-1);
        QTest::newRow("number after unit missing its unit") << QByteArray("1m30") << qint64(-1);
        QTest::newRow("negative") << QByteArray("-1") << qint64(-1);
        QTest::newRow("two dots") << QByteArray("1.2.3s") << qint64(-1);
        QTest::newRow("infinite") << QByteArray("inf") << qint64(-1);
    }

    void parsesDurations()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ms);
        QCOMPARE(parseDurationMs(text).value_or(-1), ms);
    }

    void readsProviderHeaders_data()
    {
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<Window>("requests");
        QTest::addColumn<Window>("tokens");

        QTest::newRow("OpenAI") << Headers{{"x-ratelimit-limit-requests", "60"},
                                           {"x-ratelimit-limit-tokens", "150000"},
                                           {"x-ratelimit-remaining-requests", "59"},
                                           {"x-ratelimit-remaining-tokens", "149984"},
                                           {"x-ratelimit-reset-requests", "1s"},
                                           {"x-ratelimit-reset-tokens", "6m0s"}}
                                << Window{60, 59, 1000} << Window{150'000, 149'984, 360'000};
        QTest::newRow("header names in any case")
            << Headers{{"X-RateLimit-Limit-Requests", "10"}, {"X-RATELIMIT-REMAINING-REQUESTS", "0"}}
            << Window{10, 0, -1} << Window{-1, -1, -1};
        QTest::newRow("Azure seconds")
            << Headers{{"x-ratelimit-remaining-requests", "2"}, {"x-ratelimit-reset-requests", "5"}}
            << Window{-1, 2, 5000} << Window{-1, -1, -1};
        QTest::newRow("Anthropic RFC 3339 resets")
            << Headers{{"anthropic-ratelimit-requests-limit", "50"},
                       {"anthropic-ratelimit-requests-remaining", "49"},
                       {"anthropic-ratelimit-requests-reset", "2026-11-27T12:00:01Z"},
                       {"anthropic-ratelimit-tokens-limit", "40000"},
                       {"anthropic-ratelimit-tokens-remaining", "39000"},
                       {"anthropic-ratelimit-tokens-reset", "2026-11-27T12:00:30.500Z"}}
            << Window{50, 49, 1000} << Window{40'000, 39'000, 30'500};
        QTest::newRow("Anthropic input and output limits: the tighter counts")
            << Headers{{"anthropic-ratelimit-input-tokens-limit", "40000"},
                       {"anthropic-ratelimit-input-tokens-remaining", "30000"},
                       {"anthropic-ratelimit-output-tokens-limit", "8000"},
                       {"anthropic-ratelimit-output-tokens-remaining", "100"},
                       {"anthropic-ratelimit-output-tokens-reset", "2026-11-27T12:00:02Z"}}
            << Window{-1, -1, -1} << Window{8000, 100, 2000};
        QTest::newRow("reset in the past is now")
            << Headers{{"anthropic-ratelimit-requests-remaining", "0"},
                       {"anthropic-ratelimit-requests-reset", "2026-11-27T11:59:00Z"}}
            << Window{-1, 0, 0} << Window{-1, -1, -1};
        QTest::newRow("malformed values are left out") << Headers{{"x-ratelimit-limit-requests", "many"},
                                                                  {"x-ratelimit-remaining-requests", "-3"},
                                                                  {"x-ratelimit-reset-requests", "soon"},
                                                                  {"x-ratelimit-limit-tokens", "1000"}}
                                                       << Window{-1, -1, -1} << Window{1000, -1, -1};
        QTest::newRow("none") << Headers{{"content-type", "text/event-stream"}} << Window{-1, -1, -1}
                              << Window{-1, -1, -1};
    }

    void readsProviderHeaders()
    {
        QFETCH(Headers, headers);
        QFETCH(Window, requests);
        QFETCH(Window, tokens);
        const RateLimitReport report = parseRateLimitHeaders(headers, kNow);
        QCOMPARE(asArray(report.requests), requests);
        QCOMPARE(asArray(report.tokens), tokens);
    }
};

QTEST_APPLESS_MAIN(TestRateLimitHeaders)
#include "tst_ratelimitheaders.moc"
