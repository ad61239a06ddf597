// SPDX-License-Identifier: GPL-3.0-or-later
#include <QTest>

#include "providers/RetryPolicy.h"

using namespace Lathe;
using namespace Lathe::Providers;

namespace
{

using Headers = QList<QPair<QByteArray, QByteArray>>;

ChatOutcome failedWith(Lathe::Error error, Headers headers = {}, int deltasBefore = 0)
{
    ChatOutcome outcome;
    outcome.error = std::move(error);
    outcome.responseHeaders = std::move(headers);
    for (int i = 0; i < deltasBefore; ++i)
        outcome.timings.deltaArrivalMs.append(10.0 * (i + 1));
    return outcome;
}

Lathe::Error httpError(int status, QString code = {})
{
    return Lathe::Error(ErrorCode::Http, QStringLiteral("HTTP %1").arg(status), {}, status, std::move(code));
}

const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(12, 0, 0), Qt::UTC);

} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decidesWhatIsWorthRetrying_data()
    {
        QTest::addColumn<ChatOutcome>("outcome");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("408") << failedWith(httpError(408)) << true;
        QTest::newRow("409") << failedWith(httpError(409)) << true;
        QTest::newRow("429 rate limit")
            << failedWith(httpError(429, QStringLiteral("rate_limit_exceeded"))) << true;
        QTest::newRow("429 quota gone")
            << failedWith(httpError(429, QStringLiteral("insufficient_quota"))) << false;
        QTest::newRow("429 quota named only in the message")
            << failedWith(Lathe::Error(
                   ErrorCode::Http, QStringLiteral("HTTP 429: You exceeded your quota [insufficient_quota]"),
                   {}, 429))
            << false;
        QTest::newRow("400 billing") << failedWith(httpError(400, QStringLiteral("billing_error"))) << false;
        QTest::newRow("500") << failedWith(httpError(500)) << true;
        QTest::newRow("503") << failedWith(httpError(503)) << true;
        QTest::newRow("529 overloaded")
            << failedWith(httpError(529, QStringLiteral("overloaded_error"))) << true;
        QTest::newRow("400") << failedWith(httpError(400)) << false;
        QTest::newRow("401") << failedWith(httpError(401)) << false;
        QTest::newRow("404") << failedWith(httpError(404)) << false;
        QTest::newRow("connection refused")
            << failedWith(Lathe::Error(ErrorCode::Network, QStringLiteral("refused"))) << true;
        QTest::newRow("timeout before any text")
            << failedWith(Lathe::Error(ErrorCode::Timeout, QStringLiteral("t"))) << true;
        QTest::newRow("cut before any text")
            << failedWith(Lathe::Error(ErrorCode::Truncated, QStringLiteral("cut"))) << true;
        QTest::newRow("cut after text arrived")
            << failedWith(Lathe::Error(ErrorCode::Truncated, QStringLiteral("cut")), {}, 3) << false;
        QTest::newRow("503 after text arrived") << failedWith(httpError(503), {}, 1) << false;
        QTest::newRow("overload event in a 200 stream")
            << failedWith(Lathe::Error(ErrorCode::Provider, QStringLiteral("Overloaded"))) << true;
        QTest::newRow("malformed stream")
            << failedWith(Lathe::Error(ErrorCode::Protocol, QStringLiteral("bad"))) << false;
        QTest::newRow("cancelled") << failedWith(Lathe::Error(ErrorCode::Cancelled, QStringLiteral("stop")))
                                   << false;
        QTest::newRow("bad request built")
            << failedWith(Lathe::Error(ErrorCode::InvalidArgument, QStringLiteral("x"))) << false;
        QTest::newRow("x-should-retry true overrides a 400")
            << failedWith(httpError(400), {{"x-should-retry", "true"}}) << true;
        QTest::newRow("x-should-retry false overrides a 503")
            << failedWith(httpError(503), {{"X-Should-Retry", "false"}}) << false;
        ChatOutcome completed;
        completed.completed = true;
        QTest::newRow("completed") << completed << false;
    }

    void decidesWhatIsWorthRetrying()
    {
        QFETCH(ChatOutcome, outcome);
        QFETCH(bool, retryable);
        QCOMPARE(RetryPolicy{}.isRetryable(outcome), retryable);
    }

    void readsTheServersRetryDelay_data()
    {
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<int>("delayMs"); // -1: none
        QTest::newRow("none") << Headers{} << -1;
        QTest::newRow("retry-after-ms wins")
            << Headers{{"retry-after", "9"}, {"retry-after-ms", "250.7"}} << 250;
        QTest::newRow("retry-after seconds") << Headers{{"Retry-After", "2"}} << 2000;
        QTest::newRow("retry-after fractional seconds") << Headers{{"retry-after", "0.5"}} << 500;
        QTest::newRow("retry-after HTTP date")
            << Headers{{"retry-after", "Fri, 27 Nov 2026 12:00:07 GMT"}} << 7000;
        QTest::newRow("retry-after date in the past")
            << Headers{{"retry-after", "Fri, 27 Nov 2026 11:00:00 GMT"}} << 0;
        QTest::newRow("garbage") << Headers{{"retry-after", "soon"}} << -1;
    }

    void readsTheServersRetryDelay()
    {
        QFETCH(Headers, headers);
        QFETCH(int, delayMs);
        QCOMPARE(serverRetryDelayMs(headers, kNow).value_or(-1), delayMs);
    }

    void backsOffExponentiallyWithJitterWhenTheServerNamesNoDelay_data()
    {
        QTest::addColumn<int>("retry");
        QTest::addColumn<double>("jitter");
        QTest::addColumn<int>("delayMs");
        QTest::newRow("first, no jitter") << 1 << 0.0 << 500;
        QTest::newRow("second") << 2 << 0.0 << 1000;
        QTest::newRow("third") << 3 << 0.0 << 2000;
        QTest::newRow("capped at 8 s") << 10 << 0.0 << 8000;
        QTest::newRow("full jitter takes a quarter off") << 2 << 1.0 << 750;
        QTest::newRow("half jitter") << 1 << 0.5 << 438;
    }

    void backsOffExponentiallyWithJitterWhenTheServerNamesNoDelay()
    {
        QFETCH(int, retry);
        QFETCH(double, jitter);
        QFETCH(int, delayMs);
        QCOMPARE(RetryPolicy{}.delayMs(failedWith(httpError(503)), retry, jitter, kNow), delayMs);
    }

    void honoursAServerDelayOnlyWithinTheLimit()
    {
        const RetryPolicy policy;
        QCOMPARE(policy.delayMs(failedWith(httpError(429), {{"retry-after-ms", "1200"}}), 1, 0.0, kNow),
                 1200);
        // A minute and more is not a retry any more: fall back to the computed backoff.
        QCOMPARE(policy.delayMs(failedWith(httpError(429), {{"retry-after", "3600"}}), 1, 0.0, kNow), 500);
        QCOMPARE(policy.delayMs(failedWith(httpError(429), {{"retry-after", "0"}}), 1, 0.0, kNow), 500);
    }
};

QTEST_APPLESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
