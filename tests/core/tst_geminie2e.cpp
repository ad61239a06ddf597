// SPDX-License-Identifier: GPL-3.0-or-later
// The Gemini protocol end to end over loopback: the real ChatCall against the built-in
// simulator speaking Gemini (answers, usage, max tokens, tool calls, every injected fault),
// and against a scripted server to see exactly what goes on the wire (the key never in the URL).
#include <memory>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

#include <nlohmann/json.hpp>

#include "ChatCallHarness.h"
#include "RawHttpClient.h"
#include "ScriptedHttpServer.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorServer.h"
#include "providers/ProviderProtocol.h"

using namespace Lathe;
using namespace Lathe::TestSupport;
using Lathe::Mock::SimulatedAnswer;
using Lathe::Mock::SimulatorServer;
using Lathe::Providers::ChatOutcome;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::ProviderEndpoint;
using Lathe::Providers::StreamEvent;
using Lathe::Providers::ToolDefinition;
using Lathe::Providers::WireProtocol;

namespace
{

constexpr auto kModel = "lathe-sim";

QUrl rootUrl(quint16 port)
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

ProviderEndpoint geminiEndpoint(const QUrl &baseUrl, int idleTimeoutMs = 10'000)
{
    ProviderEndpoint endpoint;
    endpoint.protocol = WireProtocol::Gemini;
    endpoint.baseUrl = baseUrl;
    endpoint.idleTimeoutMs = idleTimeoutMs;
    return endpoint;
}

// A Gemini SSE event as the real service frames it.
QByteArray geminiEvent(const QByteArray &json)
{
    return "data: " + json + "\r\n\r\n";
}

} // namespace

class GeminiE2eTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // against the simulator
    void streamedAnswerMatchesTheSimulatorWithUsage();
    void nonStreamedAnswerMatchesTheSimulator();
    void maxTokensFinishesWithMaxTokens_data();
    void maxTokensFinishesWithMaxTokens();
    void toolCallFaultGivesOneWholeCall_data();
    void toolCallFaultGivesOneWholeCall();
    void structuredAnswerFollowsTheSchemaOrTheFault_data();
    void structuredAnswerFollowsTheSchemaOrTheFault();
    void faultsEndTheCallWithTheRightError_data();
    void faultsEndTheCallWithTheRightError();
    void malformedEventIsReportedAtItsStreamByteOffset();
    void simulatorRejectsAStreamWithoutAltSse();
    void simulatorRejectsAJsonSchemaWithoutTheJsonMimeType();
    void simulatorAnswersWithGooglesErrorShape();

    // against a scripted server
    void keyTravelsOnlyInTheGoogHeaderNeverInTheUrl_data();
    void keyTravelsOnlyInTheGoogHeaderNeverInTheUrl();

private:
    using Run = RecordedCall;

    Run run(const ProviderEndpoint &endpoint, const ChatRequest &request, int timeoutMs = 8000);
    ProviderEndpoint simulator(int idleTimeoutMs = 10'000) const
    {
        return geminiEndpoint(rootUrl(m_simulator->port()), idleTimeoutMs);
    }

    std::unique_ptr<SimulatorServer> m_simulator;
    QNetworkAccessManager *m_network = nullptr;
};

void GeminiE2eTest::initTestCase()
{
    QString why;
    m_simulator = startSimulator(2000, 10, &why);
    QVERIFY2(m_simulator, qPrintable(why));
}

void GeminiE2eTest::init()
{
    m_network = directNetwork(this);
}

void GeminiE2eTest::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

GeminiE2eTest::Run GeminiE2eTest::run(const ProviderEndpoint &endpoint, const ChatRequest &request,
                                      int timeoutMs)
{
    return runCall(m_network, endpoint, request, timeoutMs);
}

// ---- against the simulator ------------------------------------------------------------------

void GeminiE2eTest::streamedAnswerMatchesTheSimulatorWithUsage()
{
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Stream a café answer 😀"));
    const SimulatedAnswer expected = expectedAnswer(request);
    QVERIFY(expected.tokens.size() > 10);
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.httpStatus, 200);
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(textOf(result.events), outcome.text);
    QCOMPARE(outcome.finishReason, QStringLiteral("STOP"));
    QVERIFY(outcome.toolCalls.isEmpty());

    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(outcome.usage.cachedInputTokens, qint64(-1)); // Gemini reports no cache it did not use
    QCOMPARE(outcome.usage.reasoningTokens, qint64(-1));
    // One text event per token, running usage on every chunk, one finish, no error.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::TextDelta), expected.tokens.size());
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Usage), expected.tokens.size() + 1);
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Finish), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Error), qsizetype(0));
    QVERIFY2(outcome.timings.firstTokenMs >= 10, qPrintable(QString::number(outcome.timings.firstTokenMs)));
    QVERIFY(outcome.tokensPerSecond().has_value());
}

void GeminiE2eTest::nonStreamedAnswerMatchesTheSimulator()
{
    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Stream a café answer 😀"), /*stream=*/false);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(outcome.finishReason, QStringLiteral("STOP"));
    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::TextDelta), qsizetype(1));
    QCOMPARE(outcome.tokensPerSecond(), std::nullopt);
}

void GeminiE2eTest::maxTokensFinishesWithMaxTokens_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void GeminiE2eTest::maxTokensFinishesWithMaxTokens()
{
    QFETCH(bool, stream);

    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Keep it short"), stream, 10);
    const SimulatedAnswer expected = expectedAnswer(request);
    QCOMPARE(expected.tokens.size(), qsizetype(10));
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.finishReason, QStringLiteral("MAX_TOKENS"));
    QCOMPARE(result.outcome.text, expected.text());
    QCOMPARE(result.outcome.usage.outputTokens, qint64(10));
}

void GeminiE2eTest::toolCallFaultGivesOneWholeCall_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void GeminiE2eTest::toolCallFaultGivesOneWholeCall()
{
    QFETCH(bool, stream);

    ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+tool-call"),
                                      QStringLiteral("Find the café"), stream);
    request.tools = {
        ToolDefinition{QStringLiteral("search_docs"), QStringLiteral("Search the docs"),
                       QByteArrayLiteral(R"({"type":"object","properties":{"query":{"type":"string"}}})")},
        ToolDefinition{QStringLiteral("other"), QString(), QByteArray()}};
    const SimulatedAnswer expected =
        Mock::simulateToolCall(QLatin1String(kModel), request.messages, QStringLiteral("search_docs"));
    QVERIFY(expected.toolCall.has_value());

    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.toolCalls.size(), qsizetype(1));
    QCOMPARE(outcome.toolCalls[0].id, expected.toolCall->id);
    QCOMPARE(outcome.toolCalls[0].name, QStringLiteral("search_docs"));
    QCOMPARE(outcome.toolCalls[0].arguments, expected.toolCall->arguments());
    // Gemini delivers the call whole: one delta, not fragments.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::ToolCallDelta), qsizetype(1));
    QVERIFY(outcome.text.isEmpty());
    QCOMPARE(outcome.finishReason, QStringLiteral("STOP"));
    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.pieceCount()));
}

void GeminiE2eTest::structuredAnswerFollowsTheSchemaOrTheFault_data()
{
    addStructuredAnswerRows();
}

void GeminiE2eTest::structuredAnswerFollowsTheSchemaOrTheFault()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);

    const QString model = modelWithFault(kModel, fault);
    const Run result =
        run(simulator(), structuredRequest(model, QStringLiteral("Describe a book"), bookSchema(), stream));
    QVERIFY(result.finished);
    const QString mismatch = structuredAnswerMismatch(result.outcome, bookSchema(), fault);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QCOMPARE(textOf(result.events), result.outcome.text);
    QCOMPARE(result.outcome.finishReason, QStringLiteral("STOP"));
}

void GeminiE2eTest::faultsEndTheCallWithTheRightError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("idleTimeoutMs");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("messageStart");
    QTest::addColumn<QStringList>("messageContains");
    QTest::addColumn<int>("tokens"); // how many of the answer's tokens arrive; -1: all; -2: half

    const int idle = 10'000;
    const auto httpRow = [idle](int status, bool stream, const QString &word, const QString &text) {
        const QString fault = QStringLiteral("http-%1").arg(status);
        QTest::addRow("%s%s", qPrintable(fault), stream ? "" : ", not streamed")
            << fault << stream << idle << ErrorCode::Http << status << QStringLiteral("HTTP %1: ").arg(status)
            << QStringList{text, QStringLiteral("(simulated fault %1)").arg(fault),
                           QLatin1Char('[') + word + QLatin1Char(']')}
            << 0;
    };
    httpRow(401, true, QStringLiteral("UNAUTHENTICATED"),
            QStringLiteral("invalid authentication credentials"));
    httpRow(429, true, QStringLiteral("RESOURCE_EXHAUSTED"), QStringLiteral("Resource has been exhausted"));
    httpRow(429, false, QStringLiteral("RESOURCE_EXHAUSTED"), QStringLiteral("Resource has been exhausted"));
    httpRow(500, true, QStringLiteral("INTERNAL"), QStringLiteral("An internal error has occurred."));
    httpRow(503, true, QStringLiteral("UNAVAILABLE"), QStringLiteral("The model is overloaded."));
    httpRow(529, true, QStringLiteral("UNKNOWN"), QString());

    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << true << idle << ErrorCode::Truncated << 200
        << QStringLiteral("stream ended before completion") << QStringList() << 5;
    QTest::newRow("reset-mid-stream, halfway")
        << QStringLiteral("reset-mid-stream") << true << idle << ErrorCode::Truncated << 200
        << QStringLiteral("stream ended before completion") << QStringList() << -2;
    QTest::newRow("error-after-200:4")
        << QStringLiteral("error-after-200:4") << true << idle << ErrorCode::Provider << 200 << QString()
        << QStringList{QStringLiteral("injected an error after 4 tokens"), QStringLiteral("[INTERNAL]")} << 4;
    QTest::newRow("error-after-200, not streamed: a 500")
        << QStringLiteral("error-after-200:4") << false << idle << ErrorCode::Http << 500
        << QStringLiteral("HTTP 500: ") << QStringList{QStringLiteral("[INTERNAL]")} << 0;
    QTest::newRow("malformed-event:3")
        << QStringLiteral("malformed-event:3") << true << idle << ErrorCode::Protocol << 200
        << QStringLiteral("malformed JSON") << QStringList() << -1;
    // A stall after the first half: the idle timeout ends the call as a Timeout; what arrived is kept.
    QTest::newRow("stall:3000, streamed") << QStringLiteral("stall:3000") << true << 300 << ErrorCode::Timeout
                                          << 200 << QStringLiteral("stream ended before completion")
                                          << QStringList{QStringLiteral("no data for 0.3 s")} << -2;
    QTest::newRow("stall:3000, not streamed")
        << QStringLiteral("stall:3000") << false << 300 << ErrorCode::Timeout << 0
        << QStringLiteral("no data for 0.3 s") << QStringList() << 0;
}

void GeminiE2eTest::faultsEndTheCallWithTheRightError()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);
    QFETCH(int, idleTimeoutMs);
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, messageStart);
    QFETCH(QStringList, messageContains);
    QFETCH(int, tokens);

    // The fault rides on the model name, which travels percent-encoded in the URL path.
    const ChatRequest request = chatRequest(QLatin1String(kModel) + QLatin1Char('+') + fault,
                                            QStringLiteral("Break on purpose"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(simulator(idleTimeoutMs), request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(!outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(code));
    QCOMPARE(outcome.httpStatus, httpStatus);
    QVERIFY2(outcome.error->message.startsWith(messageStart), qPrintable(outcome.error->message));
    for (const QString &fragment : messageContains)
        QVERIFY2(outcome.error->message.contains(fragment), qPrintable(outcome.error->message));
    // Errors inside the stream name their byte offset; the others the URL, fault suffix encoded.
    if (code == ErrorCode::Provider || code == ErrorCode::Protocol)
        QVERIFY2(outcome.error->where.startsWith(QStringLiteral("stream byte ")),
                 qPrintable(outcome.error->where));
    else
        QVERIFY2(outcome.error->where.contains(QStringLiteral("/v1beta/models/lathe-sim%2B")),
                 qPrintable(outcome.error->where));
    if (code == ErrorCode::Http)
        QCOMPARE(outcome.error->httpStatus, httpStatus);

    const qsizetype arrived = tokens == -1   ? expected.tokens.size()
                              : tokens == -2 ? expected.tokens.size() / 2
                                             : tokens;
    QCOMPARE(outcome.text, expected.tokens.mid(0, arrived).join(QString()));
    QCOMPARE(textOf(result.events), outcome.text);
}

void GeminiE2eTest::malformedEventIsReportedAtItsStreamByteOffset()
{
    // The simulator's streams for one request are the same bytes every time (the response id has
    // a fixed width), so a raw read of the same request shows where the broken event starts.
    const ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+malformed-event:3"),
                                            QStringLiteral("Where is it?"));
    const auto outgoing = Providers::protocolFor(WireProtocol::Gemini).buildRequest(simulator(), request);
    const QByteArray target = outgoing.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost(target, outgoing.body));
    QCOMPARE(raw.status, 200);
    QVERIFY(raw.chunkedTerminatorSeen);
    QVERIFY(raw.header("Content-Type").value_or(QByteArray()).startsWith("text/event-stream"));
    const qsizetype brokenAt = raw.body.indexOf("data: {\"candidates\": [");
    QVERIFY(brokenAt > 0);
    // Gemini's own framing: CRLF CRLF after every event.
    QVERIFY(raw.body.endsWith("}\r\n\r\n"));

    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(ErrorCode::Protocol));
    QCOMPARE(result.outcome.error->where, QStringLiteral("stream byte %1").arg(brokenAt));
    // The simulator carries on after the broken event, and so does the client.
    QCOMPARE(result.outcome.text, expectedAnswer(request).text());
    QCOMPARE(result.outcome.finishReason, QStringLiteral("STOP"));
}

void GeminiE2eTest::simulatorRejectsAStreamWithoutAltSse()
{
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Hi"));
    const QByteArray body =
        Providers::protocolFor(WireProtocol::Gemini).buildRequest(simulator(), request).body;
    const RawHttpResponse raw =
        rawHttpExchange(m_simulator->port(), rawPost("/v1beta/models/lathe-sim:streamGenerateContent", body));
    QCOMPARE(raw.status, 400);
    const QJsonObject error =
        QJsonDocument::fromJson(raw.body).object().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toInt(), 400);
    QCOMPARE(error.value(QStringLiteral("status")).toString(), QStringLiteral("INVALID_ARGUMENT"));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QStringLiteral("alt=sse")),
             raw.body.constData());

    // With it, the same request streams.
    const RawHttpResponse streamed = rawHttpExchange(
        m_simulator->port(), rawPost("/v1beta/models/lathe-sim:streamGenerateContent?alt=sse", body));
    QCOMPARE(streamed.status, 200);
    QVERIFY(streamed.body.startsWith("data: {\"candidates\""));
}

void GeminiE2eTest::simulatorRejectsAJsonSchemaWithoutTheJsonMimeType()
{
    const ChatRequest request =
        structuredRequest(QLatin1String(kModel), QStringLiteral("Hi"), bookSchema(), /*stream=*/false);
    nlohmann::json body = nlohmann::json::parse(
        Providers::protocolFor(WireProtocol::Gemini).buildRequest(simulator(), request).body.toStdString());
    QCOMPARE(body.at("generationConfig").at("responseMimeType").get<std::string>(), "application/json");
    body["generationConfig"].erase("responseMimeType");
    const RawHttpResponse raw =
        rawHttpExchange(m_simulator->port(), rawPost("/v1beta/models/lathe-sim:generateContent",
                                                     QByteArray::fromStdString(body.dump())));
    QCOMPARE(raw.status, 400);
    const QJsonObject error =
        QJsonDocument::fromJson(raw.body).object().value(QStringLiteral("error")).toObject();
    const QString message = error.value(QStringLiteral("message")).toString();
    QVERIFY2(
        message.endsWith(QStringLiteral("'generationConfig.responseJsonSchema' requires "
                                        "'generationConfig.responseMimeType' to be \"application/json\"")),
        qPrintable(message));
}

void GeminiE2eTest::simulatorAnswersWithGooglesErrorShape()
{
    // A body the simulator cannot read: Google's error object, through the client's httpError.
    const RawHttpResponse raw = rawHttpExchange(
        m_simulator->port(), rawPost("/v1beta/models/lathe-sim:generateContent", R"({"contents": []})"));
    QCOMPARE(raw.status, 400);
    const Lathe::Error error =
        Providers::protocolFor(WireProtocol::Gemini).httpError(raw.status, raw.body, QStringLiteral("here"));
    QVERIFY2(error.message.startsWith(QStringLiteral("HTTP 400: Request contains an invalid argument.")),
             qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("'contents' must be a non-empty array")),
             qPrintable(error.message));
    QVERIFY(error.message.endsWith(QStringLiteral("[INVALID_ARGUMENT]")));
    QCOMPARE(error.providerCode, QStringLiteral("INVALID_ARGUMENT"));

    // Another method of the model resource is not a route of the simulator.
    const RawHttpResponse count = rawHttpExchange(
        m_simulator->port(), rawPost("/v1beta/models/lathe-sim:embedContent", R"({"contents": []})"));
    QCOMPARE(count.status, 404);
}

// ---- against a scripted server --------------------------------------------------------------

void GeminiE2eTest::keyTravelsOnlyInTheGoogHeaderNeverInTheUrl_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("stream");

    QTest::newRow("200, streamed") << 200 << true;
    QTest::newRow("200, not streamed") << 200 << false;
    QTest::newRow("400, streamed") << 400 << true;
}

void GeminiE2eTest::keyTravelsOnlyInTheGoogHeaderNeverInTheUrl()
{
    QFETCH(int, status);
    QFETCH(bool, stream);

    const QByteArray answer =
        R"({"candidates": [{"content": {"parts": [{"text": "ok"}],"role": "model"},"finishReason": "STOP","index": 0}],)"
        R"("usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 1,"totalTokenCount": 4}})";
    const QByteArray failure =
        R"({"error": {"code": 400,"message": "API key not valid. Please pass a valid API key.","status": "INVALID_ARGUMENT"}})";
    ScriptedResponse script;
    if (status != 200)
        script.writes = responseWrites(status, "application/json", {failure}, BodyFraming::ContentLength);
    else if (stream)
        script.writes = responseWrites(200, "text/event-stream", {geminiEvent(answer)}, BodyFraming::Chunked);
    else
        script.writes = responseWrites(200, "application/json", {answer}, BodyFraming::ContentLength);
    ScriptedHttpServer server(script);
    QVERIFY(server.listen());

    const QString key = QStringLiteral("AIzaSyE2E-secret_0123456789");
    ProviderEndpoint endpoint = geminiEndpoint(rootUrl(server.port()));
    endpoint.apiKey = key;
    const Run result = run(
        endpoint, chatRequest(QStringLiteral("gemini-2.5-flash"), QStringLiteral("Hi there"), stream, 64));
    QVERIFY(result.finished);

    QCOMPARE(server.requests().size(), 1);
    const QByteArray raw = server.requests().front();
    const QByteArray requestLine = raw.first(raw.indexOf("\r\n"));
    const QByteArray expectedLine =
        stream ? "POST /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse HTTP/1.1"
               : "POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1";
    QCOMPARE(requestLine, expectedLine);
    QVERIFY(!requestLine.contains(key.toUtf8()));
    QVERIFY(!requestLine.contains("key="));
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    const QByteArray head = raw.first(headEnd);
    const QByteArrayList headerLines = head.split('\n');
    const QByteArray keyLine = QByteArray("x-goog-api-key: ") + key.toUtf8() + QByteArray("\r");
    QVERIFY2(headerLines.contains(keyLine), head.constData());
    QVERIFY(!head.toLower().contains("authorization:"));
    QCOMPARE(raw.count(key.toUtf8()), qsizetype(1)); // the header, nowhere else

    const QJsonObject body = QJsonDocument::fromJson(raw.sliced(headEnd + 4)).object();
    QCOMPARE(body.value(QStringLiteral("generationConfig"))
                 .toObject()
                 .value(QStringLiteral("maxOutputTokens"))
                 .toInt(),
             64);
    QCOMPARE(body.value(QStringLiteral("contents")).toArray().size(), 1);

    const ChatOutcome &outcome = result.outcome;
    if (status == 200) {
        QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
        QCOMPARE(outcome.text, QStringLiteral("ok"));
        QCOMPARE(outcome.finishReason, QStringLiteral("STOP"));
    } else {
        QVERIFY(outcome.error.has_value());
        QCOMPARE(
            outcome.error->message,
            QStringLiteral("HTTP 400: API key not valid. Please pass a valid API key. [INVALID_ARGUMENT]"));
        // The error names where it happened, and that does not give the key away either.
        QVERIFY(outcome.error->where.startsWith(QStringLiteral("POST http://127.0.0.1:")));
        QVERIFY(!outcome.error->toString().contains(key));
    }
}

QTEST_GUILESS_MAIN(GeminiE2eTest)
#include "tst_geminie2e.moc"
