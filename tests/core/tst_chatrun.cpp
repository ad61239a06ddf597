// SPDX-License-Identifier: GPL-3.0-or-later
// ChatRun against the simulator and a scripted server: retries, their waits, fallbacks, the
// shared scheduler and the request ledger.
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include "ScriptedHttpServer.h"
#include "ledger/RequestLedger.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorServer.h"
#include "providers/ChatRun.h"

using namespace Lathe;
using namespace Lathe::Providers;

namespace
{

const QString kPrompt = QStringLiteral("What should happen when the provider is overloaded?");

ChatRequest promptRequest()
{
    ChatRequest request;
    request.messages = {{QStringLiteral("user"), kPrompt}};
    return request;
}

QString answerText(const QString &model)
{
    return Mock::simulateAnswer(model, {{QStringLiteral("user"), kPrompt}}, std::nullopt).text();
}

struct Finished
{
    RunOutcome outcome;
    QList<int> waits; // nextWaitMs after each attempt
};

} // namespace

class TestChatRun : public QObject
{
    Q_OBJECT

private:
    Mock::SimulatorServer *m_simulator = nullptr;
    QNetworkAccessManager *m_network = nullptr;

    ChatTarget simulated(const QString &model) const
    {
        ChatTarget target;
        target.endpoint.baseUrl = m_simulator->baseUrl();
        target.model = model;
        return target;
    }

    Finished run(const QList<ChatTarget> &targets, RetryPolicy policy = {})
    {
        ChatRun run(m_network, targets, promptRequest(), policy);
        run.setJitterSource([] { return 0.0; });
        Finished result;
        connect(&run, &ChatRun::attemptFinished, this,
                [&result](const AttemptRecord &, int nextWaitMs) { result.waits.append(nextWaitMs); });
        QSignalSpy finished(&run, &ChatRun::finished);
        run.start();
        if (!finished.wait(20000))
            qFatal("the run did not finish");
        result.outcome = finished.at(0).at(0).value<RunOutcome>();
        return result;
    }

private Q_SLOTS:
    void init()
    {
        Mock::SimulatorOptions options;
        options.tokensPerSecond = 0;
        options.firstTokenDelayMs = 5;
        m_simulator = new Mock::SimulatorServer(options, this);
        QVERIFY(m_simulator->listen(0));
        m_network = new QNetworkAccessManager(this);
    }

    void cleanup()
    {
        delete m_network;
        delete m_simulator;
    }

    void completesOnTheFirstAttemptWhenNothingFails()
    {
        const Finished result = run({simulated(QStringLiteral("lathe-sim"))});
        QVERIFY(result.outcome.outcome.completed);
        QCOMPARE(result.outcome.attempts.size(), 1);
        QCOMPARE(result.outcome.outcome.text, answerText(QStringLiteral("lathe-sim")));
        QCOMPARE(result.waits, QList<int>{-1});
    }

    void retriesServerErrorsWaitingWhatTheServerAsks()
    {
        // The first two requests get a 503 asking for 40 ms; the third goes through.
        QElapsedTimer clock;
        clock.start();
        const Finished result = run({simulated(QStringLiteral("lathe-sim+http-503:40*2"))});
        QVERIFY(result.outcome.outcome.completed);
        QCOMPARE(result.outcome.attempts.size(), 3);
        QCOMPARE(result.outcome.attempts[0].outcome.error->httpStatus, 503);
        QCOMPARE(result.outcome.attempts[1].outcome.error->httpStatus, 503);
        QCOMPARE(result.waits, (QList<int>{40, 40, -1}));
        QCOMPARE(result.outcome.attempts[2].waitedMs, 40);
        QVERIFY(clock.elapsed() >= 80);
        QCOMPARE(result.outcome.outcome.text, answerText(QStringLiteral("lathe-sim")));
    }

    void backsOffExponentiallyWhenTheServerNamesNoDelay()
    {
        RetryPolicy policy;
        policy.initialBackoffMs = 20;
        const Finished result = run({simulated(QStringLiteral("lathe-sim+http-500*3"))}, policy);
        QVERIFY(!result.outcome.outcome.completed);
        // Three failures use up the two retries; the answer is the last error.
        QCOMPARE(result.outcome.attempts.size(), 3);
        QCOMPARE(result.waits, (QList<int>{20, 40, -1}));
        QCOMPARE(result.outcome.outcome.error->httpStatus, 500);
    }

    void doesNotRetryAnAuthErrorButFallsBack()
    {
        const Finished result = run(
            {simulated(QStringLiteral("lathe-sim+http-401")), simulated(QStringLiteral("lathe-sim-large"))});
        QVERIFY(result.outcome.outcome.completed);
        QCOMPARE(result.outcome.attempts.size(), 2);
        QCOMPARE(result.outcome.attempts[0].outcome.error->httpStatus, 401);
        QCOMPARE(result.outcome.attempts[1].targetIndex, 1);
        QCOMPARE(result.outcome.attempts[1].attempt, 1);
        QCOMPARE(result.outcome.outcome.text, answerText(QStringLiteral("lathe-sim-large")));
    }

    void triesTheFallbackChainInOrder()
    {
        RetryPolicy policy;
        policy.maxRetries = 1;
        policy.initialBackoffMs = 1;
        const Finished result = run({simulated(QStringLiteral("lathe-sim+http-404")),
                                     simulated(QStringLiteral("lathe-sim+http-503")),
                                     simulated(QStringLiteral("lathe-sim-large"))},
                                    policy);
        QStringList sequence;
        for (const AttemptRecord &attempt : result.outcome.attempts)
            sequence << QStringLiteral("%1.%2:%3")
                            .arg(attempt.targetIndex)
                            .arg(attempt.attempt)
                            .arg(attempt.outcome.httpStatus);
        QCOMPARE(sequence, (QStringList{QStringLiteral("0.1:404"), QStringLiteral("1.1:503"),
                                        QStringLiteral("1.2:503"), QStringLiteral("2.1:200")}));
        QVERIFY(result.outcome.outcome.completed);
    }

    void keepsAPartialAnswerInsteadOfRetryingOrFallingBack()
    {
        const Finished result = run({simulated(QStringLiteral("lathe-sim+reset-mid-stream:6")),
                                     simulated(QStringLiteral("lathe-sim-large"))});
        QCOMPARE(result.outcome.attempts.size(), 1);
        QVERIFY(!result.outcome.outcome.completed);
        QCOMPARE(result.outcome.outcome.error->code, ErrorCode::Truncated);
        const QStringList tokens = Mock::simulateAnswer(QStringLiteral("lathe-sim"),
                                                        {{QStringLiteral("user"), kPrompt}}, std::nullopt)
                                       .tokens;
        QCOMPARE(result.outcome.outcome.text, tokens.mid(0, 6).join(QString()));
    }

    void doesNotRetryWhenTheQuotaIsExhausted()
    {
        const QByteArray body =
            R"({"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})";
        TestSupport::ScriptedHttpServer broke(
            {TestSupport::responseWrites(429, "application/json", {body},
                                         TestSupport::BodyFraming::ContentLength),
             0, TestSupport::ScriptedResponse::End::Close});
        QVERIFY(broke.listen());
        ChatTarget first;
        first.endpoint.baseUrl = broke.baseUrl();
        first.model = QStringLiteral("gpt-4o");
        const Finished result = run({first, simulated(QStringLiteral("lathe-sim"))});
        QCOMPARE(broke.requests().size(), 1);
        QCOMPARE(result.outcome.attempts.size(), 2);
        QCOMPARE(result.outcome.attempts[0].outcome.error->providerCode,
                 QStringLiteral("insufficient_quota"));
        QVERIFY(result.outcome.outcome.completed);
    }

    void retriesAConnectionThatWasRefused()
    {
        quint16 closedPort = 0;
        {
            Mock::SimulatorServer probe({});
            closedPort = *probe.listen(0);
        }
        ChatTarget nobody;
        nobody.endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort));
        nobody.model = QStringLiteral("lathe-sim");
        RetryPolicy policy;
        policy.initialBackoffMs = 5;
        const Finished result = run({nobody, simulated(QStringLiteral("lathe-sim"))}, policy);
        QCOMPARE(result.outcome.attempts.size(), 4);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(result.outcome.attempts[i].outcome.error->code, ErrorCode::Network);
        QVERIFY(result.outcome.outcome.completed);
    }

    void cancelWhileWaitingToRetryEndsTheRunAtOnce()
    {
        ChatRun run(m_network, {simulated(QStringLiteral("lathe-sim+http-503:5000"))}, promptRequest());
        QSignalSpy finished(&run, &ChatRun::finished);
        connect(&run, &ChatRun::attemptFinished, &run, [&run](const AttemptRecord &, int nextWaitMs) {
            if (nextWaitMs > 0)
                QMetaObject::invokeMethod(&run, &ChatRun::cancel, Qt::QueuedConnection);
        });
        QElapsedTimer clock;
        clock.start();
        run.start();
        QVERIFY(finished.wait(3000));
        QVERIFY(clock.elapsed() < 3000);
        const RunOutcome outcome = finished.at(0).at(0).value<RunOutcome>();
        QCOMPARE(outcome.outcome.error->code, ErrorCode::Cancelled);
        QCOMPARE(outcome.attempts.size(), 1);
    }

    void timesOutAStalledStreamKeepingItsText()
    {
        // The first request stalls for 10 s halfway; a 300 ms idle timeout cuts it. But text
        // had arrived by then, so the run ends there with the partial answer.
        ChatTarget stalled = simulated(QStringLiteral("lathe-sim+stall:10000"));
        stalled.endpoint.idleTimeoutMs = 300;
        const Finished result = run({stalled});
        QCOMPARE(result.outcome.attempts.size(), 1);
        QCOMPARE(result.outcome.outcome.error->code, ErrorCode::Timeout);
        QVERIFY(!result.outcome.outcome.text.isEmpty());
    }

    void firstByteTimeoutBeforeAnyTextIsRetried()
    {
        // Headers never arrive from this server: the first-byte deadline fires, and the retry
        // goes to the fallback.
        TestSupport::ScriptedHttpServer silent({{}, 0, TestSupport::ScriptedResponse::End::Stall});
        QVERIFY(silent.listen());
        ChatTarget first;
        first.endpoint.baseUrl = silent.baseUrl();
        first.endpoint.firstByteTimeoutMs = 150;
        first.model = QStringLiteral("x");
        RetryPolicy policy;
        policy.maxRetries = 0;
        const Finished result = run({first, simulated(QStringLiteral("lathe-sim"))}, policy);
        QCOMPARE(result.outcome.attempts.size(), 2);
        QCOMPARE(result.outcome.attempts[0].outcome.error->code, ErrorCode::Timeout);
        QVERIFY2(result.outcome.attempts[0].outcome.error->message.contains(
                     QStringLiteral("no response within 0.15 s")),
                 qPrintable(result.outcome.attempts[0].outcome.error->message));
        QVERIFY(result.outcome.outcome.completed);
    }
    void runsSharingASchedulerSlotTakeTurns()
    {
        RequestScheduler scheduler;
        const ChatTarget target = simulated(QStringLiteral("lathe-sim+slow-drip:5"));
        scheduler.setLimits(schedulerKey(target.endpoint), ProviderLimits{1, 0, 0});
        ChatRun first(m_network, {target}, promptRequest());
        ChatRun second(m_network, {target}, promptRequest());
        first.setScheduler(&scheduler);
        second.setScheduler(&scheduler);
        QStringList order;
        connect(&first, &ChatRun::finished, this, [&order] { order << QStringLiteral("first finished"); });
        connect(&second, &ChatRun::eventsReceived, this, [&order] {
            if (!order.contains(QStringLiteral("second streaming")))
                order << QStringLiteral("second streaming");
        });
        QSignalSpy queued(&second, &ChatRun::queueStateChanged);
        QSignalSpy secondFinished(&second, &ChatRun::finished);
        first.start();
        second.start();
        QCOMPARE(queued.size(), 1);
        QCOMPARE(queued.at(0).at(0).toString(),
                 QStringLiteral("1 of 1 requests to %1 are running").arg(schedulerKey(target.endpoint)));
        QVERIFY(secondFinished.wait(20000));
        QCOMPARE(order, (QStringList{QStringLiteral("first finished"), QStringLiteral("second streaming")}));
        QCOMPARE(queued.last().at(0).toString(), QString()); // left the queue
        const RunOutcome outcome = secondFinished.at(0).at(0).value<RunOutcome>();
        QVERIFY(outcome.outcome.completed);
        QVERIFY(outcome.attempts[0].queuedMs > 0);
        QCOMPARE(scheduler.runningCount(schedulerKey(target.endpoint)), 0);
    }

    void cancelWhileQueuedLeavesTheQueue()
    {
        RequestScheduler scheduler;
        const ChatTarget target = simulated(QStringLiteral("lathe-sim+slow-drip:20"));
        const QString key = schedulerKey(target.endpoint);
        scheduler.setLimits(key, ProviderLimits{1, 0, 0});
        ChatRun first(m_network, {target}, promptRequest());
        ChatRun second(m_network, {target}, promptRequest());
        first.setScheduler(&scheduler);
        second.setScheduler(&scheduler);
        QSignalSpy secondFinished(&second, &ChatRun::finished);
        first.start();
        second.start();
        QCOMPARE(scheduler.queuedCount(key), 1);
        second.cancel();
        QCOMPARE(secondFinished.size(), 1);
        QCOMPARE(secondFinished.at(0).at(0).value<RunOutcome>().outcome.error->code, ErrorCode::Cancelled);
        QCOMPARE(scheduler.queuedCount(key), 0);
        first.cancel();
        QTRY_COMPARE(scheduler.runningCount(key), 0);
    }

    void theSchedulerHoldsBackWhatTheServersHeadersSayWouldBeRefused()
    {
        // A server allowing two requests a minute, reporting it in OpenAI's headers.
        Mock::SimulatorOptions options;
        options.tokensPerSecond = 0;
        options.firstTokenDelayMs = 1;
        options.requestsPerMinute = 2;
        Mock::SimulatorServer limited(options);
        QVERIFY(limited.listen(0));
        ChatTarget target;
        target.endpoint.baseUrl = limited.baseUrl();
        target.model = QStringLiteral("lathe-sim");
        RequestScheduler scheduler;

        for (int i = 0; i < 2; ++i) {
            ChatRun run(m_network, {target}, promptRequest());
            run.setScheduler(&scheduler);
            QSignalSpy finished(&run, &ChatRun::finished);
            run.start();
            QVERIFY(finished.wait(20000));
            QVERIFY(finished.at(0).at(0).value<RunOutcome>().outcome.completed);
        }
        // The second answer said no request is left for about a minute: the third waits,
        // instead of being sent and refused with a 429.
        ChatRun third(m_network, {target}, promptRequest());
        third.setScheduler(&scheduler);
        QSignalSpy queued(&third, &ChatRun::queueStateChanged);
        QSignalSpy finished(&third, &ChatRun::finished);
        third.start();
        QCOMPARE(queued.size(), 1);
        const QString reason = queued.at(0).at(0).toString();
        QVERIFY2(reason.startsWith(schedulerKey(target.endpoint) + QStringLiteral(" asked to pause; ")),
                 qPrintable(reason));
        QVERIFY(!finished.wait(300));
        third.cancel();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>().attempts.size(), 0); // nothing was sent
    }

    void writesEveryAttemptToTheLedgerWithoutItsKey()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        Ledger::RequestLedger ledger(folder.filePath(QStringLiteral("nested/ledger.jsonl")));
        const QByteArray key = "sk-lathe-test-planted-key-0123456789";
        ChatTarget target = simulated(QStringLiteral("lathe-sim+http-503:10*1"));
        target.endpoint.apiKey = QString::fromLatin1(key);

        ChatRun run(m_network, {target}, promptRequest());
        Ledger::recordAttempts(&run, &ledger,
                               [](const Lathe::Error &error) { QFAIL(qPrintable(error.toString())); });
        QSignalSpy finished(&run, &ChatRun::finished);
        run.start();
        QVERIFY(finished.wait(20000));

        QFile file(ledger.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray contents = file.readAll();
        QVERIFY(!contents.contains(key));
        const QList<QByteArray> lines = contents.trimmed().split('\n');
        QVERIFY2(lines.size() == 2, contents.constData());
        const auto first = nlohmann::json::parse(lines[0].toStdString());
        const auto second = nlohmann::json::parse(lines[1].toStdString());
        QCOMPARE(first["status"].get<int>(), 503);
        QCOMPARE(first["error"]["code"].get<std::string>(), std::string("http"));
        QCOMPARE(second["status"].get<int>(), 200);
        QCOMPARE(second["completed"].get<bool>(), true);
        QCOMPARE(second["attempt"].get<int>(), 2);
        QCOMPARE(second["waited_ms"].get<int>(), 10);
        QCOMPARE(first["run"].get<std::string>(), second["run"].get<std::string>());
        QCOMPARE(QString::fromStdString(second["text"].get<std::string>()),
                 answerText(QStringLiteral("lathe-sim")));
        QCOMPARE(second["request_body"]["model"].get<std::string>(), std::string("lathe-sim+http-503:10*1"));
        QCOMPARE(second["url"].get<std::string>(),
                 target.endpoint.baseUrl.toString().toStdString() + "/chat/completions");
        bool sawAuthorization = false;
        for (const auto &header : second["request_headers"]) {
            if (header[0] == "Authorization") {
                sawAuthorization = true;
                QCOMPARE(header[1].get<std::string>(), std::string("[redacted]"));
            }
        }
        QVERIFY(sawAuthorization);
        QVERIFY(second["timings"]["ttft_ms"].get<double>() >= 0);
        QVERIFY(second["usage"]["output"].get<int>() > 0);
    }
};

QTEST_GUILESS_MAIN(TestChatRun)
#include "tst_chatrun.moc"
