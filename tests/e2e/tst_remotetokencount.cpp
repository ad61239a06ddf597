// SPDX-License-Identifier: GPL-3.0-or-later
// Asking a provider for a request's input tokens over loopback: the simulator's Anthropic and
// Gemini count-tokens endpoints with a system prompt, several turns and tools; the exact request
// each provider gets, read off a scripted server; and every way the answer can fail, as an error
// value that never shows the key.
#include <memory>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "ChatCallHarness.h"
#include "RawHttpClient.h"
#include "ScriptedHttpServer.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorServer.h"
#include "providers/RemoteTokenCount.h"

using namespace Lathe;
using namespace Lathe::TestSupport;
using Lathe::Mock::SimulatorServer;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::ProviderEndpoint;
using Lathe::Providers::RemoteTokenCount;
using Lathe::Providers::ToolDefinition;
using Lathe::Providers::WireProtocol;

Q_DECLARE_METATYPE(Lathe::ErrorCode)
Q_DECLARE_METATYPE(Lathe::Providers::WireProtocol)

namespace
{

constexpr auto kAnthropicKey = "sk-ant-api03-count-SECRET-0123456789";
constexpr auto kGeminiKey = "AIzaSy-count-SECRET-0123456789";

/** Everything one count emitted. */
struct Counted
{
    int finishedCount = 0;
    int finishedDuringStart = 0; ///< finished() must come after start() returns
    Providers::TokenCountOutcome outcome;
    Providers::OutgoingRequest sent;
    qint64 wallMs = 0;
};

QUrl rootUrl(quint16 port)
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

// Both providers take the server's root as their base URL, as their SDKs do.
ProviderEndpoint endpointFor(WireProtocol protocol, quint16 port)
{
    ProviderEndpoint endpoint;
    endpoint.protocol = protocol;
    endpoint.baseUrl = rootUrl(port);
    endpoint.apiKey = QLatin1String(protocol == WireProtocol::Gemini ? kGeminiKey : kAnthropicKey);
    return endpoint;
}

// A system prompt, three turns and two tools; generation settings that a count must leave out.
ChatRequest conversation(const QString &model)
{
    ChatRequest request;
    request.model = model;
    request.messages = {
        {QStringLiteral("system"), QStringLiteral("You are a careful caf\u00E9 assistant.")},
        {QStringLiteral("user"), QStringLiteral("What is on the menu today?")},
        {QStringLiteral("assistant"), QStringLiteral("Soup, bread and a na\u00EFve salad.")},
        {QStringLiteral("user"), QStringLiteral("Look up the soup's price, please \U0001F600")}};
    request.tools = {ToolDefinition{QStringLiteral("lookup_price"), QStringLiteral("Finds a dish's price."),
                                    "{\"type\":\"object\",\"properties\":{\"dish\":{\"type\":\"string\"}},"
                                    "\"required\":[\"dish\"]}"},
                     ToolDefinition{QStringLiteral("today"), QString(), QByteArray()}};
    request.temperature = 0.5;
    request.maxOutputTokens = 256;
    request.stream = true;
    return request;
}

QString describe(const Providers::TokenCountOutcome &outcome)
{
    if (outcome.ok())
        return QStringLiteral("count %1").arg(outcome.inputTokens);
    return errorCodeName(outcome.error->code) + QLatin1Char(' ') + outcome.error->toString();
}

ScriptedResponse answering(int status, const QByteArray &body)
{
    ScriptedResponse script;
    script.writes = responseWrites(status, "application/json", {body}, BodyFraming::ContentLength);
    return script;
}

QJsonObject bodyOf(const QByteArray &rawRequest)
{
    const qsizetype headEnd = rawRequest.indexOf("\r\n\r\n");
    return QJsonDocument::fromJson(rawRequest.sliced(headEnd + 4)).object();
}

QByteArray requestLineOf(const QByteArray &rawRequest)
{
    return rawRequest.first(rawRequest.indexOf("\r\n"));
}

} // namespace

class RemoteTokenCountTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void countIsTheSimulatorsAndPredictsTheUsageOfTheSameRequest_data();
    void countIsTheSimulatorsAndPredictsTheUsageOfTheSameRequest();
    void requestIsThePromptWithTheProvidersHeadersAndNoGenerationSettings_data();
    void requestIsThePromptWithTheProvidersHeadersAndNoGenerationSettings();
    void simulatorRefusesWhatTheRealCountEndpointsRefuse_data();
    void simulatorRefusesWhatTheRealCountEndpointsRefuse();
    void simulatorFaultsApplyToCounts_data();
    void simulatorFaultsApplyToCounts();
    void badAnswersAreErrorsWithContextAndNeverShowTheKey_data();
    void badAnswersAreErrorsWithContextAndNeverShowTheKey();
    void closedPortIsConnectionRefused();
    void serverThatNeverAnswersMissesTheDeadline();
    void protocolWithoutCountEndpointFailsWithoutSending_data();
    void protocolWithoutCountEndpointFailsWithoutSending();
    void invalidRequestFailsWithoutSending();
    void destroyedWhileWaitingEmitsNothing();

private:
    Counted count(const ProviderEndpoint &endpoint, const ChatRequest &request,
                  int timeoutMs = RemoteTokenCount::kDefaultTimeoutMs);
    Counted countAt(const ScriptedResponse &script, WireProtocol protocol, const ChatRequest &request,
                    QByteArray *rawRequest = nullptr);

    std::unique_ptr<SimulatorServer> m_simulator;
    QNetworkAccessManager *m_network = nullptr;
};

void RemoteTokenCountTest::initTestCase()
{
    QString why;
    m_simulator = startSimulator(2000, 10, &why);
    QVERIFY2(m_simulator, qPrintable(why));
}

void RemoteTokenCountTest::init()
{
    m_network = directNetwork(this);
}

void RemoteTokenCountTest::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

Counted RemoteTokenCountTest::count(const ProviderEndpoint &endpoint, const ChatRequest &request,
                                    int timeoutMs)
{
    RemoteTokenCount counter(m_network, endpoint, request);
    counter.setTimeoutMs(timeoutMs);
    Counted counted;
    connect(&counter, &RemoteTokenCount::finished, this,
            [&counted](const Providers::TokenCountOutcome &outcome) {
                ++counted.finishedCount;
                counted.outcome = outcome;
            });
    QElapsedTimer clock;
    clock.start();
    counter.start();
    counted.finishedDuringStart = counted.finishedCount;
    if (counted.finishedCount == 0 &&
        !QTest::qWaitFor([&counted] { return counted.finishedCount > 0; }, timeoutMs + 5000))
        qWarning("the count did not finish");
    counted.wallMs = clock.elapsed();
    // A second finished() would come from a late reply; give it the chance to show up.
    QTest::qWait(20);
    counted.sent = counter.sentRequest();
    return counted;
}

Counted RemoteTokenCountTest::countAt(const ScriptedResponse &script, WireProtocol protocol,
                                      const ChatRequest &request, QByteArray *rawRequest)
{
    ScriptedHttpServer server(script);
    if (!server.listen())
        qFatal("the scripted server cannot listen on 127.0.0.1");
    const Counted counted = count(endpointFor(protocol, server.port()), request);
    if (rawRequest)
        *rawRequest = server.requests().value(0);
    return counted;
}

void RemoteTokenCountTest::countIsTheSimulatorsAndPredictsTheUsageOfTheSameRequest_data()
{
    QTest::addColumn<WireProtocol>("protocol");
    QTest::newRow("anthropic") << WireProtocol::Anthropic;
    QTest::newRow("gemini") << WireProtocol::Gemini;
}

void RemoteTokenCountTest::countIsTheSimulatorsAndPredictsTheUsageOfTheSameRequest()
{
    QFETCH(WireProtocol, protocol);
    const ProviderEndpoint endpoint = endpointFor(protocol, m_simulator->port());
    const ChatRequest request = conversation(QStringLiteral("lathe-sim"));

    const Counted counted = count(endpoint, request);
    QCOMPARE(counted.finishedCount, 1);
    QCOMPARE(counted.finishedDuringStart, 0);
    QVERIFY2(counted.outcome.ok(), qPrintable(describe(counted.outcome)));
    // 3 for the request, and per message 4 plus its simulated tokens: 9, 7, 8 and 10 (see
    // simulatedPromptTokens). Tools are not counted.
    QCOMPARE(counted.outcome.inputTokens, Mock::simulatedPromptTokens(request.messages));
    QCOMPARE(counted.outcome.inputTokens, qint64(3 + 13 + 11 + 12 + 14));

    // What the count promised is what answering the same request reports as its input.
    const RecordedCall answered = runCall(m_network, endpoint, request, 10'000);
    QVERIFY2(answered.outcome.completed, qPrintable(describe(answered.outcome)));
    QCOMPARE(answered.outcome.usage.inputTokens, counted.outcome.inputTokens);
}

void RemoteTokenCountTest::requestIsThePromptWithTheProvidersHeadersAndNoGenerationSettings_data()
{
    QTest::addColumn<WireProtocol>("protocol");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QByteArray>("requestLine");
    QTest::addColumn<QByteArrayList>("headerLines");

    QTest::newRow("anthropic") << WireProtocol::Anthropic << QStringLiteral("claude-sonnet-4-5")
                               << QByteArray("{\"input_tokens\": 1234}")
                               << QByteArray("POST /v1/messages/count_tokens HTTP/1.1")
                               << QByteArrayList{"anthropic-version: 2023-06-01",
                                                 QByteArray("x-api-key: ") + kAnthropicKey,
                                                 "Content-Type: application/json",
                                                 "Accept: application/json"};
    // A model id with a '+' stays one path segment, as in every Gemini request.
    QTest::newRow("gemini") << WireProtocol::Gemini << QStringLiteral("gemini-2.5-flash+x")
                            << QByteArray("{\"totalTokens\": 1234, \"promptTokensDetails\": []}")
                            << QByteArray("POST /v1beta/models/gemini-2.5-flash%2Bx:countTokens HTTP/1.1")
                            << QByteArrayList{QByteArray("x-goog-api-key: ") + kGeminiKey,
                                              "Content-Type: application/json", "Accept: application/json"};
}

void RemoteTokenCountTest::requestIsThePromptWithTheProvidersHeadersAndNoGenerationSettings()
{
    QFETCH(WireProtocol, protocol);
    QFETCH(QString, model);
    QFETCH(QByteArray, answer);
    QFETCH(QByteArray, requestLine);
    QFETCH(QByteArrayList, headerLines);

    QByteArray raw;
    const Counted counted = countAt(answering(200, answer), protocol, conversation(model), &raw);
    QVERIFY2(counted.outcome.ok(), qPrintable(describe(counted.outcome)));
    QCOMPARE(counted.outcome.inputTokens, qint64(1234));

    QCOMPARE(requestLineOf(raw), requestLine);
    const QByteArrayList lines = raw.first(raw.indexOf("\r\n\r\n")).split('\n');
    for (const QByteArray &header : headerLines)
        QVERIFY2(lines.contains(header + '\r'), header.constData());
    QCOMPARE(raw.count(QByteArray(protocol == WireProtocol::Gemini ? kGeminiKey : kAnthropicKey)),
             qsizetype(1));
    QCOMPARE(counted.sent.body, raw.sliced(raw.indexOf("\r\n\r\n") + 4));

    const QJsonObject body = bodyOf(raw);
    QJsonObject prompt = body;
    if (protocol == WireProtocol::Anthropic) {
        QCOMPARE(body.keys(), (QStringList{QStringLiteral("messages"), QStringLiteral("model"),
                                           QStringLiteral("system"), QStringLiteral("tools")}));
        QCOMPARE(body.value(QStringLiteral("model")).toString(), model);
        QCOMPARE(body.value(QStringLiteral("system")).toString(),
                 QStringLiteral("You are a careful caf\u00E9 assistant."));
        const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 3);
        QCOMPARE(messages[1].toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("assistant"));
        QCOMPARE(messages[2].toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("Look up the soup's price, please \U0001F600"));
        const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
        QCOMPARE(tools.size(), 2);
        QCOMPARE(tools[0].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("lookup_price"));
        QCOMPARE(tools[0]
                     .toObject()
                     .value(QStringLiteral("input_schema"))
                     .toObject()
                     .value(QStringLiteral("required"))
                     .toArray()
                     .size(),
                 1);
        return;
    }
    // Gemini's countTokens takes a system instruction and tools only inside a whole
    // generateContentRequest, which names the model again.
    QCOMPARE(body.keys(), QStringList{QStringLiteral("generateContentRequest")});
    prompt = body.value(QStringLiteral("generateContentRequest")).toObject();
    QCOMPARE(prompt.keys(), (QStringList{QStringLiteral("contents"), QStringLiteral("model"),
                                         QStringLiteral("systemInstruction"), QStringLiteral("tools")}));
    QCOMPARE(prompt.value(QStringLiteral("model")).toString(), QStringLiteral("models/") + model);
    const QJsonArray contents = prompt.value(QStringLiteral("contents")).toArray();
    QCOMPARE(contents.size(), 3);
    QCOMPARE(contents[1].toObject().value(QStringLiteral("role")).toString(), QStringLiteral("model"));
    QCOMPARE(prompt.value(QStringLiteral("systemInstruction"))
                 .toObject()
                 .value(QStringLiteral("parts"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("You are a careful caf\u00E9 assistant."));
    const QJsonArray declarations = prompt.value(QStringLiteral("tools"))
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value(QStringLiteral("functionDeclarations"))
                                        .toArray();
    QCOMPARE(declarations.size(), 2);
    QCOMPARE(declarations[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("today"));
}

void RemoteTokenCountTest::simulatorRefusesWhatTheRealCountEndpointsRefuse_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("answer");

    const QByteArray anthropicPath = "/v1/messages/count_tokens";
    const QByteArray anthropicMessages =
        "\"model\":\"lathe-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
    QTest::newRow("anthropic prompt") << anthropicPath << QByteArray("{" + anthropicMessages + "}") << 200
                                      << QByteArray("{\"input_tokens\":8}");
    QTest::newRow("anthropic max_tokens")
        << anthropicPath << QByteArray("{" + anthropicMessages + ",\"max_tokens\":5}") << 400
        << QByteArray("max_tokens: Extra inputs are not permitted");
    QTest::newRow("anthropic stream")
        << anthropicPath << QByteArray("{" + anthropicMessages + ",\"stream\":true}") << 400
        << QByteArray("stream: Extra inputs are not permitted");
    QTest::newRow("anthropic no messages") << anthropicPath << QByteArray("{\"model\":\"lathe-sim\"}") << 400
                                           << QByteArray("messages: Field required");

    const QByteArray geminiPath = "/v1beta/models/lathe-sim:countTokens";
    const QByteArray contents = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]";
    const QByteArray system = "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]}";
    QTest::newRow("gemini contents") << geminiPath << QByteArray("{" + contents + "}") << 200
                                     << QByteArray("{\"totalTokens\":8}");
    QTest::newRow("gemini generateContentRequest")
        << geminiPath
        << QByteArray("{\"generateContentRequest\":{\"model\":\"models/lathe-sim\"," + contents + "," +
                      system + "}}")
        << 200 << QByteArray("{\"totalTokens\":15}");
    QTest::newRow("gemini systemInstruction at the top")
        << geminiPath << QByteArray("{" + contents + "," + system + "}") << 400
        << QByteArray("Unknown name \\\"systemInstruction\\\": Cannot find field.");
    QTest::newRow("gemini generateContentRequest without model")
        << geminiPath << QByteArray("{\"generateContentRequest\":{" + contents + "}}") << 400
        << QByteArray("'generateContentRequest.model' is required");
    QTest::newRow("gemini nothing to count")
        << geminiPath << QByteArray("{}") << 400 << QByteArray("'contents' must be a non-empty array");
}

void RemoteTokenCountTest::simulatorRefusesWhatTheRealCountEndpointsRefuse()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QByteArray, answer);

    const RawHttpResponse response = rawHttpExchange(m_simulator->port(), rawPost(path, body));
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Content-Type").value_or(QByteArray()), QByteArray("application/json"));
    if (status == 200)
        QCOMPARE(response.body, answer);
    else
        QVERIFY2(response.body.contains(answer), response.body.constData());
}

void RemoteTokenCountTest::simulatorFaultsApplyToCounts_data()
{
    QTest::addColumn<WireProtocol>("protocol");
    QTest::addColumn<QString>("fault");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("message");

    QTest::newRow("anthropic http-529")
        << WireProtocol::Anthropic << QStringLiteral("http-529") << ErrorCode::Http << 529
        << QStringLiteral("HTTP 529: Overloaded (simulated fault http-529) [overloaded_error]");
    QTest::newRow("gemini http-429") << WireProtocol::Gemini << QStringLiteral("http-429") << ErrorCode::Http
                                     << 429
                                     << QStringLiteral(
                                            "HTTP 429: Resource has been exhausted (e.g. check quota). "
                                            "(simulated fault http-429) [RESOURCE_EXHAUSTED]");
    QTest::newRow("anthropic error-after-200 is a 500")
        << WireProtocol::Anthropic << QStringLiteral("error-after-200") << ErrorCode::Http << 500
        << QStringLiteral("HTTP 500: Internal server error (simulated fault error-after-200) [api_error]");
    QTest::newRow("gemini reset-mid-stream drops the connection")
        << WireProtocol::Gemini << QStringLiteral("reset-mid-stream") << ErrorCode::Network << 0 << QString();
    QTest::newRow("anthropic stall outlasts the deadline")
        << WireProtocol::Anthropic << QStringLiteral("stall:3000") << ErrorCode::Timeout << 0
        << QStringLiteral("no answer within 0.5 s");
}

void RemoteTokenCountTest::simulatorFaultsApplyToCounts()
{
    QFETCH(WireProtocol, protocol);
    QFETCH(QString, fault);
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, message);

    const Counted counted = count(endpointFor(protocol, m_simulator->port()),
                                  conversation(QStringLiteral("lathe-sim+") + fault), 500);
    QCOMPARE(counted.finishedCount, 1);
    QVERIFY2(!counted.outcome.ok(), qPrintable(describe(counted.outcome)));
    const Error &error = *counted.outcome.error;
    QCOMPARE(error.code, code);
    QCOMPARE(error.httpStatus, httpStatus);
    if (!message.isEmpty())
        QCOMPARE(error.message, message);
    QVERIFY2(error.where.startsWith(QStringLiteral("POST http://127.0.0.1:")), qPrintable(error.where));
}

void RemoteTokenCountTest::badAnswersAreErrorsWithContextAndNeverShowTheKey_data()
{
    QTest::addColumn<WireProtocol>("protocol");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("where"); ///< empty: the request's "POST <url>"

    QTest::newRow("anthropic 401 echoing the key")
        << WireProtocol::Anthropic << 401
        << QByteArray(QByteArray("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                                 "\"message\":\"invalid x-api-key ") +
                      kAnthropicKey + "\"}}")
        << ErrorCode::Http << QStringLiteral("HTTP 401: invalid x-api-key [redacted] [authentication_error]")
        << QString();
    QTest::newRow("gemini 400 echoing the key")
        << WireProtocol::Gemini << 400
        << QByteArray(QByteArray("{\"error\":{\"code\":400,\"message\":\"API key not valid: ") + kGeminiKey +
                      "\",\"status\":\"INVALID_ARGUMENT\"}}")
        << ErrorCode::Http << QStringLiteral("HTTP 400: API key not valid: [redacted] [INVALID_ARGUMENT]")
        << QString();
    QTest::newRow("anthropic 500")
        << WireProtocol::Anthropic << 500
        << QByteArray("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server "
                      "error\"}}")
        << ErrorCode::Http << QStringLiteral("HTTP 500: Internal server error [api_error]") << QString();
    QTest::newRow("gemini 500 as HTML")
        << WireProtocol::Gemini << 500 << QByteArray("<html>Oops</html>") << ErrorCode::Http
        << QStringLiteral("HTTP 500: <html>Oops</html>") << QString();
    QTest::newRow("malformed JSON") << WireProtocol::Anthropic << 200 << QByteArray("{\"input_tokens\": x}")
                                    << ErrorCode::Protocol << QString() << QStringLiteral("response byte 17");
    QTest::newRow("cut-off JSON") << WireProtocol::Gemini << 200 << QByteArray("{\"totalTokens\": 4")
                                  << ErrorCode::Protocol << QString() << QStringLiteral("response byte 17");
    QTest::newRow("empty body") << WireProtocol::Gemini << 200 << QByteArray() << ErrorCode::Protocol
                                << QString() << QStringLiteral("response byte 0");
    QTest::newRow("missing input_tokens")
        << WireProtocol::Anthropic << 200 << QByteArray("{\"totalTokens\": 4}") << ErrorCode::Protocol
        << QStringLiteral("the answer has no \"input_tokens\" count") << QStringLiteral("input_tokens");
    QTest::newRow("missing totalTokens")
        << WireProtocol::Gemini << 200 << QByteArray("{\"input_tokens\": 4}") << ErrorCode::Protocol
        << QStringLiteral("the answer has no \"totalTokens\" count") << QStringLiteral("totalTokens");
    QTest::newRow("count as a string")
        << WireProtocol::Anthropic << 200 << QByteArray("{\"input_tokens\": \"4\"}") << ErrorCode::Protocol
        << QStringLiteral("the answer has no \"input_tokens\" count") << QStringLiteral("input_tokens");
    QTest::newRow("negative count") << WireProtocol::Gemini << 200 << QByteArray("{\"totalTokens\": -4}")
                                    << ErrorCode::Protocol
                                    << QStringLiteral("the answer has no \"totalTokens\" count")
                                    << QStringLiteral("totalTokens");
    QTest::newRow("array instead of object")
        << WireProtocol::Anthropic << 200 << QByteArray("[{\"input_tokens\": 4}]") << ErrorCode::Protocol
        << QStringLiteral("the answer has no \"input_tokens\" count") << QStringLiteral("input_tokens");
}

void RemoteTokenCountTest::badAnswersAreErrorsWithContextAndNeverShowTheKey()
{
    QFETCH(WireProtocol, protocol);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    QFETCH(QString, where);

    const Counted counted = countAt(answering(status, body), protocol, conversation(QStringLiteral("m")));
    QCOMPARE(counted.finishedCount, 1);
    QVERIFY2(!counted.outcome.ok(), qPrintable(describe(counted.outcome)));
    const Error &error = *counted.outcome.error;
    QCOMPARE(error.code, code);
    QCOMPARE(error.httpStatus, code == ErrorCode::Http ? status : 0);
    if (!message.isEmpty())
        QCOMPARE(error.message, message);
    else
        QVERIFY2(error.message.startsWith(QStringLiteral("malformed JSON in the token count: ")),
                 qPrintable(error.message));
    if (where.isEmpty())
        QVERIFY2(error.where.startsWith(QStringLiteral("POST http://127.0.0.1:")), qPrintable(error.where));
    else
        QCOMPARE(error.where, where);
    for (const char *key : {kAnthropicKey, kGeminiKey}) {
        QVERIFY(!error.toString().contains(QLatin1String(key)));
        QVERIFY(!error.providerCode.contains(QLatin1String(key)));
    }
}

void RemoteTokenCountTest::closedPortIsConnectionRefused()
{
    quint16 port = 0;
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        port = listener.serverPort();
    }
    const Counted counted =
        count(endpointFor(WireProtocol::Anthropic, port), conversation(QStringLiteral("m")));
    QCOMPARE(counted.finishedCount, 1);
    QVERIFY(!counted.outcome.ok());
    QCOMPARE(counted.outcome.error->code, ErrorCode::Network);
    QCOMPARE(counted.outcome.error->message, QStringLiteral("connection refused by 127.0.0.1:%1").arg(port));
    QCOMPARE(counted.outcome.error->where,
             QStringLiteral("POST http://127.0.0.1:%1/v1/messages/count_tokens").arg(port));
}

void RemoteTokenCountTest::serverThatNeverAnswersMissesTheDeadline()
{
    ScriptedResponse silence;
    silence.end = ScriptedResponse::End::Stall;
    ScriptedHttpServer server(silence);
    QVERIFY(server.listen());
    const Counted counted =
        count(endpointFor(WireProtocol::Gemini, server.port()), conversation(QStringLiteral("m")), 200);
    QCOMPARE(counted.finishedCount, 1);
    QVERIFY(!counted.outcome.ok());
    QCOMPARE(counted.outcome.error->code, ErrorCode::Timeout);
    QCOMPARE(counted.outcome.error->message, QStringLiteral("no answer within 0.2 s"));
    QCOMPARE(counted.outcome.error->where,
             QStringLiteral("POST http://127.0.0.1:%1/v1beta/models/m:countTokens").arg(server.port()));
    QVERIFY2(counted.wallMs >= 190 && counted.wallMs < 3000, qPrintable(QString::number(counted.wallMs)));
    QCOMPARE(server.requests().size(), 1);
}

void RemoteTokenCountTest::protocolWithoutCountEndpointFailsWithoutSending_data()
{
    QTest::addColumn<WireProtocol>("protocol");
    QTest::addColumn<QString>("name");
    QTest::newRow("openai") << WireProtocol::OpenAiChat << QStringLiteral("openai");
    QTest::newRow("openai-responses") << WireProtocol::OpenAiResponses << QStringLiteral("openai-responses");
    QTest::newRow("ollama") << WireProtocol::Ollama << QStringLiteral("ollama");
}

void RemoteTokenCountTest::protocolWithoutCountEndpointFailsWithoutSending()
{
    QFETCH(WireProtocol, protocol);
    QFETCH(QString, name);

    QVERIFY(!RemoteTokenCount::isAvailable(protocol));
    QByteArray raw;
    const Counted counted = countAt(answering(200, "{}"), protocol, conversation(QStringLiteral("m")), &raw);
    QCOMPARE(counted.finishedCount, 1);
    QCOMPARE(counted.finishedDuringStart, 0);
    QVERIFY(!counted.outcome.ok());
    QCOMPARE(counted.outcome.error->code, ErrorCode::InvalidArgument);
    QCOMPARE(counted.outcome.error->message,
             QStringLiteral("the %1 protocol has no count-tokens endpoint").arg(name));
    QVERIFY(raw.isEmpty());
    QVERIFY(counted.sent.url.isEmpty());
}

void RemoteTokenCountTest::invalidRequestFailsWithoutSending()
{
    QVERIFY(RemoteTokenCount::isAvailable(WireProtocol::Anthropic));
    QVERIFY(RemoteTokenCount::isAvailable(WireProtocol::Gemini));
    ChatRequest request = conversation(QStringLiteral("m"));
    request.tools[0].parametersSchema = "{\"type\": ";
    QByteArray raw;
    const Counted counted =
        countAt(answering(200, "{\"input_tokens\": 1}"), WireProtocol::Anthropic, request, &raw);
    QCOMPARE(counted.finishedCount, 1);
    QVERIFY(!counted.outcome.ok());
    QCOMPARE(counted.outcome.error->code, ErrorCode::InvalidArgument);
    QCOMPARE(counted.outcome.error->where, QStringLiteral("tools[0].parameters"));
    QVERIFY(raw.isEmpty());
}

void RemoteTokenCountTest::destroyedWhileWaitingEmitsNothing()
{
    ScriptedResponse silence;
    silence.end = ScriptedResponse::End::Stall;
    ScriptedHttpServer server(silence);
    QVERIFY(server.listen());
    int finishedCount = 0;
    {
        RemoteTokenCount counter(m_network, endpointFor(WireProtocol::Anthropic, server.port()),
                                 conversation(QStringLiteral("m")));
        connect(&counter, &RemoteTokenCount::finished, this, [&finishedCount] { ++finishedCount; });
        counter.start();
        QTRY_COMPARE(server.requests().size(), 1);
    }
    QTest::qWait(50);
    QCOMPARE(finishedCount, 0);
}

QTEST_GUILESS_MAIN(RemoteTokenCountTest)
#include "tst_remotetokencount.moc"
