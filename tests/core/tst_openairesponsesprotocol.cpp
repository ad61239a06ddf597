// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI Responses API adapter: the request it writes, the recorded streams and whole bodies
// it reads (in every chunking), the errors it reports, and the simulator speaking the same API.
#include <QByteArrayList>
#include <QFile>
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "Chunkings.h"
#include "DecoderRuns.h"
#include "OutgoingRequestParts.h"
#include "StreamEventLines.h"
#include "VisibleText.h"
#include "http/HttpRequestReader.h"
#include "mock/OpenAiResponsesSimulation.h"
#include "mock/SimulatedAnswer.h"
#include "providers/ChatTypes.h"
#include "providers/OpenAiResponsesProtocol.h"
#include "providers/ProviderProtocol.h"

using Lathe::ErrorCode;
using Lathe::Mock::OpenAiResponsesSimulation;
using Lathe::Mock::SimulatedAnswer;
using Lathe::Mock::SimulatedResponse;
using Lathe::Providers::ChatMessage;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::OpenAiResponsesProtocol;
using Lathe::Providers::OutgoingRequest;
using Lathe::Providers::ProviderEndpoint;
using Lathe::Providers::ProviderProtocol;
using Lathe::Providers::ResponseFormat;
using Lathe::Providers::StreamEvent;
using Lathe::Providers::ToolDefinition;
using Lathe::Providers::WireProtocol;
using Lathe::TestSupport::bodyOf;
using Lathe::TestSupport::chunkingMismatch;
using Lathe::TestSupport::decodeChunks;
using Lathe::TestSupport::DecodedResponse;
using Lathe::TestSupport::fixedSizeChunks;
using Lathe::TestSupport::headerValues;
using Lathe::TestSupport::jsonText;
using Lathe::TestSupport::orderedBodyOf;
using Lathe::TestSupport::responseSchemaAsWritten;
using Lathe::TestSupport::responseSchemaOnTheWire;
using Lathe::TestSupport::visibleText;
using Lathe::TestSupport::wholeBodyMismatch;
using Kind = Lathe::Providers::StreamEvent::Kind;
using namespace Lathe::TestSupport::EventLines;

namespace
{

const ProviderProtocol &protocol()
{
    return Lathe::Providers::protocolFor(WireProtocol::OpenAiResponses);
}

ChatRequest sampleRequest(bool stream = true)
{
    ChatRequest request;
    request.model = QStringLiteral("gpt-4.1-mini");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")}};
    request.stream = stream;
    return request;
}

ProviderEndpoint endpoint(const QString &baseUrl, const QString &apiKey = {})
{
    ProviderEndpoint result;
    result.protocol = WireProtocol::OpenAiResponses;
    result.baseUrl = QUrl(baseUrl);
    result.apiKey = apiKey;
    return result;
}

const ProviderEndpoint &openAi()
{
    static const ProviderEndpoint result =
        endpoint(QStringLiteral("https://api.openai.com/v1"), QStringLiteral("sk-x"));
    return result;
}

QByteArray transcript(const QString &name)
{
    QFile file(QStringLiteral(LATHE_TEST_DATA "/transcripts/openai-responses/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read transcript %s", qPrintable(file.fileName()));
    return file.readAll();
}

Lathe::Http::HttpRequest httpPost(const QByteArray &target, const QByteArray &body)
{
    Lathe::Http::HttpRequest request;
    request.method = "POST";
    request.target = target;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    return request;
}

SimulatedResponse simulatedResponse(SimulatedAnswer answer)
{
    SimulatedResponse response;
    response.id = QStringLiteral("sim-000042");
    response.model = QStringLiteral("lathe-sim");
    response.created = 1'741'290'958;
    response.answer = std::move(answer);
    return response;
}

QList<ChatMessage> simulatorPrompt()
{
    return {{QStringLiteral("system"), QStringLiteral("You are a test.")},
            {QStringLiteral("user"), QStringLiteral("Tell me about caf\u00E9s \U0001F600")}};
}

} // namespace

class OpenAiResponsesProtocolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protocolForReturnsTheResponsesProtocol();

    // buildRequest
    void urlAppendsResponsesToBaseUrl_data();
    void urlAppendsResponsesToBaseUrl();
    void headersCarryJsonTypeAcceptAndCredentials_data();
    void headersCarryJsonTypeAcceptAndCredentials();
    void systemMessagesBecomeInstructionsAndTheRestInput();
    void requestWithoutSystemMessageHasNoInstructions();
    void bodyHasStreamStoreTemperatureAndMaxOutputTokens();
    void toolsAreFlatFunctionsWithStrictOff();
    void responseFormatIsTheFlatTextFormatInTheCallersOrder();

    // streaming decoder
    void decodesRecordedTranscripts_data();
    void decodesRecordedTranscripts();
    void malformedStreamEventErrorCarriesTheParserReason();
    void firstSequenceNumberIsTakenAsItComes();

    // non-streaming decoder
    void decodesWholeResponseOnlyAtFinish_data();
    void decodesWholeResponseOnlyAtFinish();

    // HTTP errors
    void httpErrorKeepsMessageAndProviderCode_data();
    void httpErrorKeepsMessageAndProviderCode();

    // the simulator's side of the same API
    void simulatorReadsWhatBuildRequestWrites();
    void simulatorReadsTheResponseSchemaInItsOrder();
    void simulatorRejectsWhatOpenAiRejects_data();
    void simulatorRejectsWhatOpenAiRejects();
    void simulatedStreamsDecodeToTheSimulatedAnswer_data();
    void simulatedStreamsDecodeToTheSimulatedAnswer();
    void simulatedErrorAndMalformedEventsDecodeAsErrors();
    void simulatedWholeResponseDecodesLikeTheStream();
};

void OpenAiResponsesProtocolTest::protocolForReturnsTheResponsesProtocol()
{
    const ProviderProtocol &first = protocol();
    QVERIFY(dynamic_cast<const OpenAiResponsesProtocol *>(&first) != nullptr);
    QCOMPARE(&protocol(), &first);
    QVERIFY(&Lathe::Providers::protocolFor(WireProtocol::OpenAiChat) != &first);
}

void OpenAiResponsesProtocolTest::urlAppendsResponsesToBaseUrl_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("url");

    QTest::newRow("OpenAI") << QStringLiteral("https://api.openai.com/v1")
                            << QStringLiteral("https://api.openai.com/v1/responses");
    QTest::newRow("trailing slash") << QStringLiteral("https://api.openai.com/v1/")
                                    << QStringLiteral("https://api.openai.com/v1/responses");
    QTest::newRow("local server") << QStringLiteral("http://127.0.0.1:8000/v1")
                                  << QStringLiteral("http://127.0.0.1:8000/v1/responses");
    QTest::newRow("Azure v1 with a query")
        << QStringLiteral("https://x.openai.azure.com/openai/v1?api-version=preview")
        << QStringLiteral("https://x.openai.azure.com/openai/v1/responses?api-version=preview");
}

void OpenAiResponsesProtocolTest::urlAppendsResponsesToBaseUrl()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, url);

    QCOMPARE(protocol().buildRequest(endpoint(baseUrl), sampleRequest()).url.toString(), url);
}

void OpenAiResponsesProtocolTest::headersCarryJsonTypeAcceptAndCredentials_data()
{
    QTest::addColumn<QString>("apiKey");
    QTest::addColumn<QByteArray>("apiKeyHeader");
    QTest::addColumn<QByteArray>("credentialHeader"); // the header a log must redact
    QTest::addColumn<QByteArrayList>("credential");

    QTest::newRow("Bearer key") << QStringLiteral("sk-test-123") << QByteArray()
                                << QByteArray("Authorization") << QByteArrayList{"Bearer sk-test-123"};
    QTest::newRow("no key, no header")
        << QString() << QByteArray() << QByteArray("Authorization") << QByteArrayList{};
    QTest::newRow("Azure api-key header, key as it is") << QStringLiteral("az-key") << QByteArray("api-key")
                                                        << QByteArray("api-key") << QByteArrayList{"az-key"};
}

void OpenAiResponsesProtocolTest::headersCarryJsonTypeAcceptAndCredentials()
{
    QFETCH(QString, apiKey);
    QFETCH(QByteArray, apiKeyHeader);
    QFETCH(QByteArray, credentialHeader);
    QFETCH(QByteArrayList, credential);

    for (const bool stream : {true, false}) {
        ProviderEndpoint target = endpoint(QStringLiteral("https://api.openai.com/v1"), apiKey);
        target.apiKeyHeader = apiKeyHeader;
        target.extraHeaders = {{"OpenAI-Project", "proj_1"}};
        const OutgoingRequest request = protocol().buildRequest(target, sampleRequest(stream));
        QCOMPARE(headerValues(request, "Content-Type"), QByteArrayList{"application/json"});
        QCOMPARE(headerValues(request, "Accept"),
                 QByteArrayList{stream ? "text/event-stream" : "application/json"});
        QCOMPARE(headerValues(request, credentialHeader), credential);
        if (credentialHeader != "Authorization")
            QVERIFY(headerValues(request, "Authorization").isEmpty());
        QCOMPARE(headerValues(request, "OpenAI-Project"), QByteArrayList{"proj_1"});
        QVERIFY2(!request.body.contains("sk-") && !request.body.contains("az-key"),
                 "a key leaked into the body");
    }
}

void OpenAiResponsesProtocolTest::systemMessagesBecomeInstructionsAndTheRestInput()
{
    ChatRequest request = sampleRequest();
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")},
                        {QStringLiteral("assistant"), QStringLiteral("h\u00E9llo")},
                        {QStringLiteral("system"), QStringLiteral("Answer in French.")},
                        {QStringLiteral("user"), QStringLiteral("Again")}};
    const nlohmann::json body = bodyOf(protocol().buildRequest(openAi(), request));

    QCOMPARE(jsonText(body.at("model")), QStringLiteral("\"gpt-4.1-mini\""));
    QCOMPARE(jsonText(body.at("instructions")), QStringLiteral("\"Be brief.\\n\\nAnswer in French.\""));
    const nlohmann::json expectedInput = nlohmann::json::parse(
        R"([{"role":"user","content":"Say \"h\u00e9llo\"\nin one line"},{"role":"assistant","content":"h\u00e9llo"},{"role":"user","content":"Again"}])");
    QCOMPARE(jsonText(body.at("input")), jsonText(expectedInput));
    // Chat Completions' names must not leak in.
    for (const char *chatKey : {"messages", "max_tokens", "max_completion_tokens", "stream_options"})
        QVERIFY2(!body.contains(chatKey), chatKey);
}

void OpenAiResponsesProtocolTest::requestWithoutSystemMessageHasNoInstructions()
{
    ChatRequest request = sampleRequest();
    request.messages.removeFirst();
    const nlohmann::json body = bodyOf(protocol().buildRequest(openAi(), request));
    QVERIFY(!body.contains("instructions"));
    QCOMPARE(body.at("input").size(), std::size_t(1));
}

void OpenAiResponsesProtocolTest::bodyHasStreamStoreTemperatureAndMaxOutputTokens()
{
    ChatRequest request = sampleRequest(true);
    nlohmann::json body = bodyOf(protocol().buildRequest(openAi(), request));
    QCOMPARE(jsonText(body.at("stream")), QStringLiteral("true"));
    QCOMPARE(jsonText(body.at("store")), QStringLiteral("false"));
    QVERIFY(!body.contains("temperature"));
    QVERIFY(!body.contains("max_output_tokens"));
    QVERIFY(!body.contains("tools"));

    request.stream = false;
    request.temperature = 0.0; // zero is a setting, not "unset"
    request.maxOutputTokens = 256;
    body = bodyOf(protocol().buildRequest(openAi(), request));
    QCOMPARE(jsonText(body.at("stream")), QStringLiteral("false"));
    QCOMPARE(jsonText(body.at("store")), QStringLiteral("false"));
    QCOMPARE(body.at("temperature").get<double>(), 0.0);
    QCOMPARE(jsonText(body.at("max_output_tokens")), QStringLiteral("256"));
}

void OpenAiResponsesProtocolTest::toolsAreFlatFunctionsWithStrictOff()
{
    ChatRequest request = sampleRequest();
    request.tools = {
        ToolDefinition{QStringLiteral("get_weather"), QStringLiteral("Weather for a city"),
                       QByteArrayLiteral(R"({"type":"object","properties":{"city":{"type":"string"}}})")},
        ToolDefinition{QStringLiteral("now"), QString(), QByteArray()}};
    const nlohmann::json body = bodyOf(protocol().buildRequest(openAi(), request));
    const nlohmann::json expected = nlohmann::json::parse(R"([
        {"type":"function","name":"get_weather","description":"Weather for a city","strict":false,
         "parameters":{"type":"object","properties":{"city":{"type":"string"}}}},
        {"type":"function","name":"now","strict":false,"parameters":{"type":"object","properties":{}}}
    ])");
    QCOMPARE(jsonText(body.at("tools")), jsonText(expected));
}

void OpenAiResponsesProtocolTest::responseFormatIsTheFlatTextFormatInTheCallersOrder()
{
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(openAi(), request)).contains("text"));

    ResponseFormat format;
    format.schema = responseSchemaAsWritten();
    format.name = QStringLiteral("book");
    request.responseFormat = format;
    const nlohmann::ordered_json body = orderedBodyOf(protocol().buildRequest(openAi(), request));
    // Chat Completions' json_schema object, flattened into text.format (protocols.md §4).
    QCOMPARE(jsonText(body.at("text")),
             QStringLiteral("{\"format\":{\"type\":\"json_schema\",\"name\":\"book\",\"schema\":%1,"
                            "\"strict\":true}}")
                 .arg(responseSchemaOnTheWire()));

    request.responseFormat->strict = false;
    QCOMPARE(
        jsonText(
            orderedBodyOf(protocol().buildRequest(openAi(), request)).at("text").at("format").at("strict")),
        QStringLiteral("false"));
}

void OpenAiResponsesProtocolTest::decodesRecordedTranscripts_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("text.sse") << transcript(QStringLiteral("text.sse"))
                              << QStringList{text(QStringLiteral("Hel")),
                                             text(QStringLiteral("lo, h\u00E9")),
                                             text(QStringLiteral(" \u20AC5 \U0001F600\n")),
                                             text(QStringLiteral("Bye.")),
                                             usage(37, 11, 4, 0),
                                             finish(QStringLiteral("completed"))}
                              << true;
    // Parts of the reasoning summary are paragraphs; tool calls count only function_call items
    // (output_index 1 and 2 become calls 0 and 1), and call_id is the id.
    QTest::newRow("reasoning-and-tool-calls.sse")
        << transcript(QStringLiteral("reasoning-and-tool-calls.sse"))
        << QStringList{reasoning(QStringLiteral("**Planning**")),
                       reasoning(QStringLiteral(" the calls")),
                       reasoning(QStringLiteral("\n\nBoth tools.")),
                       tool(0, QStringLiteral("call_Ab1"), QStringLiteral("get_weather"), QString()),
                       tool(0, QString(), QString(), QStringLiteral("{\"city\":")),
                       tool(0, QString(), QString(), QStringLiteral(" \"Par\u00EDs\"}")),
                       tool(1, QStringLiteral("call_Cd2"), QStringLiteral("get_time"), QString()),
                       tool(1, QString(), QString(), QStringLiteral("{\"tz\"")),
                       tool(1, QString(), QString(), QStringLiteral(":\"CET\"}")),
                       usage(80, 140, 0, 64),
                       finish(QStringLiteral("completed"))}
        << true;
    QTest::newRow("incomplete-max-output-tokens.sse")
        << transcript(QStringLiteral("incomplete-max-output-tokens.sse"))
        << QStringList{text(QStringLiteral("Once")), text(QStringLiteral(" upon")),
                       text(QStringLiteral(" a")), usage(12, 16, 0, 0),
                       finish(QStringLiteral("max_output_tokens"))}
        << true;
    {
        const QByteArray bytes = transcript(QStringLiteral("failed.sse"));
        QTest::newRow("failed.sse")
            << bytes
            << QStringList{text(QStringLiteral("Part")),
                           providerError(eventByteOf(bytes, "{\"type\":\"response.failed\""),
                                         QStringLiteral("The model failed to generate a response. "
                                                        "[server_error]"),
                                         QStringLiteral("server_error"))}
            << false;
    }
    {
        const QByteArray bytes = transcript(QStringLiteral("error-event.sse"));
        QTest::newRow("error-event.sse")
            << bytes
            << QStringList{text(QStringLiteral("Half")),
                           providerError(
                               eventByteOf(bytes, "{\"type\":\"error\""),
                               QStringLiteral("Rate limit reached for gpt-4.1-mini in organization org-x on "
                                              "tokens per min (TPM). [rate_limit_exceeded]"),
                               QStringLiteral("rate_limit_exceeded"))}
            << false;
    }
    // No terminal event, and the last event has no blank line: it is dropped, never half-read.
    QTest::newRow("truncated.sse") << transcript(QStringLiteral("truncated.sse"))
                                   << QStringList{text(QStringLiteral("Cut")), text(QStringLiteral(" off"))}
                                   << false;
    // Lathe has no refusal channel: the refusal is the answer's text.
    QTest::newRow("refusal.sse") << transcript(QStringLiteral("refusal.sse"))
                                 << QStringList{text(QStringLiteral("I'm sorry, I can't")),
                                                text(QStringLiteral(" help with that.")), usage(20, 9, 0, 0),
                                                finish(QStringLiteral("completed"))}
                                 << true;
    {
        const QByteArray bytes = transcript(QStringLiteral("sequence-gap.sse"));
        QTest::newRow("sequence-gap.sse")
            << bytes
            << QStringList{text(QStringLiteral("One")),
                           protocolError(
                               eventByteOf(bytes, "\"delta\":\" four\""),
                               QStringLiteral("stream events were lost: expected sequence_number 5, got 7")),
                           text(QStringLiteral(" four")), usage(10, 4, 0, 0),
                           finish(QStringLiteral("completed"))}
            << true;
    }
    {
        // The broken event is reported once (not again as a sequence gap), and the rest decodes.
        const QByteArray bytes = transcript(QStringLiteral("malformed-event.sse"));
        QTest::newRow("malformed-event.sse")
            << bytes
            << QStringList{text(QStringLiteral("A")),
                           protocolError(eventByteOf(bytes, "\"delta\":\"B\",\n"),
                                         QStringLiteral("malformed JSON in stream event")),
                           text(QStringLiteral("C")), usage(9, 3, 0, 0), finish(QStringLiteral("completed"))}
            << true;
    }
    QTest::newRow("hosted-tool-and-unknown-events.sse")
        << transcript(QStringLiteral("hosted-tool-and-unknown-events.sse"))
        << QStringList{reasoning(QStringLiteral("User wants news.")), reasoning(QStringLiteral(" Search.")),
                       text(QStringLiteral("News [1].")), usage(300, 40, 256, 12),
                       finish(QStringLiteral("completed"))}
        << true;
}

void OpenAiResponsesProtocolTest::decodesRecordedTranscripts()
{
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const DecodedResponse whole = decodeChunks(protocol(), sampleRequest(true), {stream});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);

    // One byte at a time, then 20 random chunkings of 1-63 bytes (fixed seed), and every split
    // point for the short transcripts: every split of the long ones costs minutes under ASan.
    QCOMPARE(decodeChunks(protocol(), sampleRequest(true), fixedSizeChunks(stream, 1)).toString(),
             whole.toString());
    const QString mismatch =
        chunkingMismatch(stream,
                         [](const QByteArrayList &chunks) {
                             return decodeChunks(protocol(), sampleRequest(true), chunks).toString();
                         },
                         {.exhaustiveUpTo = 2048, .randomRounds = 20, .maxRandomChunk = 63});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void OpenAiResponsesProtocolTest::malformedStreamEventErrorCarriesTheParserReason()
{
    const auto decoder = protocol().createDecoder(sampleRequest(true));
    QList<StreamEvent> out;
    const QByteArray broken = QByteArrayLiteral("event: response.output_text.delta\r\ndata: {\"type\":\n\n");
    decoder->feed(broken, out);
    QCOMPARE(out.size(), qsizetype(1));
    QCOMPARE(out[0].kind, Kind::Error);
    QCOMPARE(out[0].error.code, ErrorCode::Protocol);
    QVERIFY2(out[0].error.message.startsWith(QStringLiteral("malformed JSON in stream event: ")),
             qPrintable(out[0].error.message));
    QVERIFY(out[0].error.message.size() > 40); // carries the parser's reason
    QCOMPARE(out[0].error.where, QStringLiteral("stream byte 0"));

    // A payload that is JSON but no object is no event either.
    out.clear();
    decoder->feed(QByteArrayLiteral("data: [1,2]\n\n"), out);
    QCOMPARE(out.size(), qsizetype(1));
    QCOMPARE(describe(out[0]), protocolError(QStringLiteral("stream byte %1").arg(broken.size()),
                                             QStringLiteral("stream event is not a JSON object")));
    QVERIFY(!decoder->isComplete());
}

void OpenAiResponsesProtocolTest::firstSequenceNumberIsTakenAsItComes()
{
    // Only jumps between events are losses: a server may start anywhere, or not number at all.
    const QByteArray stream = QByteArrayLiteral(
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"a\",\"sequence_number\":9}\n\n"
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"b\"}\n\n"
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"c\",\"sequence_number\":10}\n\n"
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"d\",\"sequence_number\":10}\n\n"
        "data: "
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"},\"sequence_number\":11}\n\n"
        "data: [DONE]\n\n");
    const DecodedResponse decoded = decodeChunks(protocol(), sampleRequest(true), {stream});
    QCOMPARE(decoded.events,
             (QStringList{text(QStringLiteral("a")), text(QStringLiteral("b")), text(QStringLiteral("c")),
                          protocolError(
                              QStringLiteral("stream byte %1")
                                  .arg(stream.indexOf(
                                      "data: {\"type\":\"response.output_text.delta\",\"delta\":\"d\"")),
                              QStringLiteral("stream events were lost: expected sequence_number 11, got 10")),
                          text(QStringLiteral("d")), finish(QStringLiteral("completed"))}));
    QVERIFY(decoded.complete);

    // The largest number there is has no successor: counting starts again, without overflow.
    const DecodedResponse wrapped = decodeChunks(
        protocol(), sampleRequest(true),
        {QByteArrayLiteral(
            "data: {\"type\":\"response.output_text.delta\",\"delta\":\"x\",\"sequence_number\":"
            "9223372036854775807}\n\n"
            "data: {\"type\":\"response.output_text.delta\",\"delta\":\"y\",\"sequence_number\":0}\n\n")});
    QCOMPARE(wrapped.events, (QStringList{text(QStringLiteral("x")), text(QStringLiteral("y"))}));
}

void OpenAiResponsesProtocolTest::decodesWholeResponseOnlyAtFinish_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("completed message with usage")
        << QByteArrayLiteral(R"({
  "id": "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41",
  "object": "response",
  "created_at": 1741476777,
  "status": "completed",
  "error": null,
  "incomplete_details": null,
  "instructions": null,
  "model": "gpt-4.1-mini-2025-04-14",
  "output": [
    {
      "type": "message",
      "id": "msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41",
      "status": "completed",
      "role": "assistant",
      "content": [
        {"type": "output_text", "text": "Hello there.\nH\u00e9 \ud83d\ude00", "annotations": []},
        {"type": "output_text", "text": " More.", "annotations": []}
      ]
    }
  ],
  "parallel_tool_calls": true,
  "store": false,
  "usage": {
    "input_tokens": 328,
    "input_tokens_details": {"cached_tokens": 128},
    "output_tokens": 52,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": 380
  }
})")
        << QStringList{text(QStringLiteral("Hello there.\nH\u00E9 \U0001F600")),
                       text(QStringLiteral(" More.")), usage(328, 52, 128, 0),
                       finish(QStringLiteral("completed"))}
        << true;
    QTest::newRow("reasoning and function calls")
        << QByteArrayLiteral(
               R"({"object":"response","status":"completed","output":[
{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Plan**"},{"type":"summary_text","text":"Call both."}]},
{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}","status":"completed"},
{"type":"web_search_call","id":"ws_1","status":"completed"},
{"type":"function_call","id":"fc_2","call_id":"call_2","name":"g","arguments":"{}","status":"completed"}],
"usage":{"input_tokens":50,"output_tokens":90,"output_tokens_details":{"reasoning_tokens":70}}})")
        << QStringList{reasoning(QStringLiteral("**Plan**")),
                       reasoning(QStringLiteral("\n\nCall both.")),
                       tool(0, QStringLiteral("call_1"), QStringLiteral("f"), QStringLiteral("{\"a\":1}")),
                       tool(1, QStringLiteral("call_2"), QStringLiteral("g"), QStringLiteral("{}")),
                       usage(50, 90, -1, 70),
                       finish(QStringLiteral("completed"))}
        << true;
    QTest::newRow("incomplete: max_output_tokens")
        << QByteArrayLiteral(
               R"({"object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[{"type":"message","status":"incomplete","role":"assistant","content":[{"type":"output_text","text":"Once upon","annotations":[]}]}],"usage":{"input_tokens":12,"output_tokens":16}})")
        << QStringList{text(QStringLiteral("Once upon")), usage(12, 16, -1, -1),
                       finish(QStringLiteral("max_output_tokens"))}
        << true;
    QTest::newRow("incomplete: content_filter, nothing said")
        << QByteArrayLiteral(
               R"({"object":"response","status":"incomplete","incomplete_details":{"reason":"content_filter"},"output":[]})")
        << QStringList{finish(QStringLiteral("content_filter"))} << true;
    QTest::newRow("refusal part is the text")
        << QByteArrayLiteral(
               R"({"object":"response","status":"completed","output":[{"type":"message","role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]}]})")
        << QStringList{text(QStringLiteral("I can't help with that.")), finish(QStringLiteral("completed"))}
        << true;
    QTest::newRow("failed response is a provider error")
        << QByteArrayLiteral(
               R"({"object":"response","status":"failed","error":{"code":"server_error","message":"The model failed."},"output":[],"usage":null})")
        << QStringList{providerError(QStringLiteral("status"),
                                     QStringLiteral("The model failed. [server_error]"),
                                     QStringLiteral("server_error"))}
        << false;
    QTest::newRow("error object is a provider error")
        << QByteArrayLiteral(
               R"({"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}})")
        << QStringList{providerError(QString(), QStringLiteral("Rate limit reached [rate_limit_exceeded]"),
                                     QStringLiteral("rate_limit_exceeded"))}
        << false;
    QTest::newRow("status that is not final is a protocol error")
        << QByteArrayLiteral(R"({"object":"response","status":"in_progress","output":[]})")
        << QStringList{protocolError(
               QStringLiteral("status"),
               QStringLiteral("the response ended with status \"in_progress\", which is not final"))}
        << false;
    QTest::newRow("no output is a protocol error")
        << QByteArrayLiteral(R"({"id":"resp_1","object":"response","status":"completed"})")
        << QStringList{protocolError(QStringLiteral("output"), QStringLiteral("response has no output"))}
        << false;
    // "response byte N" is the zero-based offset of the byte the JSON parser stopped at.
    QTest::newRow("malformed body names the byte the parser stopped at")
        << QByteArrayLiteral(R"({"output": [})")
        << QStringList{protocolError(QStringLiteral("response byte 12"),
                                     QStringLiteral("malformed JSON response"))}
        << false;
    QTest::newRow("truncated body names the end of the body")
        << QByteArrayLiteral(R"({"output":[)")
        << QStringList{protocolError(QStringLiteral("response byte 11"),
                                     QStringLiteral("malformed JSON response"))}
        << false;
}

void OpenAiResponsesProtocolTest::decodesWholeResponseOnlyAtFinish()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const QString mismatch = wholeBodyMismatch(protocol(), sampleRequest(false), body, {events, complete});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void OpenAiResponsesProtocolTest::httpErrorKeepsMessageAndProviderCode_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("providerCode");

    QTest::newRow("401 bad key")
        << 401
        << QByteArrayLiteral(
               R"({"error":{"message":"Incorrect API key provided: sk-x***.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})")
        << QStringLiteral("HTTP 401: Incorrect API key provided: sk-x***. [invalid_api_key]")
        << QStringLiteral("invalid_api_key");
    // The two 429s: retry later, or pay first.
    QTest::newRow("429 rate limit")
        << 429
        << QByteArrayLiteral(
               R"({"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}})")
        << QStringLiteral("HTTP 429: Rate limit reached for requests [rate_limit_exceeded]")
        << QStringLiteral("rate_limit_exceeded");
    QTest::newRow("429 quota")
        << 429
        << QByteArrayLiteral(
               R"({"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})")
        << QStringLiteral("HTTP 429: You exceeded your current quota. [insufficient_quota]")
        << QStringLiteral("insufficient_quota");
    QTest::newRow("400 without a code names its type")
        << 400
        << QByteArrayLiteral(
               R"({"error":{"message":"Invalid 'max_output_tokens': integer below minimum value.","type":"invalid_request_error","param":"max_output_tokens","code":null}})")
        << QStringLiteral(
               "HTTP 400: Invalid 'max_output_tokens': integer below minimum value. [invalid_request_error]")
        << QStringLiteral("invalid_request_error");
    QTest::newRow("502 HTML page has no code")
        << 502 << QByteArrayLiteral("<html><body>Bad gateway</body></html>")
        << QStringLiteral("HTTP 502: <html><body>Bad gateway</body></html>") << QString();
    QTest::newRow("500 empty body") << 500 << QByteArray()
                                    << QStringLiteral("HTTP 500: Internal Server Error") << QString();
}

void OpenAiResponsesProtocolTest::httpErrorKeepsMessageAndProviderCode()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(QString, providerCode);

    const QString where = QStringLiteral("POST https://api.openai.com/v1/responses");
    const Lathe::Error error = protocol().httpError(status, body, where);
    QCOMPARE(error.code, ErrorCode::Http);
    QCOMPARE(error.message, message);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.where, where);
    QCOMPARE(error.providerCode, providerCode);
}

void OpenAiResponsesProtocolTest::simulatorReadsWhatBuildRequestWrites()
{
    ChatRequest request;
    request.model = QStringLiteral("lathe-sim+tool-call");
    request.messages = {{QStringLiteral("system"), QStringLiteral("A")},
                        {QStringLiteral("user"), QStringLiteral("Hi \U0001F600")},
                        {QStringLiteral("assistant"), QStringLiteral("Hello")},
                        {QStringLiteral("system"), QStringLiteral("B")},
                        {QStringLiteral("user"), QStringLiteral("Again")}};
    request.maxOutputTokens = 32;
    request.tools = {ToolDefinition{QStringLiteral("lookup"), QString(), QByteArray()},
                     ToolDefinition{QStringLiteral("other"), QString(), QByteArray()}};
    const OutgoingRequest outgoing =
        protocol().buildRequest(endpoint(QStringLiteral("http://127.0.0.1:9/v1")), request);
    const auto http = httpPost(outgoing.url.path().toUtf8(), outgoing.body);

    const OpenAiResponsesSimulation simulation;
    QVERIFY(simulation.handles(http));
    QVERIFY(!simulation.handles(httpPost("/v1/chat/completions", outgoing.body)));
    const auto parsed = simulation.parseRequest(http);
    QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(parsed->model, QStringLiteral("lathe-sim"));
    QCOMPARE(parsed->faultSpec, QStringLiteral("tool-call"));
    QCOMPARE(parsed->maxTokens, std::optional<qint64>(32));
    QVERIFY(parsed->stream);
    QCOMPARE(parsed->toolNames, (QStringList{QStringLiteral("lookup"), QStringLiteral("other")}));
    QStringList messages;
    for (const ChatMessage &message : parsed->messages)
        messages.append(message.role + QLatin1Char(':') + visibleText(message.content));
    QCOMPARE(messages,
             (QStringList{QStringLiteral("system:A\\n\\nB"), QStringLiteral("user:Hi \\ud83d\\ude00"),
                          QStringLiteral("assistant:Hello"), QStringLiteral("user:Again")}));
}

void OpenAiResponsesProtocolTest::simulatorReadsTheResponseSchemaInItsOrder()
{
    ChatRequest request = sampleRequest();
    request.responseFormat = ResponseFormat{responseSchemaAsWritten(), QStringLiteral("book"), true};
    const OutgoingRequest outgoing =
        protocol().buildRequest(endpoint(QStringLiteral("http://127.0.0.1:9/v1")), request);
    const auto parsed =
        OpenAiResponsesSimulation().parseRequest(httpPost(outgoing.url.path().toUtf8(), outgoing.body));
    QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error().message));
    QVERIFY(parsed->responseSchema.has_value());
    QCOMPARE(jsonText(*parsed->responseSchema), responseSchemaOnTheWire());
    QVERIFY(parsed->responseTool.isEmpty());
}

void OpenAiResponsesProtocolTest::simulatorRejectsWhatOpenAiRejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    QTest::newRow("max_output_tokens below 16")
        << QByteArrayLiteral(R"({"model":"m","input":"hi","max_output_tokens":15})")
        << QStringLiteral("Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, "
                          "but got 15 instead.");
    QTest::newRow("Chat Completions' nested tool")
        << QByteArrayLiteral(
               R"({"model":"m","input":"hi","tools":[{"type":"function","function":{"name":"f","parameters":{}}}]})")
        << QStringLiteral("Missing required parameter: 'tools[0].name'.");
    QTest::newRow("no model") << QByteArrayLiteral(R"({"input":"hi"})")
                              << QStringLiteral("Missing required parameter: 'model'.");
    QTest::newRow("Chat Completions' messages instead of input")
        << QByteArrayLiteral(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})")
        << QStringLiteral("'input' must be a string or an array of items");
    QTest::newRow("json_schema format without a name")
        << QByteArrayLiteral(
               "{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\","
               "\"schema\":{\"type\":\"object\"}}}}")
        << QStringLiteral("Missing required parameter: 'text.format.name'.");
    QTest::newRow("json_schema format with a name OpenAI refuses")
        << QByteArrayLiteral(
               "{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\","
               "\"name\":\"my book\",\"schema\":{\"type\":\"object\"}}}}")
        << QStringLiteral("Invalid 'text.format.name': string does not match pattern. Expected a string that "
                          "matches the pattern '^[a-zA-Z0-9_-]+$' and is at most 64 characters long.");
    QTest::newRow("json_schema format whose schema is no object")
        << QByteArrayLiteral(
               "{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\","
               "\"name\":\"book\",\"schema\":\"object\"}}}")
        << QStringLiteral("Invalid type for 'text.format.schema': expected an object.");
    QTest::newRow("unknown format type")
        << QByteArrayLiteral("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"yaml\"}}}")
        << QStringLiteral("Invalid value for 'text.format.type': expected one of 'text', 'json_object' or "
                          "'json_schema'.");
    QTest::newRow("input item without a role")
        << QByteArrayLiteral(R"({"model":"m","input":[{"content":"hi"}]})")
        << QStringLiteral("Missing required parameter: 'input[0].role'.");
}

void OpenAiResponsesProtocolTest::simulatorRejectsWhatOpenAiRejects()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const auto parsed = OpenAiResponsesSimulation().parseRequest(httpPost("/v1/responses", body));
    QVERIFY(!parsed.has_value());
    QCOMPARE(parsed.error().message, message);
}

void OpenAiResponsesProtocolTest::simulatedStreamsDecodeToTheSimulatedAnswer_data()
{
    QTest::addColumn<bool>("toolCall");
    QTest::addColumn<int>("maxTokens"); // 0: none

    QTest::newRow("text") << false << 0;
    QTest::newRow("cut by max_output_tokens") << false << 16;
    QTest::newRow("tool call") << true << 0;
}

void OpenAiResponsesProtocolTest::simulatedStreamsDecodeToTheSimulatedAnswer()
{
    QFETCH(bool, toolCall);
    QFETCH(int, maxTokens);

    const SimulatedAnswer answer =
        toolCall
            ? Lathe::Mock::simulateToolCall(QStringLiteral("lathe-sim"), simulatorPrompt(),
                                            QStringLiteral("lookup"))
            : Lathe::Mock::simulateAnswer(QStringLiteral("lathe-sim"), simulatorPrompt(),
                                          maxTokens > 0 ? std::optional<qint64>(maxTokens) : std::nullopt);
    QVERIFY(answer.pieceCount() > 2);
    const auto writer = OpenAiResponsesSimulation().streamWriter(simulatedResponse(answer));
    QByteArray stream = writer->begin();
    for (qsizetype i = 0; i < answer.pieceCount(); ++i)
        stream += writer->piece(i);
    stream += writer->end();

    // Sequence numbers count every event from 0, with no gap.
    qsizetype events = 0;
    for (qsizetype at = stream.indexOf("\"sequence_number\":"); at >= 0;
         at = stream.indexOf("\"sequence_number\":", at + 1)) {
        const QByteArray expected = "\"sequence_number\":" + QByteArray::number(events);
        QVERIFY2(stream.mid(at, expected.size()) == expected &&
                     !std::isdigit(stream.at(at + expected.size())),
                 qPrintable(QString::fromUtf8(stream.mid(at, 30))));
        ++events;
    }
    QCOMPARE(events, qsizetype(stream.count("\n\n")));

    QStringList expected;
    if (toolCall) {
        expected.append(tool(0, answer.toolCall->id, answer.toolCall->name, QString()));
        for (const QString &fragment : answer.toolCall->argumentFragments)
            expected.append(tool(0, QString(), QString(), fragment));
    } else {
        for (const QString &token : answer.tokens)
            expected.append(text(token));
    }
    expected.append(usage(answer.promptTokens, answer.pieceCount(), 0, 0));
    expected.append(
        finish(maxTokens > 0 ? QStringLiteral("max_output_tokens") : QStringLiteral("completed")));
    if (maxTokens > 0)
        QCOMPARE(answer.tokens.size(), qsizetype(maxTokens));

    const DecodedResponse decoded = decodeChunks(protocol(), sampleRequest(true), {stream});
    QCOMPARE(decoded.events, expected);
    QVERIFY(decoded.complete);
}

void OpenAiResponsesProtocolTest::simulatedErrorAndMalformedEventsDecodeAsErrors()
{
    const SimulatedAnswer answer =
        Lathe::Mock::simulateAnswer(QStringLiteral("lathe-sim"), simulatorPrompt(), std::nullopt);
    {
        const auto writer = OpenAiResponsesSimulation().streamWriter(simulatedResponse(answer));
        // One call per statement: the writer numbers events in the order it is called.
        QByteArray head = writer->begin();
        head += writer->piece(0);
        const QByteArray stream = head + writer->error(QStringLiteral("boom"));
        const DecodedResponse decoded = decodeChunks(protocol(), sampleRequest(true), {stream});
        QCOMPARE(decoded.events, (QStringList{text(answer.tokens[0]),
                                              providerError(QStringLiteral("stream byte %1").arg(head.size()),
                                                            QStringLiteral("boom [server_error]"),
                                                            QStringLiteral("server_error"))}));
        QVERIFY(!decoded.complete);
    }
    {
        // The broken event uses up a sequence number, as a real one would: one error, no gap.
        const auto writer = OpenAiResponsesSimulation().streamWriter(simulatedResponse(answer));
        QByteArray head = writer->begin();
        head += writer->piece(0);
        QByteArray stream = head + writer->malformed();
        for (qsizetype i = 1; i < answer.pieceCount(); ++i)
            stream += writer->piece(i);
        stream += writer->end();
        const DecodedResponse decoded = decodeChunks(protocol(), sampleRequest(true), {stream});
        QStringList expected{text(answer.tokens[0]),
                             protocolError(QStringLiteral("stream byte %1").arg(head.size()),
                                           QStringLiteral("malformed JSON in stream event"))};
        for (qsizetype i = 1; i < answer.tokens.size(); ++i)
            expected.append(text(answer.tokens[i]));
        expected.append(usage(answer.promptTokens, answer.pieceCount(), 0, 0));
        expected.append(finish(QStringLiteral("completed")));
        QCOMPARE(decoded.events, expected);
        QVERIFY(decoded.complete);
    }
}

void OpenAiResponsesProtocolTest::simulatedWholeResponseDecodesLikeTheStream()
{
    const OpenAiResponsesSimulation simulation;
    const SimulatedAnswer text = Lathe::Mock::simulateAnswer(QStringLiteral("lathe-sim"), simulatorPrompt(),
                                                             std::optional<qint64>(16));
    const SimulatedAnswer call = Lathe::Mock::simulateToolCall(QStringLiteral("lathe-sim"), simulatorPrompt(),
                                                               QStringLiteral("lookup"));

    DecodedResponse decoded =
        decodeChunks(protocol(), sampleRequest(false),
                     {QByteArray::fromStdString(simulation.wholeResponse(simulatedResponse(text)).dump())});
    QCOMPARE(decoded.events, (QStringList{::text(text.text()), usage(text.promptTokens, 16, 0, 0),
                                          finish(QStringLiteral("max_output_tokens"))}));
    QVERIFY(decoded.complete);

    decoded =
        decodeChunks(protocol(), sampleRequest(false),
                     {QByteArray::fromStdString(simulation.wholeResponse(simulatedResponse(call)).dump())});
    QCOMPARE(decoded.events,
             (QStringList{tool(0, call.toolCall->id, call.toolCall->name, call.toolCall->arguments()),
                          usage(call.promptTokens, call.pieceCount(), 0, 0),
                          finish(QStringLiteral("completed"))}));
    QVERIFY(decoded.complete);

    // The error body is OpenAI's shape, so the adapter reads its message and code.
    const nlohmann::json body = simulation.errorBody(429, QStringLiteral("(simulated fault http-429)"));
    const QByteArray bytes = QByteArray::fromStdString(body.dump());
    const Lathe::Error error = protocol().httpError(429, bytes, QString());
    QCOMPARE(error.message,
             QStringLiteral("HTTP 429: Rate limit reached for requests. Please try again in 1s. "
                            "(simulated fault http-429) [rate_limit_exceeded]"));
    QCOMPARE(error.providerCode, QStringLiteral("rate_limit_exceeded"));
    QCOMPARE(jsonText(body.at("error").at("param")), QStringLiteral("null"));
}

QTEST_APPLESS_MAIN(OpenAiResponsesProtocolTest)
#include "tst_openairesponsesprotocol.moc"
