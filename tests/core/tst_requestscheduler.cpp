// SPDX-License-Identifier: GPL-3.0-or-later
#include <QSignalSpy>
#include <QTest>

#include "http/HttpHeaders.h"
#include "providers/RequestScheduler.h"

using namespace Lathe;
using namespace Lathe::Providers;

namespace
{

const QString kProvider = QStringLiteral("api.example.com:443");
const QString kOther = QStringLiteral("127.0.0.1:11434");

/** A scheduler on a clock the test moves by hand, recording the order of its grants. */
struct Harness
{
    RequestScheduler scheduler;
    qint64 now = 1'000;
    QStringList granted;

    Harness()
    {
        scheduler.setClock([this] { return now; });
    }

    RequestScheduler::Ticket add(const QString &name, qint64 tokens = 0, const QString &provider = kProvider)
    {
        return scheduler.enqueue(provider, tokens,
                                 [this, name](RequestScheduler::Ticket) { granted << name; });
    }

    void advance(qint64 ms)
    {
        now += ms;
        scheduler.dispatch();
    }
};

ChatOutcome answeredWith(Http::HeaderList headers, int status = 200, TokenUsage usage = {})
{
    ChatOutcome outcome;
    outcome.completed = status == 200;
    outcome.httpStatus = status;
    outcome.responseHeaders = std::move(headers);
    outcome.usage = usage;
    return outcome;
}

} // namespace

class TestRequestScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void grantsAtOnceWhenNothingLimits()
    {
        Harness h;
        const auto ticket = h.add(QStringLiteral("a"));
        QCOMPARE(h.granted, QStringList{QStringLiteral("a")});
        QVERIFY(h.scheduler.isGranted(ticket));
        QCOMPARE(h.scheduler.waitReason(ticket), QString());
    }

    void capsRequestsInFlightPerProvider()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{2, 0, 0});
        const auto a = h.add(QStringLiteral("a"));
        h.add(QStringLiteral("b"));
        const auto c = h.add(QStringLiteral("c"));
        const auto d = h.add(QStringLiteral("d"));
        h.add(QStringLiteral("local"), 0, kOther); // another provider is not held up
        QCOMPARE(h.granted, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("local")}));
        QCOMPARE(h.scheduler.runningCount(kProvider), 2);
        QCOMPARE(h.scheduler.queuedCount(kProvider), 2);
        QCOMPARE(h.scheduler.waitReason(c),
                 QStringLiteral("2 of 2 requests to api.example.com:443 are running"));
        QCOMPARE(h.scheduler.waitReason(d),
                 QStringLiteral("1 request(s) ahead of it at api.example.com:443"));

        h.scheduler.complete(a, answeredWith({}));
        QCOMPARE(h.granted.last(), QStringLiteral("c")); // first in, first out
        QCOMPARE(h.scheduler.queuedCount(kProvider), 1);
    }

    void withdrawingFreesTheSlotOrTheQueuePlace()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{1, 0, 0});
        const auto a = h.add(QStringLiteral("a"));
        const auto b = h.add(QStringLiteral("b"));
        h.add(QStringLiteral("c"));
        h.scheduler.withdraw(b); // leaves the queue without being granted
        QCOMPARE(h.scheduler.queuedCount(kProvider), 1);
        h.scheduler.withdraw(a); // a cancelled request gives back its slot
        QCOMPARE(h.granted, (QStringList{QStringLiteral("a"), QStringLiteral("c")}));
        h.scheduler.withdraw(a); // twice is harmless
        QCOMPARE(h.scheduler.runningCount(kProvider), 1);
    }

    void refillsTheRequestBucketOverTime()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{100, 60, 0}); // one request a second
        for (int i = 0; i < 62; ++i)
            h.scheduler.complete(h.add(QString::number(i)), answeredWith({}));
        QCOMPARE(h.granted.size(), 60); // the full bucket, then nothing
        const auto waiting =
            h.scheduler.waitReason(h.scheduler.enqueue(kProvider, 0, [](RequestScheduler::Ticket) {}));
        QCOMPARE(waiting, QStringLiteral("2 request(s) ahead of it at api.example.com:443"));
        h.advance(999);
        QCOMPARE(h.granted.size(), 60);
        h.advance(1);
        QCOMPARE(h.granted.size(), 61);
        h.advance(1000);
        QCOMPARE(h.granted.size(), 62);
    }

    void admitsTokensAndCorrectsTheEstimate()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{100, 0, 6'000}); // 100 tokens a second
        const auto big = h.add(QStringLiteral("big"), 5'000);
        const auto next = h.add(QStringLiteral("next"), 3'000);
        QCOMPARE(h.granted, QStringList{QStringLiteral("big")});
        QCOMPARE(h.scheduler.waitReason(next),
                 QStringLiteral("token limit of 6000/min at api.example.com:443; ~3000 tokens free in 20 s"));
        // It used far less than estimated: the difference comes back at once.
        h.scheduler.complete(big, answeredWith({}, 200, TokenUsage{1'500, 500, -1, -1}));
        QCOMPARE(h.granted, (QStringList{QStringLiteral("big"), QStringLiteral("next")}));
    }

    void letsARequestLargerThanTheBucketThroughWhenFull()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{4, 0, 1'000});
        h.add(QStringLiteral("huge"), 50'000);
        QCOMPARE(h.granted, QStringList{QStringLiteral("huge")});
        h.add(QStringLiteral("after"), 10);
        h.advance(60'000); // the debt of 49,000 tokens is not yet paid back
        QCOMPARE(h.granted.size(), 1);
        h.advance(49 * 60'000);
        QCOMPARE(h.granted.size(), 2);
    }

    void learnsLimitsFromResponseHeaders()
    {
        Harness h;
        const auto first = h.add(QStringLiteral("first"));
        h.scheduler.complete(first, answeredWith({{"x-ratelimit-limit-requests", "120"},
                                                  {"x-ratelimit-remaining-requests", "0"},
                                                  {"x-ratelimit-reset-requests", "1.5s"}}));
        const auto second = h.add(QStringLiteral("second"));
        QCOMPARE(h.granted.size(), 1);
        QCOMPARE(h.scheduler.waitReason(second),
                 QStringLiteral("api.example.com:443 asked to pause; 2 s left"));
        h.advance(1'499);
        QCOMPARE(h.granted.size(), 1);
        h.advance(1);
        QCOMPARE(h.granted.size(), 2);
        QCOMPARE(h.scheduler.limits(kProvider).requestsPerMinute, 0.0); // configured limits unchanged
    }

    void reportedLimitNeverLoosensAConfiguredOne()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{4, 2, 0});
        h.scheduler.complete(h.add(QStringLiteral("a")),
                             answeredWith({{"x-ratelimit-limit-requests", "10000"}}));
        h.scheduler.complete(h.add(QStringLiteral("b")), answeredWith({}));
        h.add(QStringLiteral("c"));
        QCOMPARE(h.granted.size(), 2);
        h.advance(30'000);
        QCOMPARE(h.granted.size(), 3);
    }

    void pausesAProviderForA429sRetryAfter()
    {
        Harness h;
        const auto first = h.add(QStringLiteral("first"));
        const auto other = h.add(QStringLiteral("other"), 0, kOther);
        h.scheduler.complete(first, answeredWith({{"retry-after", "20"}}, 429));
        h.add(QStringLiteral("second"));
        QCOMPARE(h.granted.size(), 2);
        h.scheduler.complete(other, answeredWith({}));
        h.add(QStringLiteral("other again"), 0, kOther);
        QCOMPARE(h.granted.last(), QStringLiteral("other again"));
        h.advance(20'000);
        QCOMPARE(h.granted.last(), QStringLiteral("second"));
    }

    void wakesItselfWhenABucketRefills()
    {
        RequestScheduler scheduler; // the real clock
        // One request a second: draining the full bucket takes far less than the second it
        // needs to refill, even under a sanitizer.
        scheduler.setLimits(kProvider, ProviderLimits{4, 60, 0});
        for (int i = 0; i < 60; ++i)
            scheduler.complete(scheduler.enqueue(kProvider, 0, [](RequestScheduler::Ticket) {}),
                               answeredWith({}));
        bool granted = false;
        scheduler.enqueue(kProvider, 0, [&granted](RequestScheduler::Ticket) { granted = true; });
        QVERIFY(!granted);
        QTRY_VERIFY_WITH_TIMEOUT(granted, 3000);
    }

    void callbacksMayReenterTheScheduler()
    {
        Harness h;
        h.scheduler.setLimits(kProvider, ProviderLimits{1, 0, 0});
        // A request that fails at once completes inside its own grant.
        h.scheduler.enqueue(kProvider, 0, [&h](RequestScheduler::Ticket ticket) {
            h.granted << QStringLiteral("first");
            h.scheduler.complete(ticket, answeredWith({}, 500));
        });
        h.add(QStringLiteral("second"));
        QCOMPARE(h.granted, (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
    }

    void reportsQueueChanges()
    {
        Harness h;
        QSignalSpy changes(&h.scheduler, &RequestScheduler::queueChanged);
        h.scheduler.complete(h.add(QStringLiteral("a")), answeredWith({}));
        QCOMPARE(changes.size(), 3); // queued, granted, finished
        QCOMPARE(changes.first().first().toString(), kProvider);
    }

    void keysAndEstimates()
    {
        ProviderEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("https://API.openai.com/v1"));
        QCOMPARE(schedulerKey(endpoint), QStringLiteral("api.openai.com:443"));
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:11434/api"));
        QCOMPARE(schedulerKey(endpoint), QStringLiteral("127.0.0.1:11434"));

        ChatRequest request;
        request.messages = {{QStringLiteral("system"), QString(40, QLatin1Char('s'))},
                            {QStringLiteral("user"), QString(41, QLatin1Char('u'))}};
        QCOMPARE(estimateRequestTokens(request), qint64(21));
        request.maxOutputTokens = 500;
        QCOMPARE(estimateRequestTokens(request), qint64(521));
        // An answer schema is part of the prompt: (81 + 40) / 4, rounded up.
        request.responseFormat =
            Lathe::Providers::ResponseFormat{QByteArray(40, ' '), QStringLiteral("a"), true};
        QCOMPARE(estimateRequestTokens(request), qint64(531));
    }
};

QTEST_GUILESS_MAIN(TestRequestScheduler)
#include "tst_requestscheduler.moc"
