// SPDX-License-Identifier: GPL-3.0-or-later
// The real chat client speaking Anthropic's Messages API over loopback to the built-in
// simulator: answers streamed and whole, usage, max tokens, tool calls, and every injected
// fault; plus the raw wire shape of the simulator's Anthropic streams and errors.
#include <memory>
#include <vector>

#include <QNetworkAccessManager>
#include <QTest>

#include <nlohmann/json.hpp>

#include "ChatCallHarness.h"
#include "RawHttpClient.h"
#include "http/SseParser.h"
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

class AnthropicE2eTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void answerMatchesTheSimulatorWithUsage_data();
    void answerMatchesTheSimulatorWithUsage();
    void maxTokensFinishesWithMaxTokensAndCompletes_data();
    void maxTokensFinishesWithMaxTokensAndCompletes();
    void toolCallFaultAssemblesOneToolCall_data();
    void toolCallFaultAssemblesOneToolCall();
    void structuredAnswerFollowsTheSchemaOrTheFault_data();
    void structuredAnswerFollowsTheSchemaOrTheFault();
    void faultsEndTheCallWithTheRightError_data();
    void faultsEndTheCallWithTheRightError();
    void malformedEventIsReportedAtItsStreamByteOffset();
    void rawStreamHasAnthropicsEventSequence();
    void requestWithoutMaxTokensIsRejectedLikeTheRealApi();

private:
    using Run = RecordedCall;

    Run run(const ChatRequest &request, int idleTimeoutMs = 10'000);
    ProviderEndpoint endpoint(int idleTimeoutMs = 10'000) const;

    std::unique_ptr<SimulatorServer> m_simulator;
    QNetworkAccessManager *m_network = nullptr;
};

void AnthropicE2eTest::initTestCase()
{
    QString why;
    m_simulator = startSimulator(2000, 10, &why);
    QVERIFY2(m_simulator, qPrintable(why));
}

void AnthropicE2eTest::init()
{
    m_network = directNetwork(this);
}

void AnthropicE2eTest::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

ProviderEndpoint AnthropicE2eTest::endpoint(int idleTimeoutMs) const
{
    ProviderEndpoint result;
    result.protocol = WireProtocol::Anthropic;
    // The server's root, as Anthropic's SDK takes https://api.anthropic.com (no /v1).
    result.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_simulator->port()));
    result.apiKey = QStringLiteral("sk-ant-test");
    result.extraHeaders = {{"anthropic-beta", "fine-grained-tool-streaming-2025-05-14"}};
    result.idleTimeoutMs = idleTimeoutMs;
    return result;
}

AnthropicE2eTest::Run AnthropicE2eTest::run(const ChatRequest &request, int idleTimeoutMs)
{
    return runCall(m_network, endpoint(idleTimeoutMs), request, 10'000);
}

void AnthropicE2eTest::answerMatchesTheSimulatorWithUsage_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void AnthropicE2eTest::answerMatchesTheSimulatorWithUsage()
{
    QFETCH(bool, stream);

    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Stream a caf\u00E9 answer \U0001F600"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    QCOMPARE(expected.finishReason, QStringLiteral("stop"));
    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.httpStatus, 200);
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(textOf(result.events), outcome.text);
    QCOMPARE(outcome.finishReason, QStringLiteral("end_turn"));
    QVERIFY(outcome.reasoning.isEmpty());
    QVERIFY(outcome.toolCalls.isEmpty());

    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(outcome.usage.cachedInputTokens, qint64(0));
    QCOMPARE(outcome.usage.reasoningTokens, qint64(-1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Finish), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Error), qsizetype(0));
    // Streamed: message_start's report, then message_delta's totals. Whole: one report.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Usage), qsizetype(stream ? 2 : 1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::TextDelta), stream ? expected.tokens.size() : 1);
}

void AnthropicE2eTest::maxTokensFinishesWithMaxTokensAndCompletes_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void AnthropicE2eTest::maxTokensFinishesWithMaxTokensAndCompletes()
{
    QFETCH(bool, stream);

    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Keep it short"), stream, 10);
    const SimulatedAnswer expected = expectedAnswer(request);
    QCOMPARE(expected.tokens.size(), qsizetype(10));
    const Run result = run(request);
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.finishReason, QStringLiteral("max_tokens"));
    QCOMPARE(result.outcome.text, expected.text());
    QCOMPARE(result.outcome.usage.outputTokens, qint64(10));
}

void AnthropicE2eTest::toolCallFaultAssemblesOneToolCall_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void AnthropicE2eTest::toolCallFaultAssemblesOneToolCall()
{
    QFETCH(bool, stream);

    ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+tool-call"),
                                      QStringLiteral("Find the docs about streaming usage in Lathe"), stream);
    request.tools = {
        ToolDefinition{
            QStringLiteral("search_docs"), QStringLiteral("Search the documentation"),
            QByteArrayLiteral(
                R"({"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"}}})")},
        ToolDefinition{QStringLiteral("unused"), QString(), QByteArray()}};
    const SimulatedAnswer expected =
        Mock::simulateToolCall(QLatin1String(kModel), request.messages, QStringLiteral("search_docs"));
    QVERIFY(expected.toolCall.has_value());
    QVERIFY(expected.toolCall->argumentFragments.size() > 2); // really streamed in pieces

    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.finishReason, QStringLiteral("tool_use"));
    QVERIFY(outcome.text.isEmpty());
    QCOMPARE(outcome.toolCalls.size(), qsizetype(1));
    QCOMPARE(outcome.toolCalls[0].id, expected.toolCall->id);
    QCOMPARE(outcome.toolCalls[0].name, QStringLiteral("search_docs"));
    QCOMPARE(outcome.toolCalls[0].arguments, expected.toolCall->arguments());
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.pieceCount()));
    if (stream) {
        // One delta opening the call, then one per argument fragment.
        QCOMPARE(countOf(result.events, StreamEvent::Kind::ToolCallDelta), expected.pieceCount() + 1);
    }
}

void AnthropicE2eTest::structuredAnswerFollowsTheSchemaOrTheFault_data()
{
    addStructuredAnswerRows();
}

void AnthropicE2eTest::structuredAnswerFollowsTheSchemaOrTheFault()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);

    const QString model = modelWithFault(kModel, fault);
    const Run result = run(structuredRequest(model, QStringLiteral("Describe a book"), bookSchema(), stream));
    QVERIFY(result.finished);
    // A whole answer's tool input is a JSON object, which the simulator writes with its members
    // sorted; broken JSON cannot be a tool input, so the simulator sends it as a text block.
    const bool brokenJson = fault == QLatin1String("invalid-json");
    const QString mismatch =
        structuredAnswerMismatch(result.outcome, bookSchema(), fault, stream || brokenJson);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QCOMPARE(textOf(result.events), result.outcome.text);
    QCOMPARE(countOf(result.events, StreamEvent::Kind::ToolCallDelta), qsizetype(0));
    // Anthropic's own word for the forced tool's answer, passed on as the provider said it.
    QCOMPARE(result.outcome.finishReason,
             !stream && brokenJson ? QStringLiteral("end_turn") : QStringLiteral("tool_use"));
}

void AnthropicE2eTest::faultsEndTheCallWithTheRightError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("idleTimeoutMs");
    QTest::addColumn<QList<ErrorCode>>("codes"); // what is accepted
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("message"); // exact; empty: see messageContains
    QTest::addColumn<QString>("messageContains");
    QTest::addColumn<QString>("providerCode");
    QTest::addColumn<int>("tokens"); // how many of the answer's tokens arrive; -1: all, -2: half

    const auto http = [](int status, const QString &message, const QString &type, bool stream = true) {
        const QString fault = QStringLiteral("http-%1").arg(status);
        QTest::addRow("%s%s", qPrintable(fault), stream ? "" : ", not streamed")
            << fault << stream << 10'000 << QList<ErrorCode>{ErrorCode::Http} << status
            << QStringLiteral("HTTP %1: %2 (simulated fault %3) [%4]").arg(status).arg(message, fault, type)
            << QString() << type << 0;
    };
    http(401, QStringLiteral("invalid x-api-key"), QStringLiteral("authentication_error"));
    http(429, QStringLiteral("Number of requests has exceeded your per-minute rate limit."),
         QStringLiteral("rate_limit_error"));
    http(500, QStringLiteral("Internal server error"), QStringLiteral("api_error"));
    http(503, QStringLiteral("Service unavailable"), QStringLiteral("api_error"));
    http(529, QStringLiteral("Overloaded"), QStringLiteral("overloaded_error"));
    http(529, QStringLiteral("Overloaded"), QStringLiteral("overloaded_error"), false);

    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << true << 10'000 << QList<ErrorCode>{ErrorCode::Truncated}
        << 200 << QString() << QStringLiteral("stream ended before completion") << QString() << 5;
    QTest::newRow("reset-mid-stream:0")
        << QStringLiteral("reset-mid-stream:0") << true << 10'000 << QList<ErrorCode>{ErrorCode::Truncated}
        << 200 << QString() << QStringLiteral("stream ended before completion") << QString() << 0;
    QTest::newRow("error-after-200:4")
        << QStringLiteral("error-after-200:4") << true << 10'000 << QList<ErrorCode>{ErrorCode::Provider}
        << 200
        << QStringLiteral("Overloaded (The simulator injected an error after 4 tokens) [overloaded_error]")
        << QString() << QStringLiteral("overloaded_error") << 4;
    QTest::newRow("malformed-event:3")
        << QStringLiteral("malformed-event:3") << true << 10'000 << QList<ErrorCode>{ErrorCode::Protocol}
        << 200 << QString() << QStringLiteral("malformed JSON in stream event") << QString() << -1;
    // A stream that goes quiet after some text: ChatCall calls that Truncated (the body had
    // begun) or Timeout; either way it says why, and keeps the text.
    QTest::newRow("stall:3000 streamed, idle timeout 300 ms")
        << QStringLiteral("stall:3000") << true << 300
        << QList<ErrorCode>{ErrorCode::Timeout, ErrorCode::Truncated} << 200 << QString()
        << QStringLiteral("no data for 0.3 s") << QString() << -2;
    QTest::newRow("stall:3000 not streamed, idle timeout 300 ms")
        << QStringLiteral("stall:3000") << false << 300 << QList<ErrorCode>{ErrorCode::Timeout} << 0
        << QString() << QStringLiteral("no data for 0.3 s") << QString() << 0;
}

void AnthropicE2eTest::faultsEndTheCallWithTheRightError()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);
    QFETCH(int, idleTimeoutMs);
    QFETCH(QList<ErrorCode>, codes);
    QFETCH(int, httpStatus);
    QFETCH(QString, message);
    QFETCH(QString, messageContains);
    QFETCH(QString, providerCode);
    QFETCH(int, tokens);

    const ChatRequest request = chatRequest(QLatin1String(kModel) + QLatin1Char('+') + fault,
                                            QStringLiteral("Break on purpose"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(request, idleTimeoutMs);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(!outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(outcome.error.has_value());
    QVERIFY2(codes.contains(outcome.error->code), qPrintable(describe(outcome)));
    QCOMPARE(outcome.httpStatus, httpStatus);
    if (!message.isEmpty())
        QCOMPARE(outcome.error->message, message);
    if (!messageContains.isEmpty())
        QVERIFY2(outcome.error->message.contains(messageContains), qPrintable(outcome.error->message));
    QCOMPARE(outcome.error->providerCode, providerCode);
    QCOMPARE(outcome.error->httpStatus, outcome.error->code == ErrorCode::Http ? httpStatus : 0);
    QVERIFY(!outcome.error->where.isEmpty());

    const qsizetype arrived = tokens == -1   ? expected.tokens.size()
                              : tokens == -2 ? expected.tokens.size() / 2
                                             : tokens;
    QCOMPARE(outcome.text, expected.tokens.mid(0, arrived).join(QString()));
    QCOMPARE(textOf(result.events), outcome.text);
    if (outcome.error->code == ErrorCode::Protocol) // the simulator carries on, and so does the client
        QCOMPARE(outcome.finishReason, QStringLiteral("end_turn"));
}

void AnthropicE2eTest::malformedEventIsReportedAtItsStreamByteOffset()
{
    // The simulator's streams for one request have the same bytes every time (fixed-width ids),
    // so a raw read of the same request shows where the broken event starts.
    const ChatRequest request = chatRequest(QLatin1String(kModel) + QStringLiteral("+malformed-event:3"),
                                            QStringLiteral("Where is it?"));
    const Providers::OutgoingRequest outgoing =
        Providers::protocolFor(WireProtocol::Anthropic).buildRequest(endpoint(), request);
    const RawHttpResponse raw =
        rawHttpExchange(m_simulator->port(), rawPost(outgoing.url.path().toUtf8(), outgoing.body));
    QCOMPARE(raw.status, 200);
    QVERIFY(raw.chunkedTerminatorSeen);
    const QByteArray broken =
        "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, "
        "\"delta\": \n\n";
    const qsizetype brokenAt = raw.body.indexOf(broken);
    QVERIFY(brokenAt > 0);
    QCOMPARE(raw.body.indexOf(broken, brokenAt + 1), qsizetype(-1));

    const Run result = run(request);
    QVERIFY(result.finished);
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(ErrorCode::Protocol));
    QCOMPARE(result.outcome.error->where, QStringLiteral("stream byte %1").arg(brokenAt));
    QCOMPARE(result.outcome.text, expectedAnswer(request).text());
}

void AnthropicE2eTest::rawStreamHasAnthropicsEventSequence()
{
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Show me the wire"));
    const Providers::OutgoingRequest outgoing =
        Providers::protocolFor(WireProtocol::Anthropic).buildRequest(endpoint(), request);
    QCOMPARE(outgoing.url.path(), QStringLiteral("/v1/messages"));
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/v1/messages", outgoing.body));
    QCOMPARE(raw.status, 200);
    QVERIFY(raw.header("Content-Type").value_or(QByteArray()).startsWith("text/event-stream"));
    QVERIFY(raw.chunkedTerminatorSeen);

    Http::SseParser parser;
    std::vector<Http::SseEvent> events;
    QVERIFY(parser.feed(raw.body, events).has_value());
    QVERIFY(!parser.finish());
    QStringList names;
    for (const Http::SseEvent &event : events) {
        const auto payload = nlohmann::json::parse(event.data.toStdString());
        // The event name always equals the payload's type.
        QCOMPARE(event.type, QString::fromStdString(payload.at("type").get<std::string>()));
        names.append(event.type);
    }
    const qsizetype tokens = expectedAnswer(request).tokens.size();
    QStringList expected{QStringLiteral("message_start"), QStringLiteral("content_block_start"),
                         QStringLiteral("ping")};
    for (qsizetype i = 0; i < tokens; ++i)
        expected.append(QStringLiteral("content_block_delta"));
    expected += QStringList{QStringLiteral("content_block_stop"), QStringLiteral("message_delta"),
                            QStringLiteral("message_stop")};
    QCOMPARE(names, expected);

    // Usage: the prompt in message_start, cumulative output in message_delta.
    const auto start = nlohmann::json::parse(events.front().data.toStdString());
    QCOMPARE(start.at("message").at("usage").at("input_tokens").get<qint64>(),
             expectedAnswer(request).promptTokens);
    const auto delta = nlohmann::json::parse(events[events.size() - 2].data.toStdString());
    QCOMPARE(delta.at("usage").at("output_tokens").get<qint64>(), qint64(tokens));
    QCOMPARE(QString::fromStdString(delta.at("delta").at("stop_reason").get<std::string>()),
             QStringLiteral("end_turn"));
}

void AnthropicE2eTest::requestWithoutMaxTokensIsRejectedLikeTheRealApi()
{
    const QByteArray body =
        R"({"model":"lathe-sim","messages":[{"role":"user","content":"Hi"}],"stream":true})";
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/v1/messages", body));
    QCOMPARE(raw.status, 400);
    const auto json = nlohmann::json::parse(raw.body.toStdString());
    QCOMPARE(json.at("type").get<std::string>(), std::string("error"));
    QCOMPARE(json.at("error").at("type").get<std::string>(), std::string("invalid_request_error"));
    QCOMPARE(json.at("error").at("message").get<std::string>(), std::string("max_tokens: Field required"));

    const Lathe::Error error =
        Providers::protocolFor(WireProtocol::Anthropic).httpError(raw.status, raw.body, QString());
    QCOMPARE(error.message, QStringLiteral("HTTP 400: max_tokens: Field required [invalid_request_error]"));
}

QTEST_GUILESS_MAIN(AnthropicE2eTest)
#include "tst_anthropice2e.moc"
