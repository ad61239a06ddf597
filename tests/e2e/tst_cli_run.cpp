// SPDX-License-Identifier: GPL-3.0-or-later
// lathe-cli run against lathe-cli serve-mock: two real processes talking over loopback.
#include <memory>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "CliProcess.h"
#include "mock/SimulatedAnswer.h"

namespace
{

using Lathe::TestSupport::cliPath;
using Lathe::TestSupport::CliResult;
using Lathe::TestSupport::MockServerProcess;
using Lathe::TestSupport::runCli;

QStringList runArguments(const QString &baseUrl, const QString &model, const QString &prompt)
{
    return {QStringLiteral("run"),
            QStringLiteral("--base-url"),
            baseUrl,
            QStringLiteral("--model"),
            model,
            QStringLiteral("--prompt"),
            prompt};
}

Lathe::Mock::SimulatedAnswer answerFor(const QString &model, const QString &prompt,
                                       std::optional<qint64> maxTokens = std::nullopt)
{
    return Lathe::Mock::simulateAnswer(model, {{QStringLiteral("user"), prompt}}, maxTokens);
}

QJsonObject statsLine(const CliResult &result)
{
    const QStringList lines = result.errLines();
    if (lines.isEmpty())
        return {};
    return QJsonDocument::fromJson(lines.back().toUtf8()).object();
}

} // namespace

class TestCliRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serveMockAnnouncesItsPortOnTheFirstLine()
    {
        MockServerProcess server;
        const QString line = server.firstLine();
        QVERIFY2(QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:[1-9]\\d*$"))
                     .match(line)
                     .hasMatch(),
                 qPrintable(line));
    }

    void serveMockListensOnTheRequestedPort()
    {
        // Find a port that is free now, then ask the simulator for it.
        quint16 port = 0;
        {
            MockServerProcess probe;
            const QString url = probe.baseUrl();
            port = static_cast<quint16>(QUrl(url).port());
        }
        MockServerProcess server({QStringLiteral("--port"), QString::number(port)});
        QCOMPARE(server.firstLine(), QStringLiteral("listening on http://127.0.0.1:%1").arg(port));
    }

    void streamsTheCompleteAnswerToStdout()
    {
        MockServerProcess server;
        const QString url = server.baseUrl();
        QVERIFY(!url.isEmpty());
        const QString prompt = QStringLiteral("Name three ways to make an LLM call faster.");
        const CliResult result =
            runCli(runArguments(url, QStringLiteral("lathe-sim"), prompt) << QStringLiteral("--stats"));

        QCOMPARE(result.exitCode, 0);
        const auto answer = answerFor(QStringLiteral("lathe-sim"), prompt);
        QCOMPARE(QString::fromUtf8(result.out), answer.text());

        const QJsonObject stats = statsLine(result);
        QCOMPARE(stats.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("stop"));
        QCOMPARE(stats.value(QStringLiteral("output_tokens")).toInteger(), answer.tokens.size());
        QVERIFY(stats.value(QStringLiteral("ttft_ms")).toDouble() >= 10.0);
        QVERIFY(stats.value(QStringLiteral("total_ms")).toDouble() >=
                stats.value(QStringLiteral("ttft_ms")).toDouble());
        QVERIFY(stats.value(QStringLiteral("tokens_per_s")).toDouble() > 0);
        QCOMPARE(result.errLines().size(), 1); // the stats line and nothing else
    }

    void printsTextAsItArrivesNotAtTheEnd()
    {
        MockServerProcess server({QStringLiteral("--tokens-per-second"), QStringLiteral("60")});
        const QString url = server.baseUrl();
        QProcess run;
        run.start(cliPath(),
                  runArguments(url, QStringLiteral("lathe-sim"), QStringLiteral("Stream slowly please")));
        QVERIFY(run.waitForReadyRead(10000));
        const QByteArray firstPiece = run.readAllStandardOutput();
        QVERIFY(!firstPiece.isEmpty());
        // At 60 tokens a second the whole answer takes over a second: the first text must
        // have been flushed while the process was still streaming.
        QCOMPARE(run.state(), QProcess::Running);
        QVERIFY(run.waitForFinished(20000));
        QCOMPARE(run.exitCode(), 0);
        const QByteArray all = firstPiece + run.readAllStandardOutput();
        QCOMPARE(QString::fromUtf8(all),
                 answerFor(QStringLiteral("lathe-sim"), QStringLiteral("Stream slowly please")).text());
    }

    void nonStreamedAnswerEqualsStreamedAnswer()
    {
        MockServerProcess server;
        const QString url = server.baseUrl();
        const QStringList arguments =
            runArguments(url, QStringLiteral("lathe-sim"), QStringLiteral("Same either way?"));
        const CliResult streamed = runCli(arguments);
        const CliResult whole = runCli(QStringList(arguments) << QStringLiteral("--no-stream"));
        QCOMPARE(streamed.exitCode, 0);
        QCOMPARE(whole.exitCode, 0);
        QCOMPARE(whole.out, streamed.out);
    }

    void stopsAtMaxTokensWithFinishReasonLength()
    {
        MockServerProcess server;
        const QString prompt = QStringLiteral("Keep it short");
        const CliResult result =
            runCli(runArguments(server.baseUrl(), QStringLiteral("lathe-sim"), prompt)
                   << QStringLiteral("--max-tokens") << QStringLiteral("7") << QStringLiteral("--stats"));
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(QString::fromUtf8(result.out), answerFor(QStringLiteral("lathe-sim"), prompt, 7).text());
        QCOMPARE(statsLine(result).value(QStringLiteral("finish_reason")).toString(),
                 QStringLiteral("length"));
        QCOMPARE(statsLine(result).value(QStringLiteral("output_tokens")).toInteger(), 7);
    }

    void sendsSystemMessageAndPromptFile()
    {
        MockServerProcess server;
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("prompt.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QString prompt = QStringLiteral("Résumé of the naïve approach — in one line?\n");
        file.write(prompt.toUtf8());
        file.close();
        const CliResult result =
            runCli({QStringLiteral("run"), QStringLiteral("--base-url"), server.baseUrl(),
                    QStringLiteral("--model"), QStringLiteral("lathe-sim"), QStringLiteral("--system"),
                    QStringLiteral("Be brief."), QStringLiteral("--prompt-file"), file.fileName()});
        QCOMPARE(result.exitCode, 0);
        const auto expected = Lathe::Mock::simulateAnswer(
            QStringLiteral("lathe-sim"),
            {{QStringLiteral("system"), QStringLiteral("Be brief.")}, {QStringLiteral("user"), prompt}},
            std::nullopt);
        QCOMPARE(QString::fromUtf8(result.out), expected.text());
    }

    void warnsAboutInvalidUtf8InThePromptFileNamingTheByte()
    {
        MockServerProcess server;
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("bad.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("hello \xff world");
        file.close();
        const CliResult result = runCli(
            {QStringLiteral("run"), QStringLiteral("--base-url"), server.baseUrl(), QStringLiteral("--model"),
             QStringLiteral("lathe-sim"), QStringLiteral("--prompt-file"), file.fileName()});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.contains("invalid UTF-8 at byte 6"), result.err.constData());
        QVERIFY(result.err.contains(file.fileName().toUtf8()));
    }

    void connectionCutMidStreamKeepsPartialTextAndFails_data()
    {
        QTest::addColumn<QStringList>("serverArguments");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("tokensBeforeCut");
        QTest::newRow("fault named by the model")
            << QStringList{} << QStringLiteral("lathe-sim+reset-mid-stream:9") << 9;
        QTest::newRow("fault on the whole server")
            << QStringList{QStringLiteral("--fault"), QStringLiteral("reset-mid-stream:4")}
            << QStringLiteral("lathe-sim") << 4;
    }

    void connectionCutMidStreamKeepsPartialTextAndFails()
    {
        QFETCH(QStringList, serverArguments);
        QFETCH(QString, model);
        QFETCH(int, tokensBeforeCut);
        MockServerProcess server(serverArguments);
        const QString prompt = QStringLiteral("This will be cut short");
        const CliResult result =
            runCli(runArguments(server.baseUrl(), model, prompt) << QStringLiteral("--stats"));

        QCOMPARE(result.exitCode, 1);
        const QStringList tokens = answerFor(QStringLiteral("lathe-sim"), prompt).tokens;
        QCOMPARE(QString::fromUtf8(result.out), tokens.mid(0, tokensBeforeCut).join(QString()));
        const QStringList lines = result.errLines();
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].startsWith(QStringLiteral("lathe-cli run: stream ended before completion")),
                 qPrintable(lines[0]));
        QVERIFY(lines[0].contains(QStringLiteral("/v1/chat/completions")));
        QVERIFY(statsLine(result).value(QStringLiteral("finish_reason")).isNull());
    }

    void httpErrorShowsStatusAndProviderMessage_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("expected");
        QTest::newRow("401") << QStringLiteral("http-401")
                             << QStringLiteral("HTTP 401: Incorrect API key provided.");
        QTest::newRow("429") << QStringLiteral("http-429") << QStringLiteral("HTTP 429: Rate limit reached");
        QTest::newRow("500") << QStringLiteral("http-500")
                             << QStringLiteral("HTTP 500: (simulated fault http-500)");
        QTest::newRow("503") << QStringLiteral("http-503")
                             << QStringLiteral("HTTP 503: The server is overloaded");
    }

    void httpErrorShowsStatusAndProviderMessage()
    {
        QFETCH(QString, fault);
        QFETCH(QString, expected);
        MockServerProcess server;
        const CliResult result =
            runCli(runArguments(server.baseUrl(), QStringLiteral("lathe-sim+") + fault, QStringLiteral("hi"))
                   << QStringLiteral("--max-retries") << QStringLiteral("0"));
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.out.isEmpty());
        const QStringList lines = result.errLines();
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith(QStringLiteral("lathe-cli run: ") + expected), qPrintable(lines[0]));
    }

    void errorEventAfterHttp200IsReportedWithPartialText()
    {
        MockServerProcess server;
        const QString prompt = QStringLiteral("fail politely");
        const CliResult result =
            runCli(runArguments(server.baseUrl(), QStringLiteral("lathe-sim+error-after-200:6"), prompt));
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(QString::fromUtf8(result.out),
                 answerFor(QStringLiteral("lathe-sim"), prompt).tokens.mid(0, 6).join(QString()));
        QVERIFY2(result.err.contains("The simulator injected an error after 6 tokens"),
                 result.err.constData());
    }

    void malformedEventIsReportedWithItsByteOffsetAndTheRestKept()
    {
        MockServerProcess server;
        const QString prompt = QStringLiteral("garble one event");
        const CliResult result =
            runCli(runArguments(server.baseUrl(), QStringLiteral("lathe-sim+malformed-event:5"), prompt));
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(QString::fromUtf8(result.out), answerFor(QStringLiteral("lathe-sim"), prompt).text());
        QVERIFY2(
            QRegularExpression(QStringLiteral("malformed JSON in stream event: .* \\(stream byte \\d+\\)"))
                .match(QString::fromUtf8(result.err))
                .hasMatch(),
            result.err.constData());
    }

    void unreachableServerIsANetworkError()
    {
        quint16 port = 0;
        {
            MockServerProcess probe; // a port that was free a moment ago and is closed now
            port = static_cast<quint16>(QUrl(probe.baseUrl()).port());
        }
        const CliResult result =
            runCli(runArguments(QStringLiteral("http://127.0.0.1:%1/v1").arg(port),
                                QStringLiteral("lathe-sim"), QStringLiteral("anyone there?")));
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("Connection refused"), result.err.constData());
        QVERIFY(result.err.contains(QStringLiteral("127.0.0.1:%1/v1/chat/completions").arg(port).toUtf8()));
    }

    void rejectsBadCommandLinesWithExitCode2_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString url = QStringLiteral("http://127.0.0.1:9/v1");
        QTest::newRow("no model") << QStringList{QStringLiteral("run"), QStringLiteral("--base-url"), url,
                                                 QStringLiteral("--prompt"), QStringLiteral("x")}
                                  << QStringLiteral("--model is required");
        QTest::newRow("unknown provider") << QStringList{QStringLiteral("run"),  QStringLiteral("--provider"),
                                                         QStringLiteral("acme"), QStringLiteral("--model"),
                                                         QStringLiteral("m"),    QStringLiteral("--prompt"),
                                                         QStringLiteral("x")}
                                          << QStringLiteral("unknown provider 'acme'; use one of: openai, "
                                                            "openai-responses, anthropic, gemini, ollama");
        QTest::newRow("fallback without a model")
            << QStringList{QStringLiteral("run"),
                           QStringLiteral("--base-url"),
                           url,
                           QStringLiteral("--model"),
                           QStringLiteral("m"),
                           QStringLiteral("--prompt"),
                           QStringLiteral("x"),
                           QStringLiteral("--fallback"),
                           QStringLiteral("anthropic")}
            << QStringLiteral("--fallback 'anthropic' must look like PROVIDER:MODEL[@BASE_URL]");
        QTest::newRow("negative retries") << QStringList{QStringLiteral("run"),
                                                         QStringLiteral("--base-url"),
                                                         url,
                                                         QStringLiteral("--model"),
                                                         QStringLiteral("m"),
                                                         QStringLiteral("--prompt"),
                                                         QStringLiteral("x"),
                                                         QStringLiteral("--max-retries"),
                                                         QStringLiteral("-1")}
                                          << QStringLiteral("--max-retries must be a whole number");
        QTest::newRow("not a url") << QStringList{QStringLiteral("run"),     QStringLiteral("--base-url"),
                                                  QStringLiteral("ftp://x"), QStringLiteral("--model"),
                                                  QStringLiteral("m"),       QStringLiteral("--prompt"),
                                                  QStringLiteral("x")}
                                   << QStringLiteral("is not an http(s) URL");
        QTest::newRow("two prompts") << QStringList{QStringLiteral("run"),
                                                    QStringLiteral("--base-url"),
                                                    url,
                                                    QStringLiteral("--model"),
                                                    QStringLiteral("m"),
                                                    QStringLiteral("--prompt"),
                                                    QStringLiteral("x"),
                                                    QStringLiteral("--prompt-file"),
                                                    QStringLiteral("f")}
                                     << QStringLiteral("exactly one of --prompt and --prompt-file");
        QTest::newRow("missing prompt file") << QStringList{QStringLiteral("run"),
                                                            QStringLiteral("--base-url"),
                                                            url,
                                                            QStringLiteral("--model"),
                                                            QStringLiteral("m"),
                                                            QStringLiteral("--prompt-file"),
                                                            QStringLiteral("/nonexistent/prompt.txt")}
                                             << QStringLiteral("cannot read the prompt file");
        QTest::newRow("unset key variable")
            << QStringList{QStringLiteral("run"),
                           QStringLiteral("--base-url"),
                           url,
                           QStringLiteral("--model"),
                           QStringLiteral("m"),
                           QStringLiteral("--prompt"),
                           QStringLiteral("x"),
                           QStringLiteral("--api-key-env"),
                           QStringLiteral("LATHE_TEST_SURELY_UNSET_KEY")}
            << QStringLiteral("LATHE_TEST_SURELY_UNSET_KEY named by --api-key-env is not set");
        QTest::newRow("bad temperature") << QStringList{QStringLiteral("run"),
                                                        QStringLiteral("--base-url"),
                                                        url,
                                                        QStringLiteral("--model"),
                                                        QStringLiteral("m"),
                                                        QStringLiteral("--prompt"),
                                                        QStringLiteral("x"),
                                                        QStringLiteral("--temperature"),
                                                        QStringLiteral("hot")}
                                         << QStringLiteral("--temperature must be a number");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("run"), QStringLiteral("--frobnicate")}
                                        << QStringLiteral("Unknown option 'frobnicate'");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("launch")} << QStringLiteral("unknown command 'launch'");
        QTest::newRow("unknown fault")
            << QStringList{QStringLiteral("serve-mock"), QStringLiteral("--fault"), QStringLiteral("explode")}
            << QStringLiteral("unknown fault \"explode\"");
    }

    void rejectsBadCommandLinesWithExitCode2()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CliResult result = runCli(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
    }

    void apiKeyNeverAppearsInOutput()
    {
        MockServerProcess server;
        const QString url = server.baseUrl();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QString key = QStringLiteral("sk-lathe-test-4f1b2c9e7d");
        environment.insert(QStringLiteral("LATHE_TEST_KEY"), key);
        const CliResult ok = runCli(runArguments(url, QStringLiteral("lathe-sim"), QStringLiteral("hi"))
                                        << QStringLiteral("--api-key-env") << QStringLiteral("LATHE_TEST_KEY")
                                        << QStringLiteral("--stats"),
                                    environment);
        const CliResult failed =
            runCli(runArguments(url, QStringLiteral("lathe-sim+http-401"), QStringLiteral("hi"))
                       << QStringLiteral("--api-key-env") << QStringLiteral("LATHE_TEST_KEY"),
                   environment);
        QCOMPARE(ok.exitCode, 0);
        QCOMPARE(failed.exitCode, 1);
        for (const CliResult *result : {&ok, &failed}) {
            QVERIFY(!result->out.contains(key.toUtf8()));
            QVERIFY(!result->err.contains(key.toUtf8()));
        }
    }

    void streamsFromEveryProviderProtocol_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("apiRootPath"); // what the provider's SDK takes after the host
        QTest::addColumn<QString>("lengthWord");  // the provider's own word for "cut at max tokens"
        QTest::newRow("openai") << QStringLiteral("openai") << QStringLiteral("/v1")
                                << QStringLiteral("length");
        QTest::newRow("openai-responses") << QStringLiteral("openai-responses") << QStringLiteral("/v1")
                                          << QStringLiteral("max_output_tokens");
        QTest::newRow("anthropic") << QStringLiteral("anthropic") << QString()
                                   << QStringLiteral("max_tokens");
        QTest::newRow("gemini") << QStringLiteral("gemini") << QString() << QStringLiteral("MAX_TOKENS");
        QTest::newRow("ollama") << QStringLiteral("ollama") << QString() << QStringLiteral("length");
    }

    void streamsFromEveryProviderProtocol()
    {
        QFETCH(QString, provider);
        QFETCH(QString, apiRootPath);
        QFETCH(QString, lengthWord);
        MockServerProcess server;
        const QString root = server.baseUrl().chopped(3) + apiRootPath; // baseUrl() ends in /v1
        const QString prompt = QStringLiteral("Same answer over every protocol?");
        const CliResult full = runCli({QStringLiteral("run"), QStringLiteral("--provider"), provider,
                                       QStringLiteral("--base-url"), root, QStringLiteral("--model"),
                                       QStringLiteral("lathe-sim"), QStringLiteral("--prompt"), prompt,
                                       QStringLiteral("--stats")});
        QCOMPARE(full.exitCode, 0);
        QCOMPARE(QString::fromUtf8(full.out), answerFor(QStringLiteral("lathe-sim"), prompt).text());
        const QJsonObject stats = statsLine(full);
        QCOMPARE(stats.value(QStringLiteral("attempts")).toInt(), 1);
        QVERIFY(stats.value(QStringLiteral("itl_p50_ms")).toDouble() >= 0);
        QVERIFY(stats.value(QStringLiteral("itl_p95_ms")).toDouble() >=
                stats.value(QStringLiteral("itl_p50_ms")).toDouble());

        const CliResult cut = runCli(
            {QStringLiteral("run"), QStringLiteral("--provider"), provider, QStringLiteral("--base-url"),
             root, QStringLiteral("--model"), QStringLiteral("lathe-sim"), QStringLiteral("--prompt"), prompt,
             QStringLiteral("--max-tokens"), QStringLiteral("20"), QStringLiteral("--stats")});
        QCOMPARE(cut.exitCode, 0);
        QCOMPARE(QString::fromUtf8(cut.out), answerFor(QStringLiteral("lathe-sim"), prompt, 20).text());
        QCOMPARE(statsLine(cut).value(QStringLiteral("finish_reason")).toString(), lengthWord);
    }

    void retriesAnOverloadAndSaysSo()
    {
        MockServerProcess server;
        const QString prompt = QStringLiteral("try again");
        const CliResult result =
            runCli(runArguments(server.baseUrl(), QStringLiteral("lathe-sim+http-503:30*2"), prompt)
                   << QStringLiteral("--stats"));
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(QString::fromUtf8(result.out), answerFor(QStringLiteral("lathe-sim"), prompt).text());
        const QStringList lines = result.errLines();
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].startsWith(QStringLiteral(
                     "lathe-cli run: attempt 1 at 127.0.0.1/lathe-sim+http-503:30*2 failed: HTTP 503")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[0].endsWith(QStringLiteral("retrying in 30 ms")), qPrintable(lines[0]));
        QVERIFY(lines[1].contains(QStringLiteral("attempt 2")));
        QCOMPARE(statsLine(result).value(QStringLiteral("attempts")).toInt(), 3);
    }

    void fallsBackAcrossProvidersInOrder()
    {
        MockServerProcess server;
        const QString url = server.baseUrl();
        const QString root = url.chopped(3);
        const QString prompt = QStringLiteral("who answers?");
        const CliResult result =
            runCli(runArguments(url, QStringLiteral("lathe-sim+http-401"), prompt)
                   << QStringLiteral("--fallback") << QStringLiteral("anthropic:lathe-sim+http-404@") + root
                   << QStringLiteral("--fallback") << QStringLiteral("ollama:lathe-sim-large@") + root
                   << QStringLiteral("--stats"));
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(QString::fromUtf8(result.out), answerFor(QStringLiteral("lathe-sim-large"), prompt).text());
        const QStringList lines = result.errLines();
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].contains(QStringLiteral("HTTP 401")) &&
                     lines[0].endsWith(QStringLiteral("falling back to 127.0.0.1/lathe-sim+http-404")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[1].contains(QStringLiteral("HTTP 404")) &&
                     lines[1].endsWith(QStringLiteral("falling back to 127.0.0.1/lathe-sim-large")),
                 qPrintable(lines[1]));
        QCOMPARE(statsLine(result).value(QStringLiteral("attempts")).toInt(), 3);
    }
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"
