// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli forecast` end to end: three real runs against `lathe-cli serve-mock` fill a
// ledger, and the forecast learns the prompt's output length from it.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "CliProcess.h"

using namespace Lathe::TestSupport;
using nlohmann::json;

class TestCliForecast : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

    CliResult cli(const QStringList &arguments)
    {
        return runCli(arguments, privateHomeEnvironment(m_home.path()));
    }

private slots:
    void learnsOutputLengthsFromTheLedger()
    {
        MockServerProcess server;
        const QString baseUrl = server.baseUrl();
        QVERIFY(!baseUrl.isEmpty());
        const QString ledger = m_home.filePath(QStringLiteral("ledger.jsonl"));
        const QString prompt = QStringLiteral("Summarize the plot of Hamlet.");
        for (int run = 0; run < 3; ++run) {
            const CliResult result =
                cli({QStringLiteral("run"), QStringLiteral("--base-url"), baseUrl, QStringLiteral("--model"),
                     QStringLiteral("lathe-sim"), QStringLiteral("--prompt"), prompt,
                     QStringLiteral("--ledger"), ledger});
            QCOMPARE(result.exitCode, 0);
        }
        QFile file(ledger);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray lastLine = file.readAll().trimmed().split('\n').last();
        const qint64 outputPerRun = json::parse(lastLine.toStdString())["usage"]["output"].get<qint64>();
        QVERIFY(outputPerRun > 0);

        const CliResult result =
            cli({QStringLiteral("forecast"), QStringLiteral("--model"), QStringLiteral("lathe-sim"),
                 QStringLiteral("--model"), QStringLiteral("gpt-4o-mini"), QStringLiteral("--prompt"), prompt,
                 QStringLiteral("--cases"), QStringLiteral("50"), QStringLiteral("--repeats"),
                 QStringLiteral("2"), QStringLiteral("--max-tokens"), QStringLiteral("500"),
                 QStringLiteral("--ledger"), ledger});
        QCOMPARE(result.exitCode, 0);
        const json out = json::parse(result.out.toStdString());

        // The simulator answers a prompt the same way every time: no spread to forecast.
        const json &sim = out["models"][0];
        QCOMPARE(sim["model"].get<std::string>(), std::string("lathe-sim"));
        QCOMPARE(sim["requests"].get<int>(), 100);
        QCOMPARE(sim["output_basis"].get<std::string>(), std::string("3 past runs of this prompt"));
        for (const char *edge : {"low", "expected", "high"})
            QCOMPARE(sim["output_tokens"][edge].get<qint64>(), 100 * outputPerRun);
        QVERIFY(sim["cost_usd"]["expected"].is_null()); // lathe-sim has no price: null, not 0
        QCOMPARE(sim["priced"].get<bool>(), false);

        // No history for gpt-4o-mini: the input alone at the low end, max_tokens at the high end.
        const json &mini = out["models"][1];
        const qint64 input = mini["input_tokens"]["expected"].get<qint64>();
        QCOMPARE(mini["output_tokens"]["low"].get<qint64>(), 0);
        QVERIFY(mini["output_tokens"]["expected"].is_null());
        QCOMPARE(mini["output_tokens"]["high"].get<qint64>(), 100 * 500);
        QCOMPARE(mini["cost_usd"]["low"].get<double>(), double(input) * 1.5e-07);
        QCOMPARE(mini["cost_usd"]["high"].get<double>(), double(input) * 1.5e-07 + 100 * 500 * 6e-07);
        QCOMPARE(out["total"]["requests"].get<int>(), 200);
        QVERIFY(out["total"]["cost_usd"]["high"].is_null()); // one model has no price
    }

    void refusesBadCommandLines_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no model") << QStringList{QStringLiteral("--prompt"), QStringLiteral("hi")}
                                  << "give at least one --model";
        QTest::newRow("no prompt") << QStringList{QStringLiteral("--model"), QStringLiteral("gpt-4o")}
                                   << "give exactly one of --prompt and --prompt-file";
        QTest::newRow("zero cases") << QStringList{QStringLiteral("--model"),  QStringLiteral("gpt-4o"),
                                                   QStringLiteral("--prompt"), QStringLiteral("hi"),
                                                   QStringLiteral("--cases"),  QStringLiteral("0")}
                                    << "--cases takes a whole number of at least 1, not '0'";
    }

    void refusesBadCommandLines()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CliResult result = cli(QStringList{QStringLiteral("forecast")} + arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliForecast)
#include "tst_cli_forecast.moc"
