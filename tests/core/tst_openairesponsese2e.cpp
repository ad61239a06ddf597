// SPDX-License-Identifier: GPL-3.0-or-later
// The real chat client speaking OpenAI's Responses API, end to end over loopback against the
// built-in simulator: answers streamed and whole, usage, the max_output_tokens cut, a tool call,
// and every injected fault.
#include <memory>

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTest>

#include "ChatCallHarness.h"
#include "RawHttpClient.h"
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

} // namespace

class OpenAiResponsesE2eTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void answerMatchesTheSimulatorWithUsage_data();
    void answerMatchesTheSimulatorWithUsage();
    void maxOutputTokensEndsIncompleteButCompletes_data();
    void maxOutputTokensEndsIncompleteButCompletes();
    void maxOutputTokensBelowOpenAisMinimumIsA400();
    void toolCallIsAssembledIntoOneCall_data();
    void toolCallIsAssembledIntoOneCall();
    void structuredAnswerFollowsTheSchemaOrTheFault_data();
    void structuredAnswerFollowsTheSchemaOrTheFault();
    void faultsEndTheCallWithTheRightError_data();
    void faultsEndTheCallWithTheRightError();
    void malformedEventIsReportedAtItsStreamByteOffset();
    void stallLongerThanTheIdleTimeoutTimesOut();
    void stallShorterThanTheIdleTimeoutIsOnlySlow();

private:
    using Run = RecordedCall;

    Run run(const ChatRequest &request, int idleTimeoutMs = 10'000, int waitMs = 10'000);
    ProviderEndpoint simulator(int idleTimeoutMs = 10'000) const;

    std::unique_ptr<SimulatorServer> m_simulator;
    QNetworkAccessManager *m_network = nullptr;
};

void OpenAiResponsesE2eTest::initTestCase()
{
    QString why;
    m_simulator = startSimulator(2000, 10, &why);
    QVERIFY2(m_simulator, qPrintable(why));
}

void OpenAiResponsesE2eTest::init()
{
    m_network = directNetwork(this);
}

void OpenAiResponsesE2eTest::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

ProviderEndpoint OpenAiResponsesE2eTest::simulator(int idleTimeoutMs) const
{
    ProviderEndpoint endpoint;
    endpoint.protocol = WireProtocol::OpenAiResponses;
    endpoint.baseUrl = m_simulator->baseUrl();
    endpoint.apiKey = QStringLiteral("sk-simulated");
    endpoint.idleTimeoutMs = idleTimeoutMs;
    return endpoint;
}

OpenAiResponsesE2eTest::Run OpenAiResponsesE2eTest::run(const ChatRequest &request, int idleTimeoutMs,
                                                        int waitMs)
{
    return runCall(m_network, simulator(idleTimeoutMs), request, waitMs);
}

void OpenAiResponsesE2eTest::answerMatchesTheSimulatorWithUsage_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void OpenAiResponsesE2eTest::answerMatchesTheSimulatorWithUsage()
{
    QFETCH(bool, stream);

    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Stream a caf\u00E9 answer \U0001F600"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    QVERIFY(expected.tokens.size() > 16);
    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(!outcome.error);
    QCOMPARE(outcome.httpStatus, 200);
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(textOf(result.events), outcome.text);
    QCOMPARE(outcome.finishReason, QStringLiteral("completed"));
    QVERIFY(outcome.toolCalls.isEmpty());
    QVERIFY(outcome.reasoning.isEmpty());

    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(outcome.usage.cachedInputTokens, qint64(0));
    QCOMPARE(outcome.usage.reasoningTokens, qint64(0));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Usage), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Finish), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Error), qsizetype(0));
    // A stream delivers the answer token by token; a whole body in one piece.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::TextDelta),
             stream ? expected.tokens.size() : qsizetype(1));
}

void OpenAiResponsesE2eTest::maxOutputTokensEndsIncompleteButCompletes_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void OpenAiResponsesE2eTest::maxOutputTokensEndsIncompleteButCompletes()
{
    QFETCH(bool, stream);

    // 16 is the smallest limit OpenAI accepts.
    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Keep it short"), stream, 16);
    const SimulatedAnswer expected = expectedAnswer(request);
    QCOMPARE(expected.tokens.size(), qsizetype(16));
    QCOMPARE(expected.finishReason, QStringLiteral("length"));
    const Run result = run(request);
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.finishReason, QStringLiteral("max_output_tokens"));
    QCOMPARE(result.outcome.text, expected.text());
    QCOMPARE(result.outcome.usage.outputTokens, qint64(16));
}

void OpenAiResponsesE2eTest::maxOutputTokensBelowOpenAisMinimumIsA400()
{
    const Run result = run(chatRequest(QLatin1String(kModel), QStringLiteral("Keep it short"), true, 10));
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(ErrorCode::Http));
    QCOMPARE(outcome.error->httpStatus, 400);
    QCOMPARE(
        outcome.error->message,
        QStringLiteral("HTTP 400: Invalid 'max_output_tokens': integer below minimum value. Expected a value "
                       ">= 16, but got 10 instead. [invalid_request_error]"));
    QCOMPARE(outcome.error->providerCode, QStringLiteral("invalid_request_error"));
    QVERIFY(outcome.text.isEmpty());
}

void OpenAiResponsesE2eTest::toolCallIsAssembledIntoOneCall_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void OpenAiResponsesE2eTest::toolCallIsAssembledIntoOneCall()
{
    QFETCH(bool, stream);

    ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+tool-call"),
                                      QStringLiteral("Look up the weather in Par\u00EDs"), stream);
    request.tools = {
        ToolDefinition{QStringLiteral("lookup"), QStringLiteral("Search"),
                       QByteArrayLiteral(R"({"type":"object","properties":{"query":{"type":"string"}}})")},
        ToolDefinition{QStringLiteral("other"), QString(), QByteArray()}};
    const SimulatedAnswer expected =
        Mock::simulateToolCall(QLatin1String(kModel), request.messages, QStringLiteral("lookup"));
    QVERIFY(expected.toolCall.has_value());
    QVERIFY(expected.toolCall->argumentFragments.size() > 1);

    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.toolCalls.size(), qsizetype(1));
    QCOMPARE(outcome.toolCalls[0].id, expected.toolCall->id);
    QCOMPARE(outcome.toolCalls[0].name, QStringLiteral("lookup"));
    QCOMPARE(outcome.toolCalls[0].arguments, expected.toolCall->arguments());
    QVERIFY(outcome.text.isEmpty());
    // The Responses API says "completed" for a turn that ends in a call, too.
    QCOMPARE(outcome.finishReason, QStringLiteral("completed"));
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.toolCall->argumentFragments.size()));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::ToolCallDelta),
             stream ? expected.toolCall->argumentFragments.size() + 1 : qsizetype(1));
}

void OpenAiResponsesE2eTest::structuredAnswerFollowsTheSchemaOrTheFault_data()
{
    addStructuredAnswerRows();
}

void OpenAiResponsesE2eTest::structuredAnswerFollowsTheSchemaOrTheFault()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);

    const QString model = modelWithFault(kModel, fault);
    const Run result = run(structuredRequest(model, QStringLiteral("Describe a book"), bookSchema(), stream));
    QVERIFY(result.finished);
    const QString mismatch = structuredAnswerMismatch(result.outcome, bookSchema(), fault);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QCOMPARE(textOf(result.events), result.outcome.text);
    QCOMPARE(result.outcome.finishReason, QStringLiteral("completed"));
}

void OpenAiResponsesE2eTest::faultsEndTheCallWithTheRightError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("message"); // the whole message, or its start when it ends in "…"
    QTest::addColumn<QString>("providerCode");
    QTest::addColumn<int>("tokens"); // how many of the answer's tokens arrive; -1: all

    const auto http = [](int status, const QString &message, const QString &providerCode,
                         bool stream = true) {
        const QString fault = QStringLiteral("http-%1").arg(status);
        QTest::addRow("%s%s", qPrintable(fault), stream ? "" : ", not streamed")
            << fault << stream << ErrorCode::Http << status << message << providerCode << 0;
    };
    http(401,
         QStringLiteral("HTTP 401: Incorrect API key provided. (simulated fault http-401) [invalid_api_key]"),
         QStringLiteral("invalid_api_key"));
    http(429,
         QStringLiteral("HTTP 429: Rate limit reached for requests. Please try again in 1s. (simulated fault "
                        "http-429) [rate_limit_exceeded]"),
         QStringLiteral("rate_limit_exceeded"));
    http(429,
         QStringLiteral("HTTP 429: Rate limit reached for requests. Please try again in 1s. (simulated fault "
                        "http-429) [rate_limit_exceeded]"),
         QStringLiteral("rate_limit_exceeded"), false);
    http(500,
         QStringLiteral("HTTP 500: The server had an error while processing your request. Sorry about that! "
                        "(simulated fault http-500) [server_error]"),
         QStringLiteral("server_error"));
    http(503,
         QStringLiteral("HTTP 503: The server is overloaded or not ready yet. (simulated fault http-503) "
                        "[server_error]"),
         QStringLiteral("server_error"));
    http(529, QStringLiteral("HTTP 529: (simulated fault http-529) [server_error]"),
         QStringLiteral("server_error"));

    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << true << ErrorCode::Truncated << 200
        << QStringLiteral("stream ended before completion…") << QString() << 5;
    QTest::newRow("reset-mid-stream:0")
        << QStringLiteral("reset-mid-stream:0") << true << ErrorCode::Truncated << 200
        << QStringLiteral("stream ended before completion…") << QString() << 0;
    QTest::newRow("error-after-200:4")
        << QStringLiteral("error-after-200:4") << true << ErrorCode::Provider << 200
        << QStringLiteral("The simulator injected an error after 4 tokens [server_error]")
        << QStringLiteral("server_error") << 4;
    QTest::newRow("error-after-200:0")
        << QStringLiteral("error-after-200:0") << true << ErrorCode::Provider << 200
        << QStringLiteral("The simulator injected an error after 0 tokens [server_error]")
        << QStringLiteral("server_error") << 0;
    QTest::newRow("malformed-event:3")
        << QStringLiteral("malformed-event:3") << true << ErrorCode::Protocol << 200
        << QStringLiteral("malformed JSON in stream event: …") << QString() << -1;
    QTest::newRow("error-after-200, not streamed: a 500")
        << QStringLiteral("error-after-200:4") << false << ErrorCode::Http << 500
        << QStringLiteral(
               "HTTP 500: The server had an error while processing your request. Sorry about that! "
               "(simulated fault error-after-200:4) [server_error]")
        << QStringLiteral("server_error") << 0;
}

void OpenAiResponsesE2eTest::faultsEndTheCallWithTheRightError()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, message);
    QFETCH(QString, providerCode);
    QFETCH(int, tokens);

    const ChatRequest request = chatRequest(QLatin1String(kModel) + QLatin1Char('+') + fault,
                                            QStringLiteral("Break on purpose"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(!outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(outcome.error.has_value());
    QCOMPARE(errorCodeName(outcome.error->code), errorCodeName(code));
    QCOMPARE(outcome.httpStatus, httpStatus);
    QCOMPARE(outcome.error->httpStatus, code == ErrorCode::Http ? httpStatus : 0);
    if (message.endsWith(QStringLiteral("…")))
        QVERIFY2(outcome.error->message.startsWith(message.chopped(1)), qPrintable(outcome.error->message));
    else
        QCOMPARE(outcome.error->message, message);
    QCOMPARE(outcome.error->providerCode, providerCode);
    QVERIFY(!outcome.error->where.isEmpty());
    QCOMPARE(outcome.text, tokens < 0 ? expected.text() : expected.tokens.mid(0, tokens).join(QString()));
    QCOMPARE(textOf(result.events), outcome.text);
    // Exactly one error whatever the fault: a broken event is not also reported as lost events.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Error),
             code == ErrorCode::Provider || code == ErrorCode::Protocol ? qsizetype(1) : qsizetype(0));
    if (code == ErrorCode::Protocol)
        QCOMPARE(outcome.finishReason, QStringLiteral("completed")); // the stream carried on to its end
}

void OpenAiResponsesE2eTest::malformedEventIsReportedAtItsStreamByteOffset()
{
    // The simulator's streams for one request are byte-for-byte the same every time (the id has
    // a fixed width and the timestamp is ten digits), so a raw read shows where the broken event
    // starts.
    const ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+malformed-event:3"),
                                            QStringLiteral("Where is it?"));
    const QByteArray body =
        Providers::protocolFor(WireProtocol::OpenAiResponses).buildRequest(simulator(), request).body;
    const TestSupport::RawHttpResponse raw =
        TestSupport::rawHttpExchange(m_simulator->port(), TestSupport::rawPost("/v1/responses", body));
    QCOMPARE(raw.status, 200);
    QVERIFY(raw.chunkedTerminatorSeen);
    const qsizetype broken = raw.body.indexOf("\"delta\": \n");
    QVERIFY(broken > 0);
    const qsizetype brokenEventAt = raw.body.lastIndexOf("\n\n", broken) + 2;

    const Run result = run(request);
    QVERIFY(result.finished);
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(ErrorCode::Protocol));
    QCOMPARE(result.outcome.error->where, QStringLiteral("stream byte %1").arg(brokenEventAt));
    QCOMPARE(result.outcome.text, expectedAnswer(request).text());
}

void OpenAiResponsesE2eTest::stallLongerThanTheIdleTimeoutTimesOut()
{
    const ChatRequest request =
        chatRequest(QLatin1String(kModel) + QStringLiteral("+stall:5000"), QStringLiteral("Then go quiet"));
    const SimulatedAnswer expected = expectedAnswer(request);
    QElapsedTimer clock;
    clock.start();
    const Run result = run(request, /*idleTimeoutMs=*/300);
    QVERIFY2(result.finished, "the call did not end on its own");
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    const ChatOutcome &outcome = result.outcome;
    QVERIFY(!outcome.completed);
    QVERIFY(outcome.error.has_value());
    // The lifecycle events and the first half of the answer had arrived: ChatCall reports a
    // stream that went quiet after data as Truncated, saying why; one that never sent a byte
    // as Timeout.
    QVERIFY2(outcome.error->code == ErrorCode::Timeout || outcome.error->code == ErrorCode::Truncated,
             qPrintable(describe(outcome)));
    QVERIFY2(outcome.error->message.contains(QStringLiteral("no data for 0.3 s")),
             qPrintable(describe(outcome)));
    QCOMPARE(outcome.text, expected.tokens.mid(0, expected.tokens.size() / 2).join(QString()));
}

void OpenAiResponsesE2eTest::stallShorterThanTheIdleTimeoutIsOnlySlow()
{
    const ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+stall:400"),
                                            QStringLiteral("Pause, then finish"));
    QElapsedTimer clock;
    clock.start();
    const Run result = run(request, /*idleTimeoutMs=*/3000);
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QVERIFY2(clock.elapsed() >= 400, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(result.outcome.text, expectedAnswer(request).text());
    QCOMPARE(result.outcome.finishReason, QStringLiteral("completed"));
}

QTEST_GUILESS_MAIN(OpenAiResponsesE2eTest)
#include "tst_openairesponsese2e.moc"
