// SPDX-License-Identifier: GPL-3.0-or-later
// The real chat client, end to end over loopback: against the built-in simulator (answers,
// timings, usage, every injected fault, cancellation) and against a scripted server that cuts
// the HTTP body at the worst places (inside UTF-8 characters, CRLFs, `data: [DONE]`), ends it in
// odd ways, answers with errors or stalls.
#include <memory>
#include <optional>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "ChatCallHarness.h"
#include "Chunkings.h"
#include "RawHttpClient.h"
#include "ScriptedHttpServer.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorServer.h"
#include "providers/ChatCall.h"
#include "providers/ProviderProtocol.h"

using namespace Lathe;
using namespace Lathe::TestSupport;
using Lathe::Mock::SimulatedAnswer;
using Lathe::Mock::SimulatorServer;
using Lathe::Providers::ChatCall;
using Lathe::Providers::ChatMessage;
using Lathe::Providers::ChatOutcome;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::ProviderEndpoint;
using Lathe::Providers::StreamEvent;

Q_DECLARE_METATYPE(Lathe::TestSupport::BodyFraming)
Q_DECLARE_METATYPE(Lathe::TestSupport::ScriptedResponse::End)

namespace
{

constexpr auto kModel = "lathe-sim";
// Slow enough that an answer is far from done when a test cancels or deletes its call.
constexpr int kSlowTokensPerSecond = 50;

ProviderEndpoint endpointAt(const QUrl &baseUrl, int idleTimeoutMs = 10'000)
{
    ProviderEndpoint endpoint;
    endpoint.baseUrl = baseUrl;
    endpoint.idleTimeoutMs = idleTimeoutMs;
    return endpoint;
}

// Body pieces of a streamed answer built from content deltas, ending as asked.
QByteArray sseBody(const QStringList &deltas, const QString &finishReason, bool done)
{
    QByteArray body;
    for (const QString &delta : deltas)
        body += sseData(openAiContentChunk(delta));
    if (!finishReason.isEmpty())
        body += sseData(openAiFinishChunk(finishReason));
    if (done)
        body += sseData("[DONE]");
    return body;
}

// Every framing a scripted body can have, named for data rows.
QList<QPair<const char *, BodyFraming>> allFramings()
{
    return {{"content-length", BodyFraming::ContentLength},
            {"close-delimited", BodyFraming::CloseDelimited},
            {"chunked", BodyFraming::Chunked}};
}

// A streamed 200 whose head arrives and then nothing more, on a connection kept open.
ScriptedResponse headThenStall()
{
    ScriptedResponse script;
    script.writes = responseWrites(200, "text/event-stream", {}, BodyFraming::Chunked).mid(0, 1);
    script.end = ScriptedResponse::End::Stall;
    return script;
}

// A port on 127.0.0.1 where nothing listens: one just given out by the system and closed again.
// 0 when no port could be had.
quint16 closedLocalPort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : quint16(0);
}

qsizetype offsetOf(const QByteArray &haystack, const QByteArray &needle, qsizetype plus = 0)
{
    const qsizetype at = haystack.indexOf(needle);
    if (at < 0)
        qFatal("test data: \"%s\" is not in the body it should split", needle.constData());
    return at + plus;
}

} // namespace

class TestChatCall : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // against the simulator
    void streamedAnswerMatchesTheSimulatorWithTimingsAndUsage();
    void nonStreamedAnswerGivesTheSameTextWithoutARate();
    void maxTokensFinishesWithLengthAndStillCompletes_data();
    void maxTokensFinishesWithLengthAndStillCompletes();
    void simulatorFaultsEndTheCallWithTheRightError_data();
    void simulatorFaultsEndTheCallWithTheRightError();
    void malformedEventIsReportedAtItsStreamByteOffset();
    void structuredAnswerFollowsTheSchemaOrTheFault_data();
    void structuredAnswerFollowsTheSchemaOrTheFault();
    void nothingListeningIsANetworkErrorNamingTheUrl();
    void cancelAfterFirstEventsFinishesOnceAndStopsEvents();
    void cancelFromInsideEventsReceivedFinishesOnce();
    void cancelBeforeStartFinishesOnce();
    void deletingACallMidStreamEmitsNothingMore();

    // against a scripted server
    void requestIsAJsonPostToChatCompletions();
    void bodySplitAtAwkwardPointsAssemblesExactly_data();
    void bodySplitAtAwkwardPointsAssemblesExactly();
    void howTheBodyEndsDecidesTheOutcome_data();
    void howTheBodyEndsDecidesTheOutcome();
    void httpErrorStatusCarriesTheProviderMessage_data();
    void httpErrorStatusCarriesTheProviderMessage();
    void stallAfterHeadersTimesOut();
    void stallMidStreamEndsTheCallKeepingTheText();
    void nonHttpErrorsCarryNoHttpStatus_data();
    void nonHttpErrorsCarryNoHttpStatus();

private:
    using Run = RecordedCall;

    Run run(const ProviderEndpoint &endpoint, const ChatRequest &request, int timeoutMs = 5000);
    Run runScripted(const ScriptedResponse &script, const ChatRequest &request, int idleTimeoutMs = 10'000);
    ProviderEndpoint simulator() const { return endpointAt(m_simulator->baseUrl()); }

    std::unique_ptr<SimulatorServer> m_simulator;
    QNetworkAccessManager *m_network = nullptr;
};

void TestChatCall::initTestCase()
{
    QString why;
    m_simulator = startSimulator(2000, 20, &why);
    QVERIFY2(m_simulator, qPrintable(why));
}

void TestChatCall::init()
{
    m_network = directNetwork(this);
}

void TestChatCall::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

TestChatCall::Run TestChatCall::run(const ProviderEndpoint &endpoint, const ChatRequest &request,
                                    int timeoutMs)
{
    return runCall(m_network, endpoint, request, timeoutMs);
}

TestChatCall::Run TestChatCall::runScripted(const ScriptedResponse &script, const ChatRequest &request,
                                            int idleTimeoutMs)
{
    ScriptedHttpServer server(script);
    if (!server.listen())
        return {};
    return run(endpointAt(server.baseUrl(), idleTimeoutMs), request);
}

// ---- against the simulator ------------------------------------------------------------------

void TestChatCall::streamedAnswerMatchesTheSimulatorWithTimingsAndUsage()
{
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Stream a café answer 😀"));
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(!outcome.error);
    QCOMPARE(result.finishedCount, 1);
    QCOMPARE(outcome.httpStatus, 200);
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(textOf(result.events), outcome.text);
    QCOMPARE(outcome.finishReason, QStringLiteral("stop"));

    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(outcome.usage.cachedInputTokens, qint64(0));
    QCOMPARE(outcome.usage.reasoningTokens, qint64(0));
    QCOMPARE(outcome.outputTokens(), qint64(expected.tokens.size()));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Finish), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Usage), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Error), qsizetype(0));

    const auto &timings = outcome.timings;
    QVERIFY2(timings.firstTokenMs >= 20, qPrintable(QString::number(timings.firstTokenMs)));
    QVERIFY(timings.firstTokenMs < timings.totalMs);
    QVERIFY(timings.totalMs <= result.wallMs + 1);
    QCOMPARE(timings.deltaArrivalMs.size(), countOf(result.events, StreamEvent::Kind::TextDelta));
    QCOMPARE(timings.deltaArrivalMs.size(), expected.tokens.size());
    QCOMPARE(timings.deltaArrivalMs.front(), timings.firstTokenMs);
    for (qsizetype i = 1; i < timings.deltaArrivalMs.size(); ++i)
        QVERIFY2(timings.deltaArrivalMs[i] >= timings.deltaArrivalMs[i - 1], qPrintable(QString::number(i)));
    QVERIFY(timings.deltaArrivalMs.back() <= timings.totalMs);

    const auto rate = outcome.tokensPerSecond();
    QVERIFY(rate.has_value());
    // The simulator paces at 2000 tokens/s; allow a wide margin for a busy machine.
    QVERIFY2(*rate > 100 && *rate < 100'000, qPrintable(QString::number(*rate)));
}

void TestChatCall::nonStreamedAnswerGivesTheSameTextWithoutARate()
{
    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Stream a café answer 😀"), /*stream=*/false);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(outcome.finishReason, QStringLiteral("stop"));
    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.outputTokens(), qint64(expected.tokens.size()));
    QCOMPARE(outcome.timings.deltaArrivalMs.size(), qsizetype(1));
    QVERIFY(outcome.timings.firstTokenMs >= 20);
    QCOMPARE(outcome.tokensPerSecond(), std::nullopt);
}

void TestChatCall::maxTokensFinishesWithLengthAndStillCompletes_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void TestChatCall::maxTokensFinishesWithLengthAndStillCompletes()
{
    QFETCH(bool, stream);

    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Keep it short"), stream, 10);
    const SimulatedAnswer expected = expectedAnswer(request);
    QCOMPARE(expected.tokens.size(), qsizetype(10));
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.finishReason, QStringLiteral("length"));
    QCOMPARE(result.outcome.text, expected.text());
    QCOMPARE(result.outcome.usage.outputTokens, qint64(10));
}

void TestChatCall::simulatorFaultsEndTheCallWithTheRightError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("messageStart");
    QTest::addColumn<QStringList>("messageContains");
    QTest::addColumn<int>("tokens"); // how many of the answer's tokens arrive; -1: all

    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << true << ErrorCode::Truncated << 200
        << QStringLiteral("stream ended before completion") << QStringList() << 5;
    QTest::newRow("reset-mid-stream:0")
        << QStringLiteral("reset-mid-stream:0") << true << ErrorCode::Truncated << 200
        << QStringLiteral("stream ended before completion") << QStringList() << 0;
    QTest::newRow("error-after-200:4")
        << QStringLiteral("error-after-200:4") << true << ErrorCode::Provider << 200 << QString()
        << QStringList{QStringLiteral("injected an error after 4 tokens"),
                       QStringLiteral("[simulated_fault]")}
        << 4;
    QTest::newRow("malformed-event:3") << QStringLiteral("malformed-event:3") << true << ErrorCode::Protocol
                                       << 200 << QStringLiteral("malformed JSON") << QStringList() << -1;
    QTest::newRow("http-401") << QStringLiteral("http-401") << true << ErrorCode::Http << 401
                              << QStringLiteral("HTTP 401")
                              << QStringList{QStringLiteral("Incorrect API key provided"),
                                             QStringLiteral("(simulated fault http-401)")}
                              << 0;
    QTest::newRow("http-500") << QStringLiteral("http-500") << true << ErrorCode::Http << 500
                              << QStringLiteral("HTTP 500")
                              << QStringList{QStringLiteral("(simulated fault http-500)")} << 0;
    QTest::newRow("http-429, not streamed")
        << QStringLiteral("http-429") << false << ErrorCode::Http << 429 << QStringLiteral("HTTP 429")
        << QStringList{QStringLiteral("Rate limit reached"), QStringLiteral("[rate_limit_exceeded]")} << 0;
    QTest::newRow("error-after-200, not streamed: a 500")
        << QStringLiteral("error-after-200:4") << false << ErrorCode::Http << 500
        << QStringLiteral("HTTP 500") << QStringList{QStringLiteral("(simulated fault error-after-200:4)")}
        << 0;
    QTest::newRow("reset-mid-stream, not streamed: nothing arrives")
        << QStringLiteral("reset-mid-stream") << false << ErrorCode::Network << 0 << QString()
        << QStringList() << 0;
}

void TestChatCall::simulatorFaultsEndTheCallWithTheRightError()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, messageStart);
    QFETCH(QStringList, messageContains);
    QFETCH(int, tokens);

    const ChatRequest request = chatRequest(QLatin1String(kModel) + QLatin1Char('+') + fault,
                                            QStringLiteral("Break on purpose"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    QCOMPARE(result.finishedCount, 1);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(!outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(code));
    QCOMPARE(outcome.httpStatus, httpStatus);
    QVERIFY2(outcome.error->message.startsWith(messageStart), qPrintable(outcome.error->message));
    for (const QString &fragment : messageContains)
        QVERIFY2(outcome.error->message.contains(fragment), qPrintable(outcome.error->message));
    QVERIFY(!outcome.error->where.isEmpty());
    QCOMPARE(outcome.text, tokens < 0 ? expected.text() : expected.tokens.mid(0, tokens).join(QString()));
    QCOMPARE(textOf(result.events), outcome.text);
    if (code == ErrorCode::Http)
        QCOMPARE(outcome.error->httpStatus, httpStatus);
}

void TestChatCall::malformedEventIsReportedAtItsStreamByteOffset()
{
    // The simulator's streams for one request are byte-for-byte the same length every time (the
    // id and timestamp have fixed widths), so a raw read of the same request shows where the
    // broken event starts.
    const ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+malformed-event:3"),
                                            QStringLiteral("Where is it?"));
    const QByteArray body =
        Providers::protocolFor(Providers::WireProtocol::OpenAiChat).buildRequest(simulator(), request).body;
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/v1/chat/completions", body));
    QCOMPARE(raw.status, 200);
    QVERIFY(raw.chunkedTerminatorSeen);
    const qsizetype brokenAt = raw.body.indexOf("data: {\"id\": \"");
    QVERIFY(brokenAt > 0);

    const Run result = run(simulator(), request);
    QVERIFY(result.finished);
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(ErrorCode::Protocol));
    QCOMPARE(result.outcome.error->where, QStringLiteral("stream byte %1").arg(brokenAt));
    // The simulator carries on after the broken event, and so does the client.
    QCOMPARE(result.outcome.text, expectedAnswer(request).text());
    QCOMPARE(result.outcome.finishReason, QStringLiteral("stop"));
}

void TestChatCall::structuredAnswerFollowsTheSchemaOrTheFault_data()
{
    addStructuredAnswerRows();
}

void TestChatCall::structuredAnswerFollowsTheSchemaOrTheFault()
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
    QCOMPARE(result.outcome.finishReason, QStringLiteral("stop"));
}

void TestChatCall::nothingListeningIsANetworkErrorNamingTheUrl()
{
    const quint16 port = closedLocalPort();
    QVERIFY(port != 0);
    const QUrl base(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
    const Run result = run(endpointAt(base), chatRequest(QLatin1String(kModel), QStringLiteral("anyone?")));
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(ErrorCode::Network));
    QVERIFY2(
        outcome.error->where.contains(QStringLiteral("http://127.0.0.1:%1/v1/chat/completions").arg(port)),
        qPrintable(outcome.error->where));
    QVERIFY(!outcome.error->message.isEmpty());
    QCOMPARE(outcome.httpStatus, 0);
    QVERIFY(outcome.text.isEmpty());
    QVERIFY(result.events.isEmpty());
}

void TestChatCall::cancelAfterFirstEventsFinishesOnceAndStopsEvents()
{
    const auto slow = startSimulator(kSlowTokensPerSecond, 20);
    QVERIFY(slow);
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Take your time"));
    ChatCall call(m_network, endpointAt(slow->baseUrl()), request);
    Run result;
    recordCall(call, result, this);
    call.start();
    QTRY_VERIFY_WITH_TIMEOUT(!textOf(result.events).isEmpty(), 5000);

    call.cancel();
    const int batchesAtCancel = result.eventBatches;
    QTRY_COMPARE_WITH_TIMEOUT(result.finishedCount, 1, 2000);
    call.cancel(); // a second cancel is a no-op
    // At 50 tokens/s, ~15 more tokens would arrive in 300 ms had the call kept reading.
    QTest::qWait(300);
    QCOMPARE(result.finishedCount, 1);
    QCOMPARE(result.eventBatches, batchesAtCancel);
    QVERIFY(call.isFinished());
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(ErrorCode::Cancelled));
    QCOMPARE(outcome.text, textOf(result.events));
    const QString full = expectedAnswer(request).text();
    QVERIFY(full.startsWith(outcome.text));
    QVERIFY(outcome.text.size() < full.size());
}

void TestChatCall::cancelFromInsideEventsReceivedFinishesOnce()
{
    const auto slow = startSimulator(kSlowTokensPerSecond, 20);
    QVERIFY(slow);
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Stop me from a slot"));
    ChatCall call(m_network, endpointAt(slow->baseUrl()), request);
    Run result;
    recordCall(call, result, this); // connected first, so it has counted a batch before the slot below runs
    int batchesAtCancel = -1;
    connect(&call, &ChatCall::eventsReceived, this, [&](const QList<StreamEvent> &events) {
        if (batchesAtCancel < 0 && !textOf(events).isEmpty()) {
            batchesAtCancel = result.eventBatches;
            call.cancel(); // re-entrant: from inside the call's own signal
        }
    });
    call.start();
    QTRY_COMPARE_WITH_TIMEOUT(result.finishedCount, 1, 5000);
    QTest::qWait(200);
    QCOMPARE(result.finishedCount, 1);
    QCOMPARE(result.eventBatches, batchesAtCancel); // not one batch after the cancel
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(ErrorCode::Cancelled));
    QVERIFY(!result.outcome.text.isEmpty());
    QVERIFY(expectedAnswer(request).text().startsWith(result.outcome.text));
}

void TestChatCall::cancelBeforeStartFinishesOnce()
{
    ChatCall call(m_network, simulator(), chatRequest(QLatin1String(kModel), QStringLiteral("never sent")));
    QSignalSpy finished(&call, &ChatCall::finished);
    call.cancel();
    QCOMPARE(finished.size(), 1);
    QVERIFY(call.isFinished());
    QVERIFY(!call.outcome().completed);
    QVERIFY(call.outcome().error.has_value());
    QCOMPARE(errorCodeName(call.outcome().error->code), errorCodeName(ErrorCode::Cancelled));
    call.cancel();
    QCOMPARE(finished.size(), 1);
}

void TestChatCall::deletingACallMidStreamEmitsNothingMore()
{
    const auto slow = startSimulator(kSlowTokensPerSecond, 20);
    QVERIFY(slow);
    int batches = 0;
    int finishedCount = 0;
    auto call = std::make_unique<ChatCall>(m_network, endpointAt(slow->baseUrl()),
                                           chatRequest(QLatin1String(kModel), QStringLiteral("abandon me")));
    // A receiver that outlives the call. ~ChatCall aborts its reply; were the reply still
    // connected then, its finished() would run the call's slot mid-destruction and emit here.
    QObject receiver;
    connect(call.get(), &ChatCall::eventsReceived, &receiver, [&] { ++batches; });
    connect(call.get(), &ChatCall::finished, &receiver, [&] { ++finishedCount; });
    call->start();
    QTRY_VERIFY_WITH_TIMEOUT(batches >= 2, 5000);
    call.reset();
    QTest::qWait(200); // the reply's late bytes and its abort are processed meanwhile
    QCOMPARE(finishedCount, 0);
}

// ---- against a scripted server ------------------------------------------------------------------

void TestChatCall::requestIsAJsonPostToChatCompletions()
{
    ScriptedResponse script;
    script.writes = responseWrites(200, "text/event-stream",
                                   {sseBody({QStringLiteral("ok")}, QStringLiteral("stop"), true)},
                                   BodyFraming::ContentLength);
    ScriptedHttpServer server(script);
    QVERIFY(server.listen());
    ProviderEndpoint endpoint = endpointAt(server.baseUrl());
    endpoint.apiKey = QStringLiteral("sk-test-123");
    const Run result =
        run(endpoint, chatRequest(QStringLiteral("gpt-test"), QStringLiteral("Hi there"), true, 64));
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.text, QStringLiteral("ok"));

    QCOMPARE(server.requests().size(), 1);
    const QByteArray raw = server.requests().front();
    QVERIFY2(raw.startsWith("POST /v1/chat/completions HTTP/1.1\r\n"), raw.constData());
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    const QByteArray head = raw.first(headEnd).toLower();
    QVERIFY(head.contains("\r\ncontent-type: application/json"));
    QVERIFY(head.contains("\r\naccept: text/event-stream"));
    QVERIFY(head.contains("\r\nauthorization: bearer sk-test-123"));
    const QJsonObject body = QJsonDocument::fromJson(raw.sliced(headEnd + 4)).object();
    QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-test"));
    QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
    QCOMPARE(body.value(QStringLiteral("stream_options"))
                 .toObject()
                 .value(QStringLiteral("include_usage"))
                 .toBool(),
             true);
    QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 64);
    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1).toObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("Hi there"));
}

void TestChatCall::bodySplitAtAwkwardPointsAssemblesExactly_data()
{
    QTest::addColumn<BodyFraming>("framing");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<int>("delayMs");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("finishReason");

    const auto framings = allFramings();

    // A multi-byte character cut after each of its bytes, in every framing (with chunked, the
    // HTTP chunk boundary itself falls inside the character).
    for (const QString &character : {QStringLiteral("é"), QStringLiteral("€"), QStringLiteral("😀")}) {
        const QByteArray utf8 = character.toUtf8();
        const QString delta = QStringLiteral("a") + character + QStringLiteral("b");
        const QByteArray body = sseBody({QStringLiteral("Prix: "), delta}, QStringLiteral("stop"), true);
        for (qsizetype cut = 1; cut < utf8.size(); ++cut) {
            for (const auto &[name, framing] : framings) {
                QTest::addRow("%s cut after byte %d, %s", utf8.constData(), int(cut), name)
                    << framing << true << splitAt(body, {offsetOf(body, utf8, cut)}) << 30
                    << QStringLiteral("Prix: ") + delta << QStringLiteral("stop");
            }
        }
    }

    // CRLF line endings, cut inside a CRLF; completion rests on [DONE] alone (no finish_reason).
    const QByteArray crlf = "data: " + openAiContentChunk(QStringLiteral("Hello")) + "\r\n\r\n" +
                            "data: " + openAiContentChunk(QStringLiteral(" wörld")) + "\r\n\r\n" +
                            "data: [DONE]\r\n\r\n";
    const qsizetype firstEnd = crlf.indexOf("\r\n\r\n");
    QTest::newRow("CRLF: cut between CR and LF of a data line")
        << BodyFraming::ContentLength << true << splitAt(crlf, {firstEnd + 1}) << 30
        << QStringLiteral("Hello wörld") << QString();
    QTest::newRow("CRLF: cut between the two CRLFs")
        << BodyFraming::CloseDelimited << true << splitAt(crlf, {firstEnd + 2}) << 30
        << QStringLiteral("Hello wörld") << QString();
    QTest::newRow("CRLF: cut between CR and LF of the blank line")
        << BodyFraming::Chunked << true << splitAt(crlf, {firstEnd + 3}) << 30
        << QStringLiteral("Hello wörld") << QString();
    QTest::newRow("CRLF: every CR its own write")
        << BodyFraming::ContentLength << true
        << splitAt(crlf, {firstEnd + 1, firstEnd + 3, crlf.lastIndexOf("\r\n\r\n") + 1, crlf.size() - 1})
        << 30 << QStringLiteral("Hello wörld") << QString();
    const QByteArray cr = "data: " + openAiContentChunk(QStringLiteral("Hello")) + "\r\r" +
                          "data: " + openAiContentChunk(QStringLiteral(" world")) + "\r\rdata: [DONE]\r\r";
    QTest::newRow("CR-only line endings cut between the two CRs")
        << BodyFraming::ContentLength << true << splitAt(cr, {cr.indexOf("\r\r") + 1}) << 30
        << QStringLiteral("Hello world") << QString();

    // `data: [DONE]` cut up; again no finish_reason, so only [DONE] can complete the answer.
    const QByteArray done = sseBody({QStringLiteral("Done"), QStringLiteral(" soon")}, QString(), true);
    const qsizetype doneAt = offsetOf(done, "data: [DONE]");
    QTest::newRow("[DONE]: cut inside the field name")
        << BodyFraming::ContentLength << true << splitAt(done, {doneAt + 2}) << 30
        << QStringLiteral("Done soon") << QString();
    QTest::newRow("[DONE]: cut inside the marker")
        << BodyFraming::Chunked << true << splitAt(done, {doneAt + 9}) << 30 << QStringLiteral("Done soon")
        << QString();
    QTest::newRow("[DONE]: cut before its line end")
        << BodyFraming::CloseDelimited << true << splitAt(done, {doneAt + 12}) << 30
        << QStringLiteral("Done soon") << QString();
    QTest::newRow("[DONE]: cut before the blank line")
        << BodyFraming::ContentLength << true << splitAt(done, {doneAt + 13}) << 30
        << QStringLiteral("Done soon") << QString();
    QTest::newRow("cut between `data:` and its space")
        << BodyFraming::ContentLength << true << splitAt(done, {offsetOf(done, "data: ", 5)}) << 30
        << QStringLiteral("Done soon") << QString();

    // Every byte its own write (and with chunked, its own HTTP chunk).
    const QString mixed = QStringLiteral("é€😀 ok");
    const QByteArray small = sseBody({mixed}, QStringLiteral("stop"), true);
    QTest::newRow("every byte its own write, content-length")
        << BodyFraming::ContentLength << true << fixedSizeChunks(small, 1) << 0 << mixed
        << QStringLiteral("stop");
    QTest::newRow("every byte its own chunk")
        << BodyFraming::Chunked << true << fixedSizeChunks(small, 1) << 0 << mixed << QStringLiteral("stop");

    // A non-streamed JSON answer cut inside a character.
    const QString whole = QStringLiteral("whole a😀b answer");
    const QByteArray json = openAiCompletion(whole, QStringLiteral("stop"));
    for (const auto &[name, framing] : framings) {
        QTest::addRow("non-streamed JSON cut inside an emoji, %s", name)
            << framing << false << splitAt(json, {offsetOf(json, QStringLiteral("😀").toUtf8(), 2)}) << 30
            << whole << QStringLiteral("stop");
    }
}

void TestChatCall::bodySplitAtAwkwardPointsAssemblesExactly()
{
    QFETCH(BodyFraming, framing);
    QFETCH(bool, stream);
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(int, delayMs);
    QFETCH(QString, text);
    QFETCH(QString, finishReason);

    ScriptedResponse script;
    script.writes = responseWrites(
        200, stream ? QByteArrayLiteral("text/event-stream") : QByteArrayLiteral("application/json"), pieces,
        framing);
    script.delayMs = delayMs;
    const Run result =
        runScripted(script, chatRequest(QStringLiteral("scripted"), QStringLiteral("split"), stream));
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.text, text);
    QCOMPARE(result.outcome.finishReason, finishReason);
    QCOMPARE(result.finishedCount, 1);
    QCOMPARE(textOf(result.events), text);
}

void TestChatCall::howTheBodyEndsDecidesTheOutcome_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<BodyFraming>("framing");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<ScriptedResponse::End>("end");
    QTest::addColumn<bool>("completed");
    QTest::addColumn<QStringList>("codes"); // acceptable errorCodeName()s; empty when completed
    QTest::addColumn<QString>("messageStart");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("finishReason");

    using End = ScriptedResponse::End;
    const QByteArray sse = "text/event-stream";
    const QString truncated = QStringLiteral("stream ended before completion");
    const QStringList isTruncated{errorCodeName(ErrorCode::Truncated)};
    const auto framings = allFramings();
    const QStringList hello{QStringLiteral("Hello"), QStringLiteral(" world")};

    for (const auto &[name, framing] : framings) {
        QTest::addRow("clean end without [DONE] or finish_reason, %s", name)
            << 200 << sse << framing << true << QList<QByteArray>{sseBody(hello, QString(), false)}
            << End::Close << false << isTruncated << truncated << QStringLiteral("Hello world") << QString();
        QTest::addRow("finish_reason without [DONE], %s", name)
            << 200 << sse << framing << true
            << QList<QByteArray>{sseBody(hello, QStringLiteral("stop"), false)} << End::Close << true
            << QStringList() << QString() << QStringLiteral("Hello world") << QStringLiteral("stop");
        QTest::addRow("[DONE] without finish_reason, %s", name)
            << 200 << sse << framing << true << QList<QByteArray>{sseBody(hello, QString(), true)}
            << End::Close << true << QStringList() << QString() << QStringLiteral("Hello world") << QString();
    }
    QTest::newRow("[DONE] without its blank line is an unfinished event")
        << 200 << sse << BodyFraming::ContentLength << true
        << QList<QByteArray>{sseBody(hello, QString(), false) + "data: [DONE]\n"} << End::Close << false
        << isTruncated << truncated << QStringLiteral("Hello world") << QString();
    QTest::newRow("empty 200 body") << 200 << sse << BodyFraming::ContentLength << true << QList<QByteArray>()
                                    << End::Close << false << isTruncated << truncated << QString()
                                    << QString();
    QTest::newRow("aborted mid-body, content-length")
        << 200 << sse << BodyFraming::ContentLength << true
        << QList<QByteArray>{sseBody(hello, QString(), false),
                             sseBody({QStringLiteral("!")}, QString(), true)}
               .mid(0, 1)
        << End::Abort << false << isTruncated << truncated << QStringLiteral("Hello world") << QString();
    QTest::newRow("aborted mid-body, chunked")
        << 200 << sse << BodyFraming::Chunked << true << QList<QByteArray>{sseBody(hello, QString(), false)}
        << End::Abort << false << isTruncated << truncated << QStringLiteral("Hello world") << QString();

    // An HTML page where an event stream should be. Streamed, it ends today as Truncated ("stream
    // ended before completion": SSE skips lines that are no fields, so nothing ever arrives);
    // Protocol would be as fair, so the test accepts either.
    const QByteArray html = "<html><head><title>502</title></head><body>Gateway says hi</body></html>\n";
    QTest::newRow("HTML on HTTP 200, streamed")
        << 200 << QByteArrayLiteral("text/html") << BodyFraming::ContentLength << true
        << QList<QByteArray>{html} << End::Close << false
        << QStringList{errorCodeName(ErrorCode::Protocol), errorCodeName(ErrorCode::Truncated)} << QString()
        << QString() << QString();
    QTest::newRow("HTML on HTTP 200, not streamed")
        << 200 << QByteArrayLiteral("text/html") << BodyFraming::CloseDelimited << false
        << QList<QByteArray>{html} << End::Close << false << QStringList{errorCodeName(ErrorCode::Protocol)}
        << QStringLiteral("malformed JSON") << QString() << QString();

    // Errors inside a 200 stream, in the shapes compatible servers use.
    const QByteArray openAiError =
        sseData(R"({"error":{"message":"The server had an error","type":"server_error","code":null}})");
    const QByteArray stringError = sseData(R"({"error":"backend crashed"})");
    const QByteArray vllmError =
        sseData(R"({"object":"error","message":"context too long","type":"BadRequestError"})");
    const QStringList isProvider{errorCodeName(ErrorCode::Provider)};
    QTest::newRow("error object after 200")
        << 200 << sse << BodyFraming::Chunked << true
        << QList<QByteArray>{sseBody(hello, QString(), false), openAiError + sseData("[DONE]")} << End::Close
        << false << isProvider << QStringLiteral("The server had an error [server_error]")
        << QStringLiteral("Hello world") << QString();
    QTest::newRow("error string after 200")
        << 200 << sse << BodyFraming::ContentLength << true
        << QList<QByteArray>{sseBody(hello, QString(), false), stringError} << End::Close << false
        << isProvider << QStringLiteral("backend crashed") << QStringLiteral("Hello world") << QString();
    QTest::newRow("flat vLLM error after 200")
        << 200 << sse << BodyFraming::CloseDelimited << true
        << QList<QByteArray>{vllmError + sseData("[DONE]")} << End::Close << false << isProvider
        << QStringLiteral("context too long [BadRequestError]") << QString() << QString();
}

void TestChatCall::howTheBodyEndsDecidesTheOutcome()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(BodyFraming, framing);
    QFETCH(bool, stream);
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(ScriptedResponse::End, end);
    QFETCH(bool, completed);
    QFETCH(QStringList, codes);
    QFETCH(QString, messageStart);
    QFETCH(QString, text);
    QFETCH(QString, finishReason);

    ScriptedResponse script;
    script.writes = responseWrites(status, contentType, pieces, framing);
    script.delayMs = 20;
    script.end = end;
    const Run result =
        runScripted(script, chatRequest(QStringLiteral("scripted"), QStringLiteral("end"), stream));
    QVERIFY(result.finished);
    QCOMPARE(result.finishedCount, 1);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed == completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.error.has_value(), !completed);
    if (outcome.error) {
        QVERIFY2(codes.contains(errorCodeName(outcome.error->code)), qPrintable(describe(outcome)));
        QVERIFY2(outcome.error->message.startsWith(messageStart), qPrintable(describe(outcome)));
    }
    QCOMPARE(outcome.text, text);
    QCOMPARE(outcome.finishReason, finishReason);
}

void TestChatCall::httpErrorStatusCarriesTheProviderMessage_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<BodyFraming>("framing");
    QTest::addColumn<QString>("message");

    const QByteArray json = "application/json";
    QTest::newRow("429 with OpenAI's error object")
        << 429 << json
        << QByteArrayLiteral(R"({"error":{"message":"Rate limit reached for requests","type":"requests",)"
                             R"("param":null,"code":"rate_limit_exceeded"}})")
        << BodyFraming::ContentLength
        << QStringLiteral("HTTP 429: Rate limit reached for requests [rate_limit_exceeded]");
    QTest::newRow("429 chunked, cut mid-message")
        << 429 << json << QByteArrayLiteral(R"({"error":{"message":"Slow down, café","type":"requests"}})")
        << BodyFraming::Chunked << QStringLiteral("HTTP 429: Slow down, café [requests]");
    QTest::newRow("503 with an error string")
        << 503 << json << QByteArrayLiteral(R"({"error":"upstream overloaded"})")
        << BodyFraming::CloseDelimited << QStringLiteral("HTTP 503: upstream overloaded");
    QTest::newRow("400 with a flat message")
        << 400 << json
        << QByteArrayLiteral(R"({"message":"temperature out of range","type":"invalid_request"})")
        << BodyFraming::ContentLength
        << QStringLiteral("HTTP 400: temperature out of range [invalid_request]");
    QTest::newRow("401 with OpenAI's error object")
        << 401 << json
        << QByteArrayLiteral(R"({"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}})")
        << BodyFraming::ContentLength
        << QStringLiteral("HTTP 401: Incorrect API key provided [invalid_api_key]");
    QTest::newRow("502 with an HTML page")
        << 502 << QByteArrayLiteral("text/html")
        << QByteArrayLiteral("<html>\n<body>Bad   gateway</body>\n</html>") << BodyFraming::ContentLength
        << QStringLiteral("HTTP 502: <html> <body>Bad gateway</body> </html>");
    QTest::newRow("500 with an empty body") << 500 << json << QByteArray() << BodyFraming::ContentLength
                                            << QStringLiteral("HTTP 500: Internal Server Error");
}

void TestChatCall::httpErrorStatusCarriesTheProviderMessage()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(BodyFraming, framing);
    QFETCH(QString, message);

    ScriptedResponse script;
    script.writes = responseWrites(status, contentType, splitAt(body, {body.size() / 2}), framing);
    script.delayMs = 20;
    const Run result = runScripted(script, chatRequest(QStringLiteral("scripted"), QStringLiteral("error")));
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(ErrorCode::Http));
    QCOMPARE(outcome.error->httpStatus, status);
    QCOMPARE(outcome.httpStatus, status);
    QCOMPARE(outcome.error->message, message);
    QVERIFY(outcome.error->where.endsWith(QStringLiteral("/v1/chat/completions")));
    QVERIFY(outcome.text.isEmpty());
    QVERIFY(result.events.isEmpty()); // an error body is not decoded as an answer
}

void TestChatCall::stallAfterHeadersTimesOut()
{
    const Run result =
        runScripted(headThenStall(), chatRequest(QStringLiteral("scripted"), QStringLiteral("stall")),
                    /*idleTimeoutMs=*/300);
    QVERIFY2(result.finished, "the call did not end on its own");
    QVERIFY2(result.wallMs >= 250 && result.wallMs < 2000, qPrintable(QString::number(result.wallMs)));
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    QVERIFY2(outcome.error->code == ErrorCode::Timeout, qPrintable(describe(outcome)));
    QVERIFY2(outcome.error->message.contains(QStringLiteral("0.3 s")), qPrintable(outcome.error->message));
    QVERIFY(outcome.text.isEmpty());
}

void TestChatCall::stallMidStreamEndsTheCallKeepingTheText()
{
    ScriptedResponse script;
    script.writes =
        responseWrites(200, "text/event-stream",
                       {sseBody({QStringLiteral("Half"), QStringLiteral(" an answer")}, QString(), false)},
                       BodyFraming::Chunked)
            .mid(0, 2); // head and the first events, never the terminator
    script.end = ScriptedResponse::End::Stall;
    const Run result = runScripted(script, chatRequest(QStringLiteral("scripted"), QStringLiteral("stall")),
                                   /*idleTimeoutMs=*/300);
    QVERIFY2(result.finished, "the call did not end on its own");
    QVERIFY2(result.wallMs >= 250 && result.wallMs < 2000, qPrintable(QString::number(result.wallMs)));
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    // Timeout or Truncated are both fair for a stream that goes quiet; either way it says why.
    QVERIFY2(outcome.error->code == ErrorCode::Timeout || outcome.error->code == ErrorCode::Truncated,
             qPrintable(describe(outcome)));
    QVERIFY2(outcome.error->message.contains(QStringLiteral("no data for 0.3 s")),
             qPrintable(describe(outcome)));
    QCOMPARE(outcome.text, QStringLiteral("Half an answer"));
}

void TestChatCall::nonHttpErrorsCarryNoHttpStatus_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("nothing listening") << QStringLiteral("refused") << ErrorCode::Network;
    QTest::newRow("timeout after a 200 head") << QStringLiteral("stall") << ErrorCode::Timeout;
    QTest::newRow("connection reset after 5 tokens of a 200 stream")
        << QStringLiteral("reset-mid-stream:5") << ErrorCode::Truncated;
}

void TestChatCall::nonHttpErrorsCarryNoHttpStatus()
{
    QFETCH(QString, how);
    QFETCH(ErrorCode, code);

    Run result;
    if (how == QLatin1String("refused")) {
        const quint16 port = closedLocalPort();
        QVERIFY(port != 0);
        result = run(endpointAt(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port))),
                     chatRequest(QLatin1String(kModel), QStringLiteral("status?")));
    } else if (how == QLatin1String("stall")) {
        result = runScripted(headThenStall(),
                             chatRequest(QStringLiteral("scripted"), QStringLiteral("status?")), 300);
    } else {
        result = run(simulator(),
                     chatRequest(QLatin1String(kModel) + QLatin1Char('+') + how, QStringLiteral("status?")));
    }
    QVERIFY(result.finished);
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(code));
    // Error.h: "int httpStatus = 0; ///< the HTTP status when code is Http, else 0". The
    // response's own status stays available as ChatOutcome::httpStatus.
    QCOMPARE(result.outcome.error->httpStatus, 0);
}

QTEST_GUILESS_MAIN(TestChatCall)
#include "tst_chatcall.moc"
