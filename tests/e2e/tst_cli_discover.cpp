// SPDX-License-Identifier: GPL-3.0-or-later
// lathe-cli discover against lathe-cli serve-mock standing in for Ollama: two real processes
// talking over loopback, plus a port where nothing listens.
#include <algorithm>
#include <memory>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "CliProcess.h"

namespace
{

struct Discovery
{
    int exitCode = -1; ///< -1: it crashed or did not end in time
    QString out;
    QString err;
};

Discovery discover(const QStringList &arguments)
{
    const Lathe::TestSupport::CliResult result =
        Lathe::TestSupport::runCli(QStringList{QStringLiteral("discover")} + arguments);
    return {result.exitCode, QString::fromUtf8(result.out), QString::fromUtf8(result.err)};
}

QString probe(const char *presetId, quint16 port)
{
    return QStringLiteral("%1:%2").arg(QLatin1String(presetId)).arg(port);
}

} // namespace

class TestCliDiscover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void jsonListsTheSimulatorAsOllamaWithItsModels();
    void printsOneAlignedLinePerProbeInProbeOrder();
    void exitsOneWhenNoServerListsModels();
    void rejectsProbesItCannotMake_data();
    void rejectsProbesItCannotMake();

private:
    std::unique_ptr<Lathe::TestSupport::MockServerProcess> m_simulator; // for the whole test case
    quint16 m_simulatorPort = 0;
    quint16 m_closedPort = 0; // given out by the system and closed again: nothing listens
};

void TestCliDiscover::initTestCase()
{
    m_simulator = std::make_unique<Lathe::TestSupport::MockServerProcess>();
    const QUrl url(m_simulator->baseUrl());
    QVERIFY2(url.port() > 0, "lathe-cli serve-mock did not announce its port");
    m_simulatorPort = static_cast<quint16>(url.port());

    m_closedPort = Lathe::TestSupport::closedLoopbackPort();
    QVERIFY(m_closedPort > 0);
}

void TestCliDiscover::cleanupTestCase()
{
    m_simulator.reset();
}

void TestCliDiscover::jsonListsTheSimulatorAsOllamaWithItsModels()
{
    const Discovery result =
        discover({QStringLiteral("--probe"), probe("ollama", m_simulatorPort), QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err, QString());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(result.out.toUtf8(), &parseError);
    QVERIFY2(document.isArray(), qPrintable(parseError.errorString() + QLatin1Char('\n') + result.out));
    QCOMPARE(document.array().size(), 1);

    const QJsonObject server = document.array().at(0).toObject();
    QCOMPARE(server.value(QStringLiteral("preset")).toString(), QStringLiteral("ollama"));
    QCOMPARE(server.value(QStringLiteral("base_url")).toString(),
             QStringLiteral("http://127.0.0.1:%1").arg(m_simulatorPort));
    QCOMPARE(server.value(QStringLiteral("reachable")).toBool(), true);
    QCOMPARE(server.value(QStringLiteral("listed")).toBool(), true);
    QCOMPARE(server.value(QStringLiteral("models")).toArray(),
             QJsonArray({QStringLiteral("lathe-sim:latest"), QStringLiteral("lathe-sim-large:latest")}));
    QVERIFY(server.value(QStringLiteral("error")).isNull());
}

void TestCliDiscover::printsOneAlignedLinePerProbeInProbeOrder()
{
    const Discovery result = discover({QStringLiteral("--probe"), probe("ollama", m_simulatorPort),
                                       QStringLiteral("--probe"), probe("vllm", m_closedPort)});
    QCOMPARE(result.exitCode, 0); // one server is enough
    const QStringList lines = result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    const QString simulatorRoot = QStringLiteral("http://127.0.0.1:%1").arg(m_simulatorPort);
    const QString closedRoot = QStringLiteral("http://127.0.0.1:%1").arg(m_closedPort);
    const qsizetype rootWidth = std::max(simulatorRoot.size(), closedRoot.size()) + 2;
    QCOMPARE(lines[0], QStringLiteral("ollama  ") + simulatorRoot.leftJustified(rootWidth) +
                           QStringLiteral("2 models: lathe-sim:latest, lathe-sim-large:latest"));
    QCOMPARE(lines[1], QStringLiteral("vllm    ") + closedRoot.leftJustified(rootWidth) +
                           QStringLiteral("nothing listening on 127.0.0.1:%1").arg(m_closedPort));
}

void TestCliDiscover::exitsOneWhenNoServerListsModels()
{
    const Discovery result =
        discover({QStringLiteral("--probe"), probe("lmstudio", m_closedPort), QStringLiteral("--json"),
                  QStringLiteral("--timeout-ms"), QStringLiteral("500")});
    QCOMPARE(result.exitCode, 1);
    const QJsonArray servers = QJsonDocument::fromJson(result.out.toUtf8()).array();
    QCOMPARE(servers.size(), 1);
    const QJsonObject server = servers.at(0).toObject();
    QCOMPARE(server.value(QStringLiteral("base_url")).toString(),
             QStringLiteral("http://127.0.0.1:%1/v1").arg(m_closedPort));
    QCOMPARE(server.value(QStringLiteral("reachable")).toBool(), false);
    QCOMPARE(server.value(QStringLiteral("models")).toArray(), QJsonArray());
    const QJsonObject error = server.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("network"));
    QCOMPARE(error.value(QStringLiteral("where")).toString(),
             QStringLiteral("GET http://127.0.0.1:%1/v1/models").arg(m_closedPort));
}

void TestCliDiscover::rejectsProbesItCannotMake_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString probeOption = QStringLiteral("--probe");
    QTest::newRow("a cloud service") << QStringList{probeOption, QStringLiteral("openai:8000")}
                                     << QStringLiteral("'openai' is not a local server preset");
    QTest::newRow("no port") << QStringList{probeOption, QStringLiteral("ollama")}
                             << QStringLiteral("--probe 'ollama' must look like PRESET:PORT");
    QTest::newRow("port 0") << QStringList{probeOption, QStringLiteral("ollama:0")}
                            << QStringLiteral("--probe 'ollama:0' must look like PRESET:PORT");
    QTest::newRow("port too large") << QStringList{probeOption, QStringLiteral("vllm:65536")}
                                    << QStringLiteral("--probe 'vllm:65536' must look like PRESET:PORT");
    QTest::newRow("timeout 0") << QStringList{QStringLiteral("--timeout-ms"), QStringLiteral("0")}
                               << QStringLiteral("--timeout-ms must be a whole number");
}

void TestCliDiscover::rejectsProbesItCannotMake()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Discovery result = discover(arguments);
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.out, QString());
    QVERIFY2(result.err.startsWith(QStringLiteral("lathe-cli discover: ") + message), qPrintable(result.err));
}

QTEST_GUILESS_MAIN(TestCliDiscover)
#include "tst_cli_discover.moc"
