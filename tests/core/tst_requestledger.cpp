// SPDX-License-Identifier: GPL-3.0-or-later
#include <thread>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "http/HttpHeaders.h"
#include "ledger/RequestLedger.h"

using namespace Lathe;
using namespace Lathe::Providers;
using nlohmann::json;

namespace
{

const QByteArray kKey = "sk-proj-planted-secret-0123456789abcdef";

AttemptRecord sentAttempt()
{
    AttemptRecord attempt;
    attempt.runId = QStringLiteral("run-1");
    attempt.target = QStringLiteral("api.openai.com/gpt-4o-mini");
    attempt.sentAt = QDateTime(QDate(2026, 11, 27), QTime(12, 0, 0), Qt::UTC);
    attempt.request.url = QUrl(QStringLiteral("https://api.openai.com/v1/chat/completions"));
    attempt.request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kKey}};
    attempt.request.body =
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    attempt.outcome.completed = true;
    attempt.outcome.httpStatus = 200;
    attempt.outcome.text = QStringLiteral("Hello.");
    attempt.outcome.finishReason = QStringLiteral("stop");
    attempt.outcome.usage = TokenUsage{9, 2, 0, -1};
    attempt.outcome.timings = StreamTimings{120.0, 180.0, {120.0, 150.0}};
    return attempt;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestRequestLedger : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redactsCredentialHeaders_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("redacted");
        QTest::newRow("Authorization") << QByteArray("Authorization") << true;
        QTest::newRow("lower case") << QByteArray("authorization") << true;
        QTest::newRow("Anthropic") << QByteArray("x-api-key") << true;
        QTest::newRow("Azure") << QByteArray("api-key") << true;
        QTest::newRow("Gemini") << QByteArray("x-goog-api-key") << true;
        QTest::newRow("proxy") << QByteArray("Proxy-Authorization") << true;
        QTest::newRow("cookie") << QByteArray("Cookie") << true;
        QTest::newRow("custom token") << QByteArray("X-Auth-Token") << true;
        QTest::newRow("content type") << QByteArray("Content-Type") << false;
        QTest::newRow("version") << QByteArray("anthropic-version") << false;
        QTest::newRow("rate limit") << QByteArray("x-ratelimit-remaining-tokens") << false;
    }

    void redactsCredentialHeaders()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, redacted);
        AttemptRecord attempt = sentAttempt();
        attempt.request.headers = {{name, "value-1234"}};
        attempt.outcome.responseHeaders = {{name, "value-5678"}};
        const json line = Ledger::RequestLedger::toJson(attempt, {});
        QCOMPARE(line["request_headers"][0][1].get<std::string>(),
                 std::string(redacted ? "[redacted]" : "value-1234"));
        QCOMPARE(line["response_headers"][0][1].get<std::string>(),
                 std::string(redacted ? "[redacted]" : "value-5678"));
    }

    void redactsCredentialsInTheUrl()
    {
        AttemptRecord attempt = sentAttempt();
        attempt.request.url = QUrl(QStringLiteral("https://user:pass@proxy.example/v1beta/models/"
                                                  "gemini:streamGenerateContent?alt=sse&key=AIzaSecret"));
        const json line = Ledger::RequestLedger::toJson(attempt, {});
        QCOMPARE(
            line["url"].get<std::string>(),
            std::string(
                "https://proxy.example/v1beta/models/gemini:streamGenerateContent?alt=sse&key=redacted"));
    }

    void scrubsTheKeyWhereverItAppears()
    {
        AttemptRecord attempt = sentAttempt();
        const QString key = QString::fromLatin1(kKey);
        attempt.request.body = "{\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + kKey + "\"}]}";
        attempt.outcome.reasoning = QStringLiteral("a short note");
        attempt.outcome.text = QStringLiteral("You said ") + key + QStringLiteral(" twice: ") + key;
        attempt.outcome.error =
            Lathe::Error(ErrorCode::Http, QStringLiteral("Incorrect API key provided: ") + key, {}, 401);
        attempt.outcome.toolCalls = {{QStringLiteral("c1"), QStringLiteral("f"),
                                      QStringLiteral("{\"k\":\"") + key + QStringLiteral("\"}")}};
        const json line = Ledger::RequestLedger::toJson(attempt, {kKey, "short"});
        const QByteArray text = QByteArray::fromStdString(line.dump());
        QVERIFY2(!text.contains(kKey), text.constData());
        QCOMPARE(line["text"].get<std::string>(), std::string("You said [redacted] twice: [redacted]"));
        QCOMPARE(line["error"]["message"].get<std::string>(),
                 std::string("Incorrect API key provided: [redacted]"));
        QCOMPARE(line["request_body"]["messages"][0]["content"].get<std::string>(),
                 std::string("my key is [redacted]"));
        // A "secret" too short to be a key would scrub ordinary words: it is not applied.
        QCOMPARE(line["reasoning"].get<std::string>(), std::string("a short note"));
    }

    void keepsWhatHappened()
    {
        const json line = Ledger::RequestLedger::toJson(sentAttempt(), {kKey});
        QCOMPARE(line["at"].get<std::string>(), std::string("2026-11-27T12:00:00.000Z"));
        QCOMPARE(line["status"].get<int>(), 200);
        QCOMPARE(line["request_body"]["model"].get<std::string>(), std::string("gpt-4o-mini"));
        const json usage{
            {"input", 9}, {"output", 2}, {"cached", 0}, {"cache_write", nullptr}, {"reasoning", nullptr}};
        QCOMPARE(line["usage"].dump(), usage.dump());
        QCOMPARE(line["timings"]["ttft_ms"].get<double>(), 120.0);
        QCOMPARE(line["timings"]["itl_max_ms"].get<double>(), 30.0);
        QVERIFY(line["error"].is_null());
    }

    void keepsABodyThatIsNotJsonAsText()
    {
        AttemptRecord attempt = sentAttempt();
        attempt.request.body = "not json {";
        QCOMPARE(Ledger::RequestLedger::toJson(attempt, {})["request_body"].get<std::string>(),
                 std::string("not json {"));
    }

    void appendsOneWholeLinePerAttempt()
    {
        QTemporaryDir folder;
        Ledger::RequestLedger ledger(folder.filePath(QStringLiteral("a/b/ledger.jsonl")));
        constexpr int kPerThread = 200;
        auto write = [&ledger] {
            for (int i = 0; i < kPerThread; ++i)
                QVERIFY(ledger.append(sentAttempt(), {kKey}).has_value());
        };
        std::thread other(write);
        write();
        other.join();
        const QList<QByteArray> lines = readAll(ledger.path()).split('\n');
        QCOMPARE(lines.size(), 2 * kPerThread + 1); // the file ends with a newline
        for (qsizetype i = 0; i + 1 < lines.size(); ++i)
            QVERIFY(json::accept(lines[i].toStdString()));
    }

    void writesNothingForAnAttemptThatWasNeverSent()
    {
        QTemporaryDir folder;
        Ledger::RequestLedger ledger(folder.filePath(QStringLiteral("ledger.jsonl")));
        AttemptRecord unsent = sentAttempt();
        unsent.sentAt = QDateTime();
        QVERIFY(ledger.append(unsent, {}).has_value());
        QVERIFY(!QFile::exists(ledger.path()));
    }

    void reportsAFileItCannotWrite()
    {
        QTemporaryDir folder;
        const QString blocker = folder.filePath(QStringLiteral("file"));
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        Ledger::RequestLedger ledger(blocker + QStringLiteral("/ledger.jsonl")); // a folder that is a file
        const auto written = ledger.append(sentAttempt(), {});
        QVERIFY(!written);
        QCOMPARE(written.error().code, ErrorCode::Io);
        QCOMPARE(written.error().where, ledger.path());
    }

    void endpointSecretsIncludeCredentialHeaders()
    {
        ProviderEndpoint endpoint;
        endpoint.apiKey = QStringLiteral("key-123456789");
        endpoint.extraHeaders = {{"OpenAI-Project", "proj_1"}, {"X-Gateway-Token", "gw-secret-1"}};
        QCOMPARE(endpoint.secrets(), (QByteArrayList{"key-123456789", "gw-secret-1"}));
    }
};

QTEST_GUILESS_MAIN(TestRequestLedger)
#include "tst_requestledger.moc"
