// SPDX-License-Identifier: GPL-3.0-or-later
// Finding local model servers over loopback: the simulator standing in for Ollama and the
// OpenAI-compatible servers on a random port, an empty port, and scripted servers that stall,
// fail or answer with something that is not a model list.
#include <memory>

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "ChatCallHarness.h"
#include "ScriptedHttpServer.h"
#include "providers/LocalServerDiscovery.h"

using namespace Lathe;
using namespace Lathe::TestSupport;
using Lathe::Providers::DiscoveredServer;
using Lathe::Providers::LocalServerDiscovery;
using Lathe::Providers::LocalServerProbe;
using Lathe::Providers::ModelListFormat;

namespace
{

/** Everything one discovery emitted. */
struct Discovery
{
    int finishedCount = 0;
    QList<DiscoveredServer> servers;  ///< from finished()
    QList<DiscoveredServer> progress; ///< from probeFinished(), in the order they came
    qint64 wallMs = 0;
};

LocalServerProbe probeAt(const QString &presetId, quint16 port)
{
    auto probe = Providers::localServerProbe(presetId, port);
    if (!probe)
        qFatal("test data: %s", qPrintable(probe.error().toString()));
    return *probe;
}

ScriptedResponse answering(int status, const QByteArray &body)
{
    ScriptedResponse script;
    script.writes = responseWrites(status, "application/json", {body}, BodyFraming::ContentLength);
    return script;
}

// A connection that is accepted and read, and never answered.
ScriptedResponse silence()
{
    ScriptedResponse script;
    script.end = ScriptedResponse::End::Stall;
    return script;
}

QString describe(const DiscoveredServer &server)
{
    return QStringLiteral("%1 %2 reachable=%3 models=[%4] error=%5")
        .arg(server.presetId, server.baseUrl.toString(),
             server.reachable ? QStringLiteral("yes") : QStringLiteral("no"),
             server.models.join(QLatin1Char(',')),
             server.error ? errorCodeName(server.error->code) + QLatin1Char(' ') + server.error->toString()
                          : QStringLiteral("none"));
}

} // namespace

class TestLocalServerDiscovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void defaultProbesAreTheFourLocalServersOnTheirPresetPorts();
    void onlyLocalPresetsCanBeProbed_data();
    void onlyLocalPresetsCanBeProbed();
    void simulatorOnARandomPortIsListedWithItsModels_data();
    void simulatorOnARandomPortIsListedWithItsModels();
    void eachKindIsAskedForItsOwnListing_data();
    void eachKindIsAskedForItsOwnListing();
    void closedPortSaysNothingIsListening();
    void serverThatNeverAnswersTimesOutAndIsReachable();
    void errorStatusIsReachableWithTheServersMessage_data();
    void errorStatusIsReachableWithTheServersMessage();
    void badListingNamesWhereItBreaksAndKeepsGoodModels_data();
    void badListingNamesWhereItBreaksAndKeepsGoodModels();
    void listingLargerThanAnyModelListIsRefused();
    void probesRunInParallelAndReportInProbeOrder();
    void noProbesFinishesAfterStart();

private:
    Discovery discover(const QList<LocalServerProbe> &probes, int timeoutMs = 5000);
    DiscoveredServer discoverOne(const ScriptedResponse &script, const QString &presetId,
                                 int timeoutMs = 5000, QByteArray *request = nullptr);

    QNetworkAccessManager *m_network = nullptr;
};

void TestLocalServerDiscovery::init()
{
    m_network = directNetwork(this);
}

void TestLocalServerDiscovery::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

Discovery TestLocalServerDiscovery::discover(const QList<LocalServerProbe> &probes, int timeoutMs)
{
    LocalServerDiscovery discovery(m_network, probes);
    discovery.setTimeoutMs(timeoutMs);
    Discovery result;
    connect(&discovery, &LocalServerDiscovery::probeFinished, this,
            [&result](const DiscoveredServer &server) { result.progress.append(server); });
    connect(&discovery, &LocalServerDiscovery::finished, this,
            [&result](const QList<DiscoveredServer> &servers) {
                ++result.finishedCount;
                result.servers = servers;
            });
    QSignalSpy finished(&discovery, &LocalServerDiscovery::finished);
    QElapsedTimer clock;
    clock.start();
    discovery.start();
    // Each probe has its own deadline, so the whole discovery ends well within this.
    if (!finished.wait(timeoutMs + 5000))
        qWarning("the discovery did not finish");
    result.wallMs = clock.elapsed();
    return result;
}

DiscoveredServer TestLocalServerDiscovery::discoverOne(const ScriptedResponse &script,
                                                       const QString &presetId, int timeoutMs,
                                                       QByteArray *request)
{
    ScriptedHttpServer server(script);
    if (!server.listen())
        qFatal("the scripted server cannot listen on 127.0.0.1");
    const Discovery result = discover({probeAt(presetId, server.port())}, timeoutMs);
    if (request)
        *request = server.requests().value(0);
    return result.servers.value(0);
}

void TestLocalServerDiscovery::defaultProbesAreTheFourLocalServersOnTheirPresetPorts()
{
    const QList<LocalServerProbe> probes = Providers::defaultLocalProbes();
    QCOMPARE(probes.size(), qsizetype(4));
    const QStringList ids = {QStringLiteral("ollama"), QStringLiteral("lmstudio"), QStringLiteral("llamacpp"),
                             QStringLiteral("vllm")};
    const QList<int> ports = {11434, 1234, 8080, 8000};
    for (qsizetype i = 0; i < probes.size(); ++i) {
        QCOMPARE(probes[i].presetId, ids[i]);
        QCOMPARE(probes[i].baseUrl.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(probes[i].baseUrl.port(), ports[i]);
        QCOMPARE(probes[i].format, i == 0 ? ModelListFormat::OllamaTags : ModelListFormat::OpenAiModels);
    }
    QCOMPARE(probes[0].baseUrl.path(), QString());
    QCOMPARE(probes[3].baseUrl.path(), QStringLiteral("/v1"));
}

void TestLocalServerDiscovery::onlyLocalPresetsCanBeProbed_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("ollama") << QStringLiteral("ollama") << true;
    QTest::newRow("ollama's OpenAI API") << QStringLiteral("ollama-openai") << true;
    QTest::newRow("custom local server") << QStringLiteral("custom") << true;
    QTest::newRow("a cloud service") << QStringLiteral("openai") << false;
    QTest::newRow("the simulator") << QStringLiteral("simulator") << false;
    QTest::newRow("unknown") << QStringLiteral("no-such-server") << false;
}

void TestLocalServerDiscovery::onlyLocalPresetsCanBeProbed()
{
    QFETCH(QString, presetId);
    QFETCH(bool, accepted);
    const auto probe = Providers::localServerProbe(presetId, 4321);
    QCOMPARE(probe.has_value(), accepted);
    if (accepted) {
        QCOMPARE(probe->baseUrl.port(), 4321);
        QCOMPARE(probe->baseUrl.host(), QStringLiteral("127.0.0.1"));
        return;
    }
    QCOMPARE(probe.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(probe.error().message.contains(presetId), qPrintable(probe.error().message));
    QVERIFY2(probe.error().message.contains(QStringLiteral("lmstudio")), qPrintable(probe.error().message));
}

void TestLocalServerDiscovery::simulatorOnARandomPortIsListedWithItsModels_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<QString>("apiPath");
    QTest::addColumn<QStringList>("models");
    const QStringList openAiModels = {QStringLiteral("lathe-sim"), QStringLiteral("lathe-sim-large")};
    QTest::newRow("ollama") << QStringLiteral("ollama") << QString()
                            << QStringList{QStringLiteral("lathe-sim:latest"),
                                           QStringLiteral("lathe-sim-large:latest")};
    QTest::newRow("lmstudio") << QStringLiteral("lmstudio") << QStringLiteral("/v1") << openAiModels;
    QTest::newRow("llamacpp") << QStringLiteral("llamacpp") << QStringLiteral("/v1") << openAiModels;
    QTest::newRow("vllm") << QStringLiteral("vllm") << QStringLiteral("/v1") << openAiModels;
}

void TestLocalServerDiscovery::simulatorOnARandomPortIsListedWithItsModels()
{
    QFETCH(QString, presetId);
    QFETCH(QString, apiPath);
    QFETCH(QStringList, models);

    QString why;
    const auto simulator = startSimulator(2000, 0, &why);
    QVERIFY2(simulator, qPrintable(why));
    const Discovery result = discover({probeAt(presetId, simulator->port())});
    QCOMPARE(result.finishedCount, 1);
    QCOMPARE(result.servers.size(), qsizetype(1));
    const DiscoveredServer &server = result.servers.front();
    QVERIFY2(!server.error, qPrintable(describe(server)));
    QVERIFY(server.reachable);
    QVERIFY(server.isListed());
    QCOMPARE(server.presetId, presetId);
    QCOMPARE(server.baseUrl,
             QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(simulator->port()).arg(apiPath)));
    QCOMPARE(server.models, models);
}

void TestLocalServerDiscovery::eachKindIsAskedForItsOwnListing_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<QByteArray>("requestLine");
    QTest::newRow("ollama") << QStringLiteral("ollama") << QByteArray("GET /api/tags HTTP/1.1\r\n");
    QTest::newRow("ollama-openai") << QStringLiteral("ollama-openai")
                                   << QByteArray("GET /v1/models HTTP/1.1\r\n");
    QTest::newRow("lmstudio") << QStringLiteral("lmstudio") << QByteArray("GET /v1/models HTTP/1.1\r\n");
}

void TestLocalServerDiscovery::eachKindIsAskedForItsOwnListing()
{
    QFETCH(QString, presetId);
    QFETCH(QByteArray, requestLine);
    QByteArray request;
    const DiscoveredServer server =
        discoverOne(answering(200, R"({"data":[],"models":[]})"), presetId, 5000, &request);
    QVERIFY2(request.startsWith(requestLine), request.constData());
    // Local servers need no key; none may be sent.
    QVERIFY2(!request.contains("uthorization:"), request.constData());
    QVERIFY2(server.isListed() && !server.error, qPrintable(describe(server)));
    QVERIFY(server.models.isEmpty());
}

void TestLocalServerDiscovery::closedPortSaysNothingIsListening()
{
    quint16 port = 0;
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        port = listener.serverPort();
    }
    const Discovery result = discover({probeAt(QStringLiteral("vllm"), port)});
    QCOMPARE(result.servers.size(), qsizetype(1));
    const DiscoveredServer &server = result.servers.front();
    QVERIFY(!server.reachable);
    QVERIFY(!server.isListed());
    QVERIFY(server.models.isEmpty());
    QVERIFY(server.error);
    QCOMPARE(server.error->code, ErrorCode::Network);
    QCOMPARE(server.error->message, QStringLiteral("nothing listening on 127.0.0.1:%1").arg(port));
    QCOMPARE(server.error->where, QStringLiteral("GET http://127.0.0.1:%1/v1/models").arg(port));
}

void TestLocalServerDiscovery::serverThatNeverAnswersTimesOutAndIsReachable()
{
    QElapsedTimer clock;
    clock.start();
    const DiscoveredServer server = discoverOne(silence(), QStringLiteral("llamacpp"), 200);
    const qint64 wallMs = clock.elapsed();
    QVERIFY2(wallMs >= 190 && wallMs < 3000, qPrintable(QString::number(wallMs)));
    QVERIFY(server.error);
    QCOMPARE(server.error->code, ErrorCode::Timeout);
    QCOMPARE(server.error->message, QStringLiteral("no answer within 0.2 s"));
    QVERIFY(server.reachable);
    QVERIFY(!server.isListed());
}

void TestLocalServerDiscovery::errorStatusIsReachableWithTheServersMessage_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("500 with a message")
        << QStringLiteral("lmstudio") << 500 << QByteArray(R"({"error":"model store broke"})")
        << QStringLiteral("HTTP 500: model store broke");
    // An OpenAI-compatible server has no /api/tags: the port answers, but not as Ollama.
    QTest::newRow("404 from another kind of server")
        << QStringLiteral("ollama") << 404
        << QByteArray(R"({"error":{"message":"File Not Found","type":"not_found_error"}})")
        << QStringLiteral("HTTP 404: File Not Found [not_found_error]");
}

void TestLocalServerDiscovery::errorStatusIsReachableWithTheServersMessage()
{
    QFETCH(QString, presetId);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const DiscoveredServer server = discoverOne(answering(status, body), presetId);
    QVERIFY(server.reachable);
    QVERIFY(!server.isListed());
    QVERIFY(server.error);
    QCOMPARE(server.error->code, ErrorCode::Http);
    QCOMPARE(server.error->httpStatus, status);
    QCOMPARE(server.error->message, message);
    QVERIFY2(server.error->where.startsWith(QStringLiteral("GET http://127.0.0.1:")),
             qPrintable(server.error->where));
}

void TestLocalServerDiscovery::badListingNamesWhereItBreaksAndKeepsGoodModels_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("models");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("messageStart");

    const QString malformed = QStringLiteral("not a model list: malformed JSON");
    const QByteArray trailingComma = R"({"data":[{"id":"a"},]})";
    QTest::newRow("malformed JSON") << QStringLiteral("vllm") << trailingComma << QStringList()
                                    << QStringLiteral("response byte %1").arg(trailingComma.indexOf(",]") + 1)
                                    << malformed;
    QTest::newRow("an HTML page") << QStringLiteral("llamacpp") << QByteArray("<html><body>Hi</body></html>")
                                  << QStringList() << QStringLiteral("response byte 0") << malformed;
    QTest::newRow("empty body") << QStringLiteral("llamacpp") << QByteArray() << QStringList()
                                << QStringLiteral("response byte 0") << malformed;
    QTest::newRow("not an object") << QStringLiteral("vllm") << QByteArray(R"([{"id":"a"}])") << QStringList()
                                   << QStringLiteral("data")
                                   << QStringLiteral("not a model list: no \"data\" array");
    QTest::newRow("data is no array")
        << QStringLiteral("lmstudio") << QByteArray(R"({"data":{"id":"a"}})") << QStringList()
        << QStringLiteral("data") << QStringLiteral("not a model list: no \"data\" array");
    QTest::newRow("Ollama listing from an OpenAI server")
        << QStringLiteral("ollama") << QByteArray(R"({"object":"list","data":[{"id":"a"}]})") << QStringList()
        << QStringLiteral("models") << QStringLiteral("not a model list: no \"models\" array");
    QTest::newRow("one id is a number")
        << QStringLiteral("vllm") << QByteArray(R"({"data":[{"id":"a"},{"id":"b"},{"id":3},{"id":"d"}]})")
        << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("d")}
        << QStringLiteral("data[2].id")
        << QStringLiteral("a model entry has no \"id\" string and was skipped");
    QTest::newRow("entries that are no objects or empty")
        << QStringLiteral("lmstudio") << QByteArray(R"({"data":["x",{"id":"b"},{"id":""},{"name":"c"}]})")
        << QStringList{QStringLiteral("b")} << QStringLiteral("data[0].id")
        << QStringLiteral("3 model entries have no \"id\" string and were skipped");
    QTest::newRow("Ollama entry without a name")
        << QStringLiteral("ollama")
        << QByteArray(R"({"models":[{"name":"qwen3:8b"},{"model":"x"},{"name":"llama3.2"}]})")
        << QStringList{QStringLiteral("qwen3:8b"), QStringLiteral("llama3.2")}
        << QStringLiteral("models[1].name")
        << QStringLiteral("a model entry has no \"name\" string and was skipped");
}

void TestLocalServerDiscovery::badListingNamesWhereItBreaksAndKeepsGoodModels()
{
    QFETCH(QString, presetId);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, models);
    QFETCH(QString, where);
    QFETCH(QString, messageStart);

    const DiscoveredServer server = discoverOne(answering(200, body), presetId);
    QVERIFY(server.reachable);
    QVERIFY2(server.error, qPrintable(describe(server)));
    QCOMPARE(server.error->code, ErrorCode::Protocol);
    QCOMPARE(server.error->where, where);
    QVERIFY2(server.error->message.startsWith(messageStart), qPrintable(server.error->message));
    QCOMPARE(server.models, models);
    // Models that were fine still make it a server of the expected kind.
    QCOMPARE(server.isListed(), !models.isEmpty());
}

void TestLocalServerDiscovery::listingLargerThanAnyModelListIsRefused()
{
    const QByteArray body = R"({"data":[{"id":")" + QByteArray(4 * 1024 * 1024, 'x') + R"("}]})";
    const DiscoveredServer server = discoverOne(answering(200, body), QStringLiteral("vllm"));
    QVERIFY(server.reachable);
    QVERIFY2(server.error, qPrintable(describe(server)));
    QCOMPARE(server.error->code, ErrorCode::Protocol);
    QCOMPARE(server.error->message, QStringLiteral("not a model list: larger than 4 MiB"));
    QVERIFY(server.models.isEmpty());
}

void TestLocalServerDiscovery::probesRunInParallelAndReportInProbeOrder()
{
    constexpr int kTimeoutMs = 400;
    std::vector<std::unique_ptr<ScriptedHttpServer>> silentServers;
    QList<LocalServerProbe> probes;
    for (const QString &presetId : {QStringLiteral("ollama"), QStringLiteral("lmstudio"),
                                    QStringLiteral("llamacpp"), QStringLiteral("vllm")}) {
        silentServers.push_back(std::make_unique<ScriptedHttpServer>(silence()));
        QVERIFY(silentServers.back()->listen());
        probes.append(probeAt(presetId, silentServers.back()->port()));
    }
    QString why;
    const auto simulator = startSimulator(2000, 0, &why);
    QVERIFY2(simulator, qPrintable(why));
    probes.append(probeAt(QStringLiteral("custom"), simulator->port()));

    const Discovery result = discover(probes, kTimeoutMs);
    QCOMPARE(result.finishedCount, 1);
    // One after the other, the silent servers alone would take 4 × 400 ms.
    QVERIFY2(result.wallMs < 1000, qPrintable(QString::number(result.wallMs)));
    QCOMPARE(result.servers.size(), probes.size());
    QCOMPARE(result.progress.size(), probes.size());
    for (qsizetype i = 0; i < probes.size(); ++i) {
        const DiscoveredServer &server = result.servers[i];
        QCOMPARE(server.presetId, probes[i].presetId);
        QCOMPARE(server.baseUrl, probes[i].baseUrl);
        if (i < 4) {
            QVERIFY2(server.error && server.error->code == ErrorCode::Timeout, qPrintable(describe(server)));
        } else {
            QVERIFY2(server.isListed() && !server.error, qPrintable(describe(server)));
        }
    }
    // The simulator answers at once, so its report comes before the silent servers time out.
    QCOMPARE(result.progress.front().presetId, QStringLiteral("custom"));
}

void TestLocalServerDiscovery::noProbesFinishesAfterStart()
{
    LocalServerDiscovery discovery(m_network, {});
    QSignalSpy finished(&discovery, &LocalServerDiscovery::finished);
    discovery.start();
    QCOMPARE(finished.size(), 0);
    QVERIFY(finished.wait(1000));
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.front().front().value<QList<DiscoveredServer>>().isEmpty());
}

QTEST_GUILESS_MAIN(TestLocalServerDiscovery)
#include "tst_localserverdiscovery.moc"
