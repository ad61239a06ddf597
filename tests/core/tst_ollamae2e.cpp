// SPDX-License-Identifier: GPL-3.0-or-later
// Ollama's native chat API end to end over loopback: the real ChatCall against the built-in
// simulator's `POST /api/chat` (NDJSON streams and whole answers, usage, max tokens, a tool
// call, every injected fault), and the simulator's own Ollama behaviour read off the wire.
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTest>

#include <nlohmann/json.hpp>

#include "ChatCallHarness.h"
#include "OutgoingRequestParts.h"
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
const QString kToolName = QStringLiteral("search_docs");

QStringList codes(ErrorCode usual, std::optional<ErrorCode> alternative = std::nullopt)
{
    QStringList names{errorCodeName(usual)};
    if (alternative)
        names.append(errorCodeName(*alternative));
    return names;
}

QString withFault(const QString &fault)
{
    return QLatin1String(kModel) + QLatin1Char('+') + fault;
}

nlohmann::json parseJson(QByteArrayView bytes)
{
    return nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
}

} // namespace

class OllamaE2eTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // ChatCall against the simulator
    void streamedAnswerMatchesTheSimulator();
    void nonStreamedAnswerGivesTheSameText();
    void maxTokensFinishesWithLength_data();
    void maxTokensFinishesWithLength();
    void toolCallFaultAssemblesOneWholeCall_data();
    void toolCallFaultAssemblesOneWholeCall();
    void structuredAnswerFollowsTheSchemaOrTheFault_data();
    void structuredAnswerFollowsTheSchemaOrTheFault();
    void faultsEndTheCallWithTheRightError_data();
    void faultsEndTheCallWithTheRightError();
    void malformedLineIsReportedWhereItBreaks();

    // the simulator's Ollama, on the wire
    void simulatorStreamsNdjsonUnlessToldNot();
    void simulatorAnswersWholeWithStreamFalse();
    void simulatorRejectsBadRequestsInOllamasShape_data();
    void simulatorRejectsBadRequestsInOllamasShape();

private:
    using Run = RecordedCall;

    Run run(const ChatRequest &request, int idleTimeoutMs = 10'000, int timeoutMs = 10'000);
    ProviderEndpoint endpoint(int idleTimeoutMs = 10'000) const;
    QByteArray bodyFor(const ChatRequest &request) const;

    std::unique_ptr<SimulatorServer> m_simulator;
    QNetworkAccessManager *m_network = nullptr;
};

void OllamaE2eTest::initTestCase()
{
    QString why;
    m_simulator = startSimulator(2000, 10, &why);
    QVERIFY2(m_simulator, qPrintable(why));
}

void OllamaE2eTest::init()
{
    m_network = directNetwork(this);
}

void OllamaE2eTest::cleanup()
{
    delete m_network;
    m_network = nullptr;
}

ProviderEndpoint OllamaE2eTest::endpoint(int idleTimeoutMs) const
{
    // Ollama's clients take the server root, not SimulatorServer::baseUrl()'s OpenAI-style /v1.
    ProviderEndpoint result;
    result.protocol = WireProtocol::Ollama;
    result.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_simulator->port()));
    result.idleTimeoutMs = idleTimeoutMs;
    return result;
}

QByteArray OllamaE2eTest::bodyFor(const ChatRequest &request) const
{
    return Providers::protocolFor(WireProtocol::Ollama).buildRequest(endpoint(), request).body;
}

OllamaE2eTest::Run OllamaE2eTest::run(const ChatRequest &request, int idleTimeoutMs, int timeoutMs)
{
    return runCall(m_network, endpoint(idleTimeoutMs), request, timeoutMs);
}

// ---- ChatCall against the simulator ---------------------------------------------------------

void OllamaE2eTest::streamedAnswerMatchesTheSimulator()
{
    const ChatRequest request = chatRequest(QLatin1String(kModel), QStringLiteral("Stream a café answer 😀"));
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.httpStatus, 200);
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(textOf(result.events), outcome.text);
    QVERIFY(outcome.reasoning.isEmpty());
    QVERIFY(outcome.toolCalls.isEmpty());
    QCOMPARE(outcome.finishReason, QStringLiteral("stop"));

    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(outcome.usage.cachedInputTokens, qint64(-1)); // Ollama does not report these
    QCOMPARE(outcome.usage.reasoningTokens, qint64(-1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Finish), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Usage), qsizetype(1));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::Error), qsizetype(0));
    // One NDJSON line per token, so one delta per token.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::TextDelta), expected.tokens.size());
    QCOMPARE(outcome.timings.deltaArrivalMs.size(), expected.tokens.size());
    QVERIFY(outcome.tokensPerSecond().has_value());
}

void OllamaE2eTest::nonStreamedAnswerGivesTheSameText()
{
    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Stream a café answer 😀"), /*stream=*/false);
    const SimulatedAnswer expected = expectedAnswer(request);
    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.text, expected.text());
    QCOMPARE(outcome.finishReason, QStringLiteral("stop"));
    QCOMPARE(outcome.usage.inputTokens, expected.promptTokens);
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.tokens.size()));
    QCOMPARE(countOf(result.events, StreamEvent::Kind::TextDelta), qsizetype(1));
    QCOMPARE(outcome.tokensPerSecond(), std::nullopt);
}

void OllamaE2eTest::maxTokensFinishesWithLength_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void OllamaE2eTest::maxTokensFinishesWithLength()
{
    QFETCH(bool, stream);

    const ChatRequest request =
        chatRequest(QLatin1String(kModel), QStringLiteral("Keep it short"), stream, 10);
    const SimulatedAnswer expected = expectedAnswer(request);
    QCOMPARE(expected.tokens.size(), qsizetype(10));
    const Run result = run(request);
    QVERIFY(result.finished);
    QVERIFY2(result.outcome.completed, qPrintable(describe(result.outcome)));
    QCOMPARE(result.outcome.finishReason, QStringLiteral("length"));
    QCOMPARE(result.outcome.text, expected.text());
    QCOMPARE(result.outcome.usage.outputTokens, qint64(10));
}

void OllamaE2eTest::toolCallFaultAssemblesOneWholeCall_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void OllamaE2eTest::toolCallFaultAssemblesOneWholeCall()
{
    QFETCH(bool, stream);

    ChatRequest request =
        chatRequest(withFault(QStringLiteral("tool-call")), QStringLiteral("Find the retry docs"), stream);
    request.tools = {
        ToolDefinition{kToolName, QStringLiteral("Search the documentation"),
                       QByteArrayLiteral(R"({"type":"object","properties":{"query":{"type":"string"},)"
                                         R"("limit":{"type":"integer"}}})")}};
    const SimulatedAnswer expected =
        Mock::simulateToolCall(QLatin1String(kModel), request.messages, kToolName);
    QVERIFY(expected.toolCall.has_value());

    const Run result = run(request);
    QVERIFY(result.finished);
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(outcome.completed, qPrintable(describe(outcome)));
    QCOMPARE(outcome.toolCalls.size(), qsizetype(1));
    QCOMPARE(outcome.toolCalls[0].id, expected.toolCall->id);
    QCOMPARE(outcome.toolCalls[0].name, kToolName);
    QCOMPARE(outcome.toolCalls[0].arguments, expected.toolCall->arguments());
    // The call arrives whole, in one event, not in fragments.
    QCOMPARE(countOf(result.events, StreamEvent::Kind::ToolCallDelta), qsizetype(1));
    QVERIFY(outcome.text.isEmpty());
    QCOMPARE(outcome.finishReason, QStringLiteral("stop")); // Ollama has no tool-call reason
    QCOMPARE(outcome.usage.outputTokens, qint64(expected.pieceCount()));
}

void OllamaE2eTest::structuredAnswerFollowsTheSchemaOrTheFault_data()
{
    addStructuredAnswerRows();
}

void OllamaE2eTest::structuredAnswerFollowsTheSchemaOrTheFault()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);

    const QString model = modelWithFault(kModel, fault);
    const Run result = run(structuredRequest(model, QStringLiteral("Describe a book"), bookSchema(), stream));
    QVERIFY(result.finished);
    const QString mismatch = structuredAnswerMismatch(result.outcome, bookSchema(), fault);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QCOMPARE(textOf(result.events), result.outcome.text);
    QCOMPARE(result.outcome.finishReason, QStringLiteral("stop"));
}

void OllamaE2eTest::faultsEndTheCallWithTheRightError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("idleTimeoutMs");
    QTest::addColumn<QStringList>("codes"); // the error codes that fit; the first is the usual one
    QTest::addColumn<int>("httpStatus");    // of the response; the error's own is 0 unless code is Http
    QTest::addColumn<QString>("message");   // the whole message, or its start when it ends in "…"
    QTest::addColumn<int>("tokens");        // how many of the answer's tokens arrive; -1: all

    const int half = int(
        expectedAnswer(chatRequest(QLatin1String(kModel), QStringLiteral("Break on purpose"))).tokens.size() /
        2);

    const auto httpRow = [](int status, bool stream, const QString &message) {
        const QString fault = QStringLiteral("http-%1").arg(status);
        QTest::addRow("%s%s", qPrintable(fault), stream ? "" : ", not streamed")
            << fault << stream << 10'000 << codes(ErrorCode::Http) << status
            << QStringLiteral("HTTP %1: %2 (simulated fault %3)").arg(status).arg(message, fault) << 0;
    };
    httpRow(401, true, QStringLiteral("unauthorized"));
    httpRow(429, true, QStringLiteral("too many requests, please try again later"));
    httpRow(429, false, QStringLiteral("too many requests, please try again later"));
    httpRow(500, true, QStringLiteral("an error was encountered while running the model"));
    httpRow(503, true, QStringLiteral("server busy, please try again.  maximum pending requests exceeded"));
    httpRow(529, true, QStringLiteral("overloaded"));

    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << true << 10'000 << codes(ErrorCode::Truncated) << 200
        << QStringLiteral("stream ended before completion: …") << 5;
    // Ollama sends nothing before the first token: a reset before it leaves a 200 head and no
    // body, so no `done` line either.
    QTest::newRow("reset-mid-stream:0")
        << QStringLiteral("reset-mid-stream:0") << true << 10'000
        << codes(ErrorCode::Truncated, ErrorCode::Network) << 200 << QString() << 0;
    QTest::newRow("error-after-200:4")
        << QStringLiteral("error-after-200:4") << true << 10'000 << codes(ErrorCode::Provider) << 200
        << QStringLiteral("The simulator injected an error after 4 tokens") << 4;
    QTest::newRow("error-after-200:4, not streamed: a 500")
        << QStringLiteral("error-after-200:4") << false << 10'000 << codes(ErrorCode::Http) << 500
        << QStringLiteral("HTTP 500: an error was encountered while running the model (simulated fault "
                          "error-after-200:4)")
        << 0;
    // The broken line is the 4th: three tokens before it. The rest of the answer still arrives.
    QTest::newRow("malformed-event:3")
        << QStringLiteral("malformed-event:3") << true << 10'000 << codes(ErrorCode::Protocol) << 200
        << QStringLiteral("malformed JSON on line 4: …") << -1;
    // Bytes arrived before the stall, so the quiet stream is cut short (Truncated, or Timeout
    // naming the cut); a non-streamed answer has sent nothing yet, which is a plain timeout.
    QTest::newRow("stall:3000, streamed")
        << QStringLiteral("stall:3000") << true << 300 << codes(ErrorCode::Truncated, ErrorCode::Timeout)
        << 200 << QStringLiteral("stream ended before completion: no data for 0.3 s") << half;
    QTest::newRow("stall:3000, not streamed")
        << QStringLiteral("stall:3000") << false << 300 << codes(ErrorCode::Timeout) << 0
        << QStringLiteral("no data for 0.3 s") << 0;
}

void OllamaE2eTest::faultsEndTheCallWithTheRightError()
{
    QFETCH(QString, fault);
    QFETCH(bool, stream);
    QFETCH(int, idleTimeoutMs);
    QFETCH(QStringList, codes);
    QFETCH(int, httpStatus);
    QFETCH(QString, message);
    QFETCH(int, tokens);

    const ChatRequest request = chatRequest(withFault(fault), QStringLiteral("Break on purpose"), stream);
    const SimulatedAnswer expected = expectedAnswer(request);
    QElapsedTimer clock;
    clock.start();
    const Run result = run(request, idleTimeoutMs);
    QVERIFY2(result.finished, "the call did not end, or ended more than once");
    const ChatOutcome &outcome = result.outcome;
    QVERIFY2(!outcome.completed, qPrintable(describe(outcome)));
    QVERIFY(outcome.error.has_value());
    QVERIFY2(codes.contains(errorCodeName(outcome.error->code)), qPrintable(describe(outcome)));
    QCOMPARE(outcome.httpStatus, httpStatus);
    QCOMPARE(outcome.error->httpStatus, outcome.error->code == ErrorCode::Http ? httpStatus : 0);
    if (message.endsWith(QStringLiteral("…"))) {
        QVERIFY2(outcome.error->message.startsWith(message.chopped(1)), qPrintable(outcome.error->message));
    } else if (!message.isEmpty()) {
        QCOMPARE(outcome.error->message, message);
    }
    QVERIFY2(outcome.error->where.contains(QStringLiteral("/api/chat")) ||
                 outcome.error->where.startsWith(QStringLiteral("stream byte ")),
             qPrintable(outcome.error->where));
    QCOMPARE(outcome.text, tokens < 0 ? expected.text() : expected.tokens.mid(0, tokens).join(QString()));
    QCOMPARE(textOf(result.events), outcome.text);
    if (outcome.error->code == ErrorCode::Protocol)
        QCOMPARE(outcome.finishReason, QStringLiteral("stop")); // the stream went on to its end
    if (idleTimeoutMs < 1000)
        QVERIFY2(clock.elapsed() < 2500, "the idle timeout did not end the call before the stall did");
}

void OllamaE2eTest::malformedLineIsReportedWhereItBreaks()
{
    // Every line of one request's stream has the same length on every run (fixed-width
    // timestamps), so a raw read of the same request shows where the broken line is.
    const ChatRequest request =
        chatRequest(withFault(QStringLiteral("malformed-event:3")), QStringLiteral("Where is it?"));
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/api/chat", bodyFor(request)));
    QCOMPARE(raw.status, 200);
    QVERIFY(raw.chunkedTerminatorSeen);
    const QByteArrayList lines = raw.body.split('\n');
    QVERIFY(lines.size() > 5);
    QVERIFY(parseJson(lines[2]).is_object());
    QVERIFY(parseJson(lines[3]).is_discarded()); // line 4 is the broken one
    const qsizetype brokenLineEnd = lines[0].size() + lines[1].size() + lines[2].size() + lines[3].size() + 3;

    const Run result = run(request);
    QVERIFY(result.finished);
    QVERIFY(result.outcome.error.has_value());
    QCOMPARE(errorCodeName(result.outcome.error->code), errorCodeName(ErrorCode::Protocol));
    // The JSON of the line runs out at its end: that is where the parser stopped.
    QCOMPARE(result.outcome.error->where, QStringLiteral("stream byte %1").arg(brokenLineEnd));
    QCOMPARE(result.outcome.text, expectedAnswer(request).text());
}

// ---- the simulator's Ollama, on the wire ----------------------------------------------------

void OllamaE2eTest::simulatorStreamsNdjsonUnlessToldNot()
{
    // No `stream` field: Ollama streams.
    const QByteArray body = R"({"model":"lathe-sim","messages":[{"role":"user","content":"Hello there"}]})";
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/api/chat", body));
    QCOMPARE(raw.status, 200);
    QCOMPARE(raw.header("Content-Type"), std::optional<QByteArray>("application/x-ndjson"));
    QVERIFY(raw.chunked);
    QVERIFY(raw.chunkedTerminatorSeen);
    QVERIFY(raw.body.endsWith('\n'));

    const SimulatedAnswer expected = Mock::simulateAnswer(
        QLatin1String(kModel), {{QStringLiteral("user"), QStringLiteral("Hello there")}}, {});
    QByteArrayList lines = raw.body.split('\n');
    QVERIFY(lines.takeLast().isEmpty());
    QCOMPARE(lines.size(), expected.tokens.size() + 1);
    QString text;
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const nlohmann::json line = parseJson(lines[i]);
        QVERIFY2(line.is_object(), lines[i].constData());
        QCOMPARE(jsonText(line.at("model")), QStringLiteral("\"lathe-sim\""));
        QVERIFY(line.at("created_at").is_string());
        QCOMPARE(jsonText(line.at("done")), QStringLiteral("false"));
        QCOMPARE(jsonText(line.at("message").at("role")), QStringLiteral("\"assistant\""));
        text += QString::fromStdString(line.at("message").at("content").get<std::string>());
    }
    QCOMPARE(text, expected.text());

    const nlohmann::json last = parseJson(lines.back());
    QCOMPARE(jsonText(last.at("done")), QStringLiteral("true"));
    QCOMPARE(jsonText(last.at("done_reason")), QStringLiteral("\"stop\""));
    QCOMPARE(last.at("prompt_eval_count").get<qint64>(), expected.promptTokens);
    QCOMPARE(last.at("eval_count").get<qint64>(), qint64(expected.tokens.size()));
    for (const char *duration : {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"})
        QVERIFY2(last.at(duration).is_number_integer() && last.at(duration).get<qint64>() > 0, duration);
    // Nanoseconds: the 10 ms before the first token and a total that adds up.
    QVERIFY(last.at("prompt_eval_duration").get<qint64>() >= 5'000'000);
    QCOMPARE(last.at("total_duration").get<qint64>(), last.at("load_duration").get<qint64>() +
                                                          last.at("prompt_eval_duration").get<qint64>() +
                                                          last.at("eval_duration").get<qint64>());
    // Ollama's member order, which its Go types fix.
    QVERIFY2(lines.back().startsWith("{\"model\":\"lathe-sim\",\"created_at\":\""), lines.back().constData());
    QVERIFY2(lines.back().contains("\"done_reason\":\"stop\",\"done\":true,\"total_duration\":"),
             lines.back().constData());
}

void OllamaE2eTest::simulatorAnswersWholeWithStreamFalse()
{
    const QByteArray body = R"({"model":"lathe-sim:latest","stream":false,"options":{"num_predict":7.9},)"
                            R"("messages":[{"role":"user","content":"Hello there"}]})";
    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/api/chat", body));
    QCOMPARE(raw.status, 200);
    QCOMPARE(raw.header("Content-Type"), std::optional<QByteArray>("application/json"));
    const nlohmann::json answer = parseJson(raw.body);
    QVERIFY2(answer.is_object(), raw.body.constData());
    // NAME:latest is NAME; num_predict is truncated to a whole number, as Ollama does.
    const SimulatedAnswer expected = Mock::simulateAnswer(
        QLatin1String(kModel), {{QStringLiteral("user"), QStringLiteral("Hello there")}}, 7);
    QCOMPARE(QString::fromStdString(answer.at("message").at("content").get<std::string>()), expected.text());
    QCOMPARE(jsonText(answer.at("done")), QStringLiteral("true"));
    QCOMPARE(jsonText(answer.at("done_reason")), QStringLiteral("\"length\""));
    QCOMPARE(answer.at("eval_count").get<qint64>(), qint64(7));
}

void OllamaE2eTest::simulatorRejectsBadRequestsInOllamasShape_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");

    QTest::newRow("no model") << QByteArray(R"({"messages":[{"role":"user","content":"x"}]})")
                              << QStringLiteral("model is required");
    QTest::newRow("stream is not a boolean")
        << QByteArray(R"({"model":"lathe-sim","stream":"yes","messages":[{"role":"user","content":"x"}]})")
        << QStringLiteral(
               "json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool");
    QTest::newRow("num_predict is not a number")
        << QByteArray(
               R"({"model":"lathe-sim","options":{"num_predict":"ten"},"messages":[{"role":"user","content":"x"}]})")
        << QStringLiteral("option \"num_predict\" must be of type integer");
    QTest::newRow("content is not a string")
        << QByteArray(R"({"model":"lathe-sim","messages":[{"role":"user","content":[{"text":"x"}]}]})")
        << QStringLiteral(
               "json: cannot unmarshal array into Go struct field Message.messages.content of type string");
}

void OllamaE2eTest::simulatorRejectsBadRequestsInOllamasShape()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);

    const RawHttpResponse raw = rawHttpExchange(m_simulator->port(), rawPost("/api/chat", body));
    QCOMPARE(raw.status, 400);
    QCOMPARE(raw.header("Content-Type"), std::optional<QByteArray>("application/json"));
    const nlohmann::json answer = parseJson(raw.body);
    QVERIFY2(answer.is_object() && answer.size() == 1, raw.body.constData());
    QCOMPARE(QString::fromStdString(answer.value("error", std::string())), error);
}

QTEST_GUILESS_MAIN(OllamaE2eTest)
#include "tst_ollamae2e.moc"
