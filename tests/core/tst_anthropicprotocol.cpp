// SPDX-License-Identifier: GPL-3.0-or-later
// The Anthropic Messages adapter without a network: the request it writes, the events it reads
// from recorded streams (tests/data/transcripts/anthropic) however the bytes are chunked, whole
// Message bodies, error bodies, and the simulator reading what the adapter writes.
#include <QByteArrayList>
#include <QDir>
#include <QFile>
#include <QSet>
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "Chunkings.h"
#include "DecoderRuns.h"
#include "OutgoingRequestParts.h"
#include "StreamEventLines.h"
#include "http/HttpRequestReader.h"
#include "mock/AnthropicSimulation.h"
#include "providers/AnthropicProtocol.h"
#include "providers/ChatTypes.h"
#include "providers/ProviderProtocol.h"

using Lathe::ErrorCode;
using Lathe::Mock::AnthropicSimulation;
using Lathe::Providers::AnthropicProtocol;
using Lathe::Providers::ChatRequest;
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
using Lathe::TestSupport::wholeBodyMismatch;
using Kind = Lathe::Providers::StreamEvent::Kind;
using namespace Lathe::TestSupport::EventLines;
using nlohmann::json;

namespace
{

const ProviderProtocol &protocol()
{
    return Lathe::Providers::protocolFor(WireProtocol::Anthropic);
}

ChatRequest sampleRequest(bool stream = true)
{
    ChatRequest request;
    request.model = QStringLiteral("claude-sonnet-4-5");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")}};
    request.stream = stream;
    return request;
}

ProviderEndpoint endpoint(const QString &baseUrl = QStringLiteral("https://api.anthropic.com"),
                          const QString &apiKey = {})
{
    ProviderEndpoint result;
    result.protocol = WireProtocol::Anthropic;
    result.baseUrl = QUrl(baseUrl);
    result.apiKey = apiKey;
    return result;
}

// sampleRequest() asking for a structured answer named "book".
ChatRequest structuredRequest(bool stream)
{
    ChatRequest request = sampleRequest(stream);
    request.responseFormat = ResponseFormat{responseSchemaAsWritten(), QStringLiteral("book"), true};
    return request;
}

// A stream in which the model calls the tool `name` with the input fragments `fragments`.
QByteArray toolUseStream(const char *name, const QList<QByteArray> &fragments)
{
    QByteArray stream =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":30,"
        "\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
        "{\"type\":\"tool_use\",\"id\":\"toolu_01B\",\"name\":\"" +
        QByteArray(name) + "\",\"input\":{}}}\n\n";
    for (const QByteArray &fragment : fragments) {
        stream += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                  "{\"type\":\"input_json_delta\",\"partial_json\":" +
                  QByteArray::fromStdString(json(fragment.toStdString()).dump()) + "}}\n\n";
    }
    return stream + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    "\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}\n\n"
                    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

QString transcriptPath(const QString &name)
{
    return QString::fromUtf8(LATHE_TEST_DATA) + QStringLiteral("/transcripts/anthropic/") + name;
}

QByteArray transcript(const QString &name)
{
    QFile file(transcriptPath(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read transcript %s", qPrintable(file.fileName()));
    return file.readAll();
}

Lathe::Http::HttpRequest httpPost(const QByteArray &path, const QByteArray &body)
{
    Lathe::Http::HttpRequest request;
    request.method = "POST";
    request.target = path;
    request.body = body;
    return request;
}

struct TranscriptRow
{
    QString name; ///< the file in the transcript folder, or a description of `bytes`
    QStringList events;
    bool complete = false;
    QByteArray bytes; ///< a variant of a file; empty: the file itself
};

QList<TranscriptRow> recordedTranscripts();

} // namespace

class AnthropicProtocolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protocolForReturnsTheAnthropicProtocol();

    // buildRequest
    void urlAppendsV1MessagesToBaseUrl_data();
    void urlAppendsV1MessagesToBaseUrl();
    void headersCarryVersionKeyAndExtras_data();
    void headersCarryVersionKeyAndExtras();
    void keyAppearsOnlyInItsHeader();
    void bodyHasModelSystemAndMessages();
    void systemMessagesAreJoinedInOrderWithABlankLine();
    void consecutiveMessagesOfOneRoleBecomeOneTurn();
    void maxTokensIsAlwaysSent_data();
    void maxTokensIsAlwaysSent();
    void bodyHasTemperatureAndStreamOnlyWhenSet();
    void toolsHaveNameDescriptionAndInputSchema();
    void responseFormatIsAForcedAnswerToolAfterTheTools();

    // streaming decoder
    void decodesRecordedTranscript_data();
    void decodesRecordedTranscript();
    void everyTranscriptFileHasARow();
    void decodesInlineStreams_data();
    void decodesInlineStreams();
    void malformedStreamEventErrorCarriesTheParserReason();
    void answerToolInputStreamsAsText_data();
    void answerToolInputStreamsAsText();

    // non-streaming decoder
    void decodesWholeMessageOnlyAtFinish_data();
    void decodesWholeMessageOnlyAtFinish();
    void wholeAnswerToolInputIsTextInTheServersOrder();

    // HTTP errors
    void httpErrorReadsAnthropicErrorBodies_data();
    void httpErrorReadsAnthropicErrorBodies();

    // the simulator reads what the adapter writes
    void simulatorHandlesOnlyPostV1MessagesAndCountTokens();
    void simulatorReadsTheAdaptersRequest();
    void simulatorReadsTheForcedAnswerTool();
    void simulatorRejectsWhatTheRealApiRejects_data();
    void simulatorRejectsWhatTheRealApiRejects();
    void simulatorErrorBodiesHaveAnthropicsShape_data();
    void simulatorErrorBodiesHaveAnthropicsShape();
};

void AnthropicProtocolTest::protocolForReturnsTheAnthropicProtocol()
{
    const ProviderProtocol &first = protocol();
    QVERIFY(dynamic_cast<const AnthropicProtocol *>(&first) != nullptr);
    QCOMPARE(&protocol(), &first);
    QVERIFY(&Lathe::Providers::protocolFor(WireProtocol::OpenAiChat) != &first);
}

void AnthropicProtocolTest::urlAppendsV1MessagesToBaseUrl_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("url");

    QTest::newRow("Anthropic as the SDK takes it") << QStringLiteral("https://api.anthropic.com")
                                                   << QStringLiteral("https://api.anthropic.com/v1/messages");
    QTest::newRow("trailing slash") << QStringLiteral("https://api.anthropic.com/")
                                    << QStringLiteral("https://api.anthropic.com/v1/messages");
    QTest::newRow("gateway with a path prefix")
        << QStringLiteral("https://gateway.example.com/anthropic//")
        << QStringLiteral("https://gateway.example.com/anthropic/v1/messages");
    QTest::newRow("simulator root with port")
        << QStringLiteral("http://127.0.0.1:8080") << QStringLiteral("http://127.0.0.1:8080/v1/messages");
    QTest::newRow("query is kept") << QStringLiteral("https://proxy.example.com/claude?tenant=a")
                                   << QStringLiteral("https://proxy.example.com/claude/v1/messages?tenant=a");
}

void AnthropicProtocolTest::urlAppendsV1MessagesToBaseUrl()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, url);

    const OutgoingRequest request = protocol().buildRequest(endpoint(baseUrl), sampleRequest());
    QCOMPARE(request.url.toString(), url);
}

void AnthropicProtocolTest::headersCarryVersionKeyAndExtras_data()
{
    QTest::addColumn<QString>("apiKey");
    QTest::addColumn<QByteArray>("apiKeyHeader");
    QTest::addColumn<QByteArrayList>("xApiKey");
    QTest::addColumn<QByteArrayList>("authorization");

    QTest::newRow("Anthropic key in x-api-key") << QStringLiteral("sk-ant-api03-test") << QByteArray()
                                                << QByteArrayList{"sk-ant-api03-test"} << QByteArrayList{};
    QTest::newRow("gateway token as a bearer") << QStringLiteral("gw-token") << QByteArray("Authorization")
                                               << QByteArrayList{} << QByteArrayList{"Bearer gw-token"};
    QTest::newRow("no key, no credentials")
        << QString() << QByteArray() << QByteArrayList{} << QByteArrayList{};
}

void AnthropicProtocolTest::headersCarryVersionKeyAndExtras()
{
    QFETCH(QString, apiKey);
    QFETCH(QByteArray, apiKeyHeader);
    QFETCH(QByteArrayList, xApiKey);
    QFETCH(QByteArrayList, authorization);

    ProviderEndpoint target = endpoint(QStringLiteral("https://api.anthropic.com"), apiKey);
    target.apiKeyHeader = apiKeyHeader;
    target.extraHeaders = {
        {"anthropic-beta", "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"}};
    for (const bool stream : {true, false}) {
        const OutgoingRequest request = protocol().buildRequest(target, sampleRequest(stream));
        QCOMPARE(headerValues(request, "x-api-key"), xApiKey);
        QCOMPARE(headerValues(request, "Authorization"), authorization);
        QCOMPARE(headerValues(request, "anthropic-version"), QByteArrayList{"2023-06-01"});
        QCOMPARE(headerValues(request, "Content-Type"), QByteArrayList{"application/json"});
        QCOMPARE(headerValues(request, "Accept"),
                 QByteArrayList{stream ? "text/event-stream" : "application/json"});
        QCOMPARE(headerValues(request, "anthropic-beta"),
                 QByteArrayList{"interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"});
    }
}

void AnthropicProtocolTest::keyAppearsOnlyInItsHeader()
{
    // A log that redacts the credentials header must be left with no trace of the key.
    const QString key = QStringLiteral("sk-ant-secret-9f8e7d");
    const OutgoingRequest request =
        protocol().buildRequest(endpoint(QStringLiteral("https://api.anthropic.com"), key), sampleRequest());
    QVERIFY(!request.url.toString().contains(key));
    QVERIFY(!request.body.contains(key.toUtf8()));
    int carriers = 0;
    for (const auto &[name, value] : request.headers) {
        if (value.contains(key.toUtf8())) {
            ++carriers;
            QCOMPARE(name, QByteArray("x-api-key"));
        }
    }
    QCOMPARE(carriers, 1);
}

void AnthropicProtocolTest::bodyHasModelSystemAndMessages()
{
    const json body = bodyOf(protocol().buildRequest(endpoint(), sampleRequest()));
    QCOMPARE(jsonText(body.at("model")), QStringLiteral("\"claude-sonnet-4-5\""));
    QCOMPARE(jsonText(body.at("system")), QStringLiteral("\"Be brief.\""));
    // No system role in `messages`: the API rejects one.
    QCOMPARE(jsonText(body.at("messages")),
             jsonText(json::parse(R"([{"role":"user","content":"Say \"h\u00e9llo\"\nin one line"}])")));
    QVERIFY(!body.contains("tools"));
    QVERIFY(!body.contains("temperature"));

    ChatRequest withoutSystem = sampleRequest();
    withoutSystem.messages.removeFirst();
    QVERIFY(!bodyOf(protocol().buildRequest(endpoint(), withoutSystem)).contains("system"));
}

void AnthropicProtocolTest::systemMessagesAreJoinedInOrderWithABlankLine()
{
    ChatRequest request = sampleRequest();
    request.messages = {{QStringLiteral("system"), QStringLiteral("You are terse.")},
                        {QStringLiteral("user"), QStringLiteral("Hi")},
                        {QStringLiteral("system"), QString()},
                        {QStringLiteral("system"), QStringLiteral("Answer in French.\nAlways.")},
                        {QStringLiteral("assistant"), QStringLiteral("Salut")},
                        {QStringLiteral("user"), QStringLiteral("Again")}};
    const json body = bodyOf(protocol().buildRequest(endpoint(), request));
    QCOMPARE(QString::fromStdString(body.at("system").get<std::string>()),
             QStringLiteral("You are terse.\n\nAnswer in French.\nAlways."));
    QCOMPARE(jsonText(body.at("messages")),
             jsonText(json::parse(R"([{"role":"user","content":"Hi"},{"role":"assistant","content":"Salut"},
                                      {"role":"user","content":"Again"}])")));
}

void AnthropicProtocolTest::consecutiveMessagesOfOneRoleBecomeOneTurn()
{
    ChatRequest request = sampleRequest();
    request.messages = {{QStringLiteral("user"), QStringLiteral("First")},
                        {QStringLiteral("user"), QString()},
                        {QStringLiteral("system"), QStringLiteral("Between, but not a turn")},
                        {QStringLiteral("user"), QStringLiteral("Second")},
                        {QStringLiteral("assistant"), QStringLiteral("A")},
                        {QStringLiteral("assistant"), QStringLiteral("B")},
                        {QStringLiteral("user"), QStringLiteral("Last")}};
    const json body = bodyOf(protocol().buildRequest(endpoint(), request));
    // Each message stays a text block; empty ones are left out (the API rejects empty blocks).
    QCOMPARE(jsonText(body.at("messages")), jsonText(json::parse(R"([
        {"role":"user","content":[{"type":"text","text":"First"},{"type":"text","text":"Second"}]},
        {"role":"assistant","content":[{"type":"text","text":"A"},{"type":"text","text":"B"}]},
        {"role":"user","content":"Last"}])")));
    QCOMPARE(jsonText(body.at("system")), QStringLiteral("\"Between, but not a turn\""));
}

void AnthropicProtocolTest::maxTokensIsAlwaysSent_data()
{
    QTest::addColumn<int>("maxOutputTokens"); // -1: unset
    QTest::addColumn<int>("sent");

    QTest::newRow("unset: the default every model accepts") << -1 << 4096;
    QTest::newRow("set") << 256 << 256;
    QTest::newRow("set above the default") << 64000 << 64000;
}

void AnthropicProtocolTest::maxTokensIsAlwaysSent()
{
    QFETCH(int, maxOutputTokens);
    QFETCH(int, sent);

    ChatRequest request = sampleRequest();
    if (maxOutputTokens >= 0)
        request.maxOutputTokens = maxOutputTokens;
    for (const bool stream : {true, false}) {
        request.stream = stream;
        const json body = bodyOf(protocol().buildRequest(endpoint(), request));
        QVERIFY2(body.contains("max_tokens"), qPrintable(jsonText(body)));
        QCOMPARE(body.at("max_tokens").get<int>(), sent);
        QVERIFY(!body.contains("max_completion_tokens"));
    }
    QCOMPARE(AnthropicProtocol::kDefaultMaxTokens, 4096);
}

void AnthropicProtocolTest::bodyHasTemperatureAndStreamOnlyWhenSet()
{
    ChatRequest request = sampleRequest(true);
    json body = bodyOf(protocol().buildRequest(endpoint(), request));
    QVERIFY(!body.contains("temperature"));
    QCOMPARE(jsonText(body.at("stream")), QStringLiteral("true"));
    QVERIFY(!body.contains("stream_options")); // OpenAI's; Anthropic always reports usage

    request.stream = false;
    request.temperature = 0.0; // zero is a setting, not "unset"
    body = bodyOf(protocol().buildRequest(endpoint(), request));
    QVERIFY(!body.contains("stream"));
    QVERIFY(body.contains("temperature"));
    QCOMPARE(body.at("temperature").get<double>(), 0.0);

    request.temperature = 0.7;
    QCOMPARE(bodyOf(protocol().buildRequest(endpoint(), request)).at("temperature").get<double>(), 0.7);
}

void AnthropicProtocolTest::toolsHaveNameDescriptionAndInputSchema()
{
    ChatRequest request = sampleRequest();
    request.tools = {
        ToolDefinition{
            QStringLiteral("get_weather"), QStringLiteral("Weather for a city"),
            QByteArrayLiteral(
                R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")},
        ToolDefinition{QStringLiteral("current_time"), QString(), QByteArray()},
    };
    const json body = bodyOf(protocol().buildRequest(endpoint(), request));
    QCOMPARE(jsonText(body.at("tools")), jsonText(json::parse(R"([
        {"name":"get_weather","description":"Weather for a city",
         "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
        {"name":"current_time","input_schema":{"type":"object","properties":{}}}])")));
}

void AnthropicProtocolTest::responseFormatIsAForcedAnswerToolAfterTheTools()
{
    ChatRequest request = structuredRequest(true);
    request.tools = {ToolDefinition{QStringLiteral("lookup"), QString(), QByteArray()}};
    const QString expectedTools =
        QStringLiteral(
            "[{\"input_schema\":{\"properties\":{},\"type\":\"object\"},\"name\":\"lookup\"},"
            "{\"name\":\"book\",\"description\":\"Respond with the answer, as this tool's input.\","
            "\"input_schema\":%1}]")
            .arg(responseSchemaOnTheWire());
    const QString expectedChoice = QStringLiteral("{\"type\":\"tool\",\"name\":\"book\"}");

    const nlohmann::ordered_json body = orderedBodyOf(protocol().buildRequest(endpoint(), request));
    QCOMPARE(jsonText(body.at("tools")), expectedTools);
    QCOMPARE(jsonText(body.at("tool_choice")), expectedChoice);
    // The forced tool is part of the prompt, so a token count counts it too.
    const auto counted =
        static_cast<const AnthropicProtocol &>(protocol()).buildCountTokensRequest(endpoint(), request);
    QCOMPARE(jsonText(orderedBodyOf(counted).at("tools")), expectedTools);
    QCOMPARE(jsonText(orderedBodyOf(counted).at("tool_choice")), expectedChoice);

    request.tools.clear();
    QCOMPARE(jsonText(orderedBodyOf(protocol().buildRequest(endpoint(), request)).at("tools")),
             QStringLiteral("[{\"name\":\"book\",\"description\":\"Respond with the answer, as this tool's "
                            "input.\",\"input_schema\":%1}]")
                 .arg(responseSchemaOnTheWire()));
    request.responseFormat.reset();
    const json plain = bodyOf(protocol().buildRequest(endpoint(), request));
    QVERIFY(!plain.contains("tools"));
    QVERIFY(!plain.contains("tool_choice"));
}

namespace
{

// What each recorded transcript must decode to, by file name.
QList<TranscriptRow> recordedTranscripts()
{
    QList<TranscriptRow> rows;
    const auto row = [&rows](const QString &file, const QStringList &events, bool complete) {
        rows.append({file, events, complete, {}});
    };

    // input = input_tokens + cache writes + cache reads; cached = cache reads.
    const QStringList textEvents{
        usage(12 + 2048 + 1024, 1, 1024, -1, 2048), text(QStringLiteral("Hel")),
        text(QStringLiteral("lo, h\u00E9")),        text(QStringLiteral(" \u20AC5 \U0001F600\n")),
        finish(QStringLiteral("end_turn")),         usage(12 + 2048 + 1024, 15, 1024, -1, 2048)};
    row(QStringLiteral("text.sse"), textEvents, true);
    {
        QByteArray crlf = transcript(QStringLiteral("text.sse"));
        crlf.replace("\n\n", "\r\n: keep-alive\r\n\r\n");
        crlf.replace("\n", "\r\n");
        crlf.replace("\r\r\n", "\r\n");
        rows.append({QStringLiteral("text.sse with CRLF line ends and comments"), textEvents, true, crlf});
    }
    row(QStringLiteral("thinking.sse"),
        {usage(40, 3, 0, -1, 0),
         reasoning(QStringLiteral("Let me solve this step by step:\n\n1. First break down 27 * 453")),
         reasoning(QStringLiteral("\n2. 453 = 400 + 50 + 3")), text(QStringLiteral("27 * 453 = 12,231")),
         finish(QStringLiteral("end_turn")), usage(40, 121, 0, -1, 0)},
        true);
    // The tool call's index is its block's; the text block before it takes index 0.
    row(QStringLiteral("tool_use.sse"),
        {usage(472, 2, -1), text(QStringLiteral("I'll check both cities.")),
         tool(1, QStringLiteral("toolu_01T1x1fJ34qAmk2tNTrN7Up6"), QStringLiteral("get_weather"), QString()),
         tool(1, QString(), QString(), QStringLiteral("{\"location\":")),
         tool(1, QString(), QString(), QStringLiteral(" \"Par\u00EDs\"}")),
         tool(2, QStringLiteral("toolu_02Ab"), QStringLiteral("get_time"), QString()),
         tool(2, QString(), QString(), QStringLiteral("{\"tz\"")),
         tool(2, QString(), QString(), QStringLiteral(":\"CET\"}")), finish(QStringLiteral("tool_use")),
         usage(472, 89, -1)},
        true);
    row(QStringLiteral("tool_without_arguments.sse"),
        {usage(300, 1, 0, -1, 0),
         tool(0, QStringLiteral("toolu_01Now"), QStringLiteral("current_time"), QString()),
         tool(0, QString(), QString(), QStringLiteral("{}")), finish(QStringLiteral("tool_use")),
         usage(300, 31, 0, -1, 0)},
        true);
    row(QStringLiteral("max_tokens.sse"),
        {usage(18, 1, 0, -1, 0), text(QStringLiteral("Once upon")), text(QStringLiteral(" a time")),
         finish(QStringLiteral("max_tokens")), usage(18, 4, 0, -1, 0)},
        true);
    {
        const QByteArray bytes = transcript(QStringLiteral("overloaded_error.sse"));
        row(QStringLiteral("overloaded_error.sse"),
            {usage(25, 1, 0, -1, 0), text(QStringLiteral("Partial")),
             providerError(eventByteOf(bytes, "\"overloaded_error\""),
                           QStringLiteral("Overloaded [overloaded_error]"),
                           QStringLiteral("overloaded_error"))},
            false);
    }
    // message_stop is the only end marker: a stop_reason alone does not complete the answer.
    row(QStringLiteral("truncated_after_message_delta.sse"),
        {usage(9, 1, -1), text(QStringLiteral("Almost")), finish(QStringLiteral("end_turn")),
         usage(9, 2, -1)},
        false);
    row(QStringLiteral("truncated_mid_event.sse"),
        {usage(9, 1, -1), text(QStringLiteral("Once")), finish(QStringLiteral("end_turn")), usage(9, 2, -1)},
        false);
    {
        const QByteArray bytes = transcript(QStringLiteral("malformed_event.sse"));
        row(QStringLiteral("malformed_event.sse"),
            {usage(7, 1, -1), text(QStringLiteral("A")),
             protocolError(eventByteOf(bytes, "\"text\":\"B\""),
                           QStringLiteral("malformed JSON in stream event")),
             text(QStringLiteral("C")), finish(QStringLiteral("end_turn")), usage(7, 3, -1)},
            true);
    }
    // Web search runs on Anthropic's side: its server_tool_use input is no call for the client,
    // citations and unknown event types are skipped, and message_delta's totals replace the
    // input count of message_start.
    row(QStringLiteral("server_tools.sse"),
        {usage(2679, 3, 0, -1, 0), text(QStringLiteral("It is sunny in New York.")),
         finish(QStringLiteral("end_turn")), usage(10682 + 512, 510, 512, -1, 0)},
        true);
    return rows;
}

} // namespace

void AnthropicProtocolTest::decodesRecordedTranscript_data()
{
    QTest::addColumn<QByteArray>("transcript");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    for (const TranscriptRow &row : recordedTranscripts()) {
        QTest::newRow(qPrintable(row.name))
            << (row.bytes.isEmpty() ? transcript(row.name) : row.bytes) << row.events << row.complete;
    }
}

void AnthropicProtocolTest::decodesRecordedTranscript()
{
    QFETCH(QByteArray, transcript);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const DecodedResponse whole = decodeChunks(protocol(), sampleRequest(true), {transcript});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);

    const DecodedResponse byteAtATime =
        decodeChunks(protocol(), sampleRequest(true), fixedSizeChunks(transcript, 1));
    QCOMPARE(byteAtATime.toString(), whole.toString());

    // Whole, byte at a time, split at every offset, and random chunks (fixed seed) of up to 63
    // bytes, which cut most events in several places.
    const QString mismatch =
        chunkingMismatch(transcript,
                         [](const QByteArrayList &chunks) {
                             return decodeChunks(protocol(), sampleRequest(true), chunks).toString();
                         },
                         {.maxRandomChunk = 63});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void AnthropicProtocolTest::everyTranscriptFileHasARow()
{
    const QStringList files =
        QDir(transcriptPath(QString())).entryList({QStringLiteral("*.sse")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 10);
    const QSet<QString> onDisk(files.begin(), files.end());
    QSet<QString> described;
    for (const TranscriptRow &row : recordedTranscripts()) {
        if (row.bytes.isEmpty())
            described.insert(row.name);
    }
    QCOMPARE(described, onDisk);
}

void AnthropicProtocolTest::decodesInlineStreams_data()
{
    QTest::addColumn<QByteArray>("transcript");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("message_stop alone is complete")
        << QByteArrayLiteral("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n") << QStringList{}
        << true;
    QTest::newRow("gateway that drops event names: the payload type decides")
        << QByteArrayLiteral(
               R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"###"},"usage":{"output_tokens":2}}

data: {"type":"message_stop"}

)") << QStringList{text(QStringLiteral("Hi")), finish(QStringLiteral("stop_sequence")), usage(-1, 2, -1)}
        << true;
    QTest::newRow("event: error with plain text keeps its words")
        << QByteArrayLiteral("event: error\ndata: upstream connect error\n\n")
        << QStringList{providerError(QStringLiteral("stream byte 0"),
                                     QStringLiteral("upstream connect error"))}
        << false;
    QTest::newRow("error without a type still fails")
        << QByteArrayLiteral("event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"boom\"}}\n\n")
        << QStringList{providerError(QStringLiteral("stream byte 0"), QStringLiteral("boom"))} << false;
    QTest::newRow("event: error whose payload lacks the top-level type")
        << QByteArrayLiteral(
               "event: error\ndata: {\"error\":{\"type\":\"api_error\",\"message\":\"Internal\"}}\n\n")
        << QStringList{providerError(QStringLiteral("stream byte 0"), QStringLiteral("Internal [api_error]"),
                                     QStringLiteral("api_error"))}
        << false;
    QTest::newRow("a refusal is a finish reason") << QByteArrayLiteral(R"(event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"refusal","stop_sequence":null,"stop_details":{"category":"cyber"}},"usage":{"output_tokens":0}}

event: message_stop
data: {"type":"message_stop"}

)") << QStringList{finish(QStringLiteral("refusal")), usage(-1, 0, -1)}
                                                  << true;
    QTest::newRow("stop_reason null gives no finish") << QByteArrayLiteral(R"(event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":null,"stop_sequence":null},"usage":{"output_tokens":7}}

)") << QStringList{usage(-1, 7, -1)} << false;
    QTest::newRow("fields of the wrong type are ignored, not thrown")
        << QByteArrayLiteral(R"(event: content_block_start
data: {"type":"content_block_start","index":"0","content_block":{"type":"tool_use","id":5,"name":null}}

event: content_block_delta
data: {"type":"content_block_delta","index":-1,"delta":{"type":"input_json_delta","partial_json":"{}"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":7}}

event: message_delta
data: {"type":"message_delta","delta":"end_turn","usage":{"output_tokens":"3","input_tokens":-4}}

event: message_start
data: [1, 2, 3]

)") << QStringList{usage(-1, -1, -1)}
        << false;
}

void AnthropicProtocolTest::decodesInlineStreams()
{
    QFETCH(QByteArray, transcript);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const DecodedResponse whole = decodeChunks(protocol(), sampleRequest(true), {transcript});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);
    const QString mismatch = chunkingMismatch(transcript, [](const QByteArrayList &chunks) {
        return decodeChunks(protocol(), sampleRequest(true), chunks).toString();
    });
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void AnthropicProtocolTest::malformedStreamEventErrorCarriesTheParserReason()
{
    const auto decoder = protocol().createDecoder(sampleRequest(true));
    QList<StreamEvent> out;
    decoder->feed(QByteArrayLiteral("event: ping\ndata: {\"type\": \"ping\"}\n\n"
                                    "event: content_block_delta\ndata: {\"type\":\n\n"),
                  out);
    QCOMPARE(out.size(), qsizetype(1));
    QCOMPARE(out[0].kind, Kind::Error);
    QCOMPARE(out[0].error.code, ErrorCode::Protocol);
    QVERIFY2(out[0].error.message.startsWith(QStringLiteral("malformed JSON in stream event: ")),
             qPrintable(out[0].error.message));
    QVERIFY(out[0].error.message.size() > 40); // carries the parser's reason
    QCOMPARE(out[0].error.where, QStringLiteral("stream byte 36"));
    QVERIFY(!decoder->isComplete());
}

void AnthropicProtocolTest::answerToolInputStreamsAsText_data()
{
    QTest::addColumn<QByteArray>("transcript");
    QTest::addColumn<bool>("structured"); // the request asked for an answer named "book"
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    const QList<QByteArray> fragments{"{\"title\":", " \"Dune\", \"auth", "or\": \"Frank Herbert\"}"};
    const QString first = QStringLiteral("{\"title\":");
    const QString second = QStringLiteral(" \"Dune\", \"auth");
    const QString third = QStringLiteral("or\": \"Frank Herbert\"}");
    const QString start = usage(30, 1, -1);
    const QString end = usage(30, 12, -1);
    QTest::newRow("the answer tool's input fragments are text")
        << toolUseStream("book", fragments) << true
        << QStringList{start, text(first), text(second), text(third), finish(QStringLiteral("tool_use")), end}
        << true;
    QTest::newRow("an answer tool without input fragments answers {}")
        << toolUseStream("book", {}) << true
        << QStringList{start, text(QStringLiteral("{}")), finish(QStringLiteral("tool_use")), end} << true;
    QTest::newRow("another tool stays a tool call")
        << toolUseStream("lookup", fragments) << true
        << QStringList{start,
                       tool(0, QStringLiteral("toolu_01B"), QStringLiteral("lookup"), QString()),
                       tool(0, QString(), QString(), first),
                       tool(0, QString(), QString(), second),
                       tool(0, QString(), QString(), third),
                       finish(QStringLiteral("tool_use")),
                       end}
        << true;
    QTest::newRow("without a response format a tool named like one is a tool call")
        << toolUseStream("book", fragments) << false
        << QStringList{start,
                       tool(0, QStringLiteral("toolu_01B"), QStringLiteral("book"), QString()),
                       tool(0, QString(), QString(), first),
                       tool(0, QString(), QString(), second),
                       tool(0, QString(), QString(), third),
                       finish(QStringLiteral("tool_use")),
                       end}
        << true;
}

void AnthropicProtocolTest::answerToolInputStreamsAsText()
{
    QFETCH(QByteArray, transcript);
    QFETCH(bool, structured);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const ChatRequest request = structured ? structuredRequest(true) : sampleRequest(true);
    const DecodedResponse whole = decodeChunks(protocol(), request, {transcript});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);
    const QString mismatch = chunkingMismatch(transcript, [&request](const QByteArrayList &chunks) {
        return decodeChunks(protocol(), request, chunks).toString();
    });
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void AnthropicProtocolTest::decodesWholeMessageOnlyAtFinish_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("text message with cache counts")
        << QByteArrayLiteral(R"({
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5-20250929",
  "content": [{"type": "text", "text": "Hello there.\nH\u00e9 \ud83d\ude00"}],
  "stop_reason": "end_turn",
  "stop_sequence": null,
  "usage": {"input_tokens": 19, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000,
            "output_tokens": 10, "service_tier": "standard"}
})")
        << QStringList{text(QStringLiteral("Hello there.\nH\u00E9 \U0001F600")),
                       finish(QStringLiteral("end_turn")), usage(2119, 10, 2000, -1, 100)}
        << true;
    QTest::newRow("thinking, text and tool calls in block order")
        << QByteArrayLiteral(
               R"({"type":"message","role":"assistant","content":[{"type":"thinking","thinking":"Need the weather.","signature":"EqQB"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Par\u00eds","days":3}},{"type":"tool_use","id":"toolu_01B","name":"current_time","input":{}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":50,"output_tokens":60}})")
        << QStringList{reasoning(QStringLiteral("Need the weather.")),
                       text(QStringLiteral("Checking.")),
                       tool(2, QStringLiteral("toolu_01A"), QStringLiteral("get_weather"),
                            QStringLiteral("{\"city\":\"Par\u00EDs\",\"days\":3}")),
                       tool(3, QStringLiteral("toolu_01B"), QStringLiteral("current_time"),
                            QStringLiteral("{}")),
                       finish(QStringLiteral("tool_use")),
                       usage(50, 60, -1)}
        << true;
    QTest::newRow("tool input keeps the server's member order")
        << QByteArrayLiteral("{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_01C\","
                             "\"name\":\"plot\",\"input\":{\"y\":2,\"x\":1}}],\"stop_reason\":\"tool_use\","
                             "\"usage\":{\"input_tokens\":8,\"output_tokens\":9}}")
        << QStringList{tool(0, QStringLiteral("toolu_01C"), QStringLiteral("plot"),
                            QStringLiteral("{\"y\":2,\"x\":1}")),
                       finish(QStringLiteral("tool_use")), usage(8, 9, -1)}
        << true;
    QTest::newRow("empty content at max_tokens")
        << QByteArrayLiteral(
               R"({"type":"message","content":[],"stop_reason":"max_tokens","usage":{"input_tokens":5,"output_tokens":1}})")
        << QStringList{finish(QStringLiteral("max_tokens")), usage(5, 1, -1)} << true;
    QTest::newRow("error body with a 200 is a provider error")
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})")
        << QStringList{providerError(QString(), QStringLiteral("Overloaded [overloaded_error]"),
                                     QStringLiteral("overloaded_error"))}
        << false;

    const auto rejectedRow = [](const char *name, const QByteArray &body, const QString &where,
                                const QString &message) {
        QTest::newRow(name) << body << QStringList{protocolError(where, message)} << false;
    };
    rejectedRow("missing content is a protocol error",
                QByteArrayLiteral(R"({"id":"msg_1","type":"message","role":"assistant","model":"m"})"),
                QStringLiteral("content"), QStringLiteral("response has no content array"));
    rejectedRow("content that is no array is a protocol error", QByteArrayLiteral(R"({"content":"Hi"})"),
                QStringLiteral("content"), QStringLiteral("response has no content array"));
    // "response byte N" is the zero-based offset of the byte the JSON parser stopped at.
    rejectedRow("malformed body names the byte the parser stopped at", QByteArrayLiteral(R"({"content": [})"),
                QStringLiteral("response byte 13"), QStringLiteral("malformed JSON response"));
    rejectedRow("truncated body names the end of the body", QByteArrayLiteral(R"({"content":[)"),
                QStringLiteral("response byte 12"), QStringLiteral("malformed JSON response"));
}

void AnthropicProtocolTest::decodesWholeMessageOnlyAtFinish()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const QString mismatch = wholeBodyMismatch(protocol(), sampleRequest(false), body, {events, complete});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void AnthropicProtocolTest::wholeAnswerToolInputIsTextInTheServersOrder()
{
    const QByteArray body = QByteArrayLiteral(
        "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_"
        "01D\","
        "\"name\":\"book\",\"input\":{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965}}],"
        "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":40,\"output_tokens\":20}}");
    const QString mismatch = wholeBodyMismatch(
        protocol(), structuredRequest(false), body,
        {{text(QStringLiteral("{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965}")),
          finish(QStringLiteral("tool_use")), usage(40, 20, -1)},
         true});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void AnthropicProtocolTest::httpErrorReadsAnthropicErrorBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("providerCode");

    QTest::newRow("529 overloaded")
        << 529
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})")
        << QStringLiteral("HTTP 529: Overloaded [overloaded_error]") << QStringLiteral("overloaded_error");
    QTest::newRow("401 bad key")
        << 401
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})")
        << QStringLiteral("HTTP 401: invalid x-api-key [authentication_error]")
        << QStringLiteral("authentication_error");
    QTest::newRow("400 missing max_tokens")
        << 400
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}})")
        << QStringLiteral("HTTP 400: max_tokens: Field required [invalid_request_error]")
        << QStringLiteral("invalid_request_error");
    QTest::newRow("404 unknown model")
        << 404
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"not_found_error","message":"model: claude-nope"}})")
        << QStringLiteral("HTTP 404: model: claude-nope [not_found_error]")
        << QStringLiteral("not_found_error");
    QTest::newRow("429 rate limit")
        << 429
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50 requests per minute."}})")
        << QStringLiteral(
               "HTTP 429: This request would exceed the rate limit for your organization of 50 requests per "
               "minute. [rate_limit_error]")
        << QStringLiteral("rate_limit_error");
    QTest::newRow("500 api error")
        << 500
        << QByteArrayLiteral(
               R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})")
        << QStringLiteral("HTTP 500: Internal server error [api_error]") << QStringLiteral("api_error");
    QTest::newRow("504 from a proxy, not JSON")
        << 504 << QByteArrayLiteral("<html><body>Gateway Timeout</body></html>")
        << QStringLiteral("HTTP 504: <html><body>Gateway Timeout</body></html>") << QString();
}

void AnthropicProtocolTest::httpErrorReadsAnthropicErrorBodies()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(QString, providerCode);

    const QString where = QStringLiteral("POST https://api.anthropic.com/v1/messages");
    const Lathe::Error error = protocol().httpError(status, body, where);
    QCOMPARE(error.message, message);
    QCOMPARE(error.code, ErrorCode::Http);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.where, where);
    QCOMPARE(error.providerCode, providerCode);
}

void AnthropicProtocolTest::simulatorHandlesOnlyPostV1MessagesAndCountTokens()
{
    const AnthropicSimulation simulation;
    QVERIFY(simulation.handles(httpPost("/v1/messages", {})));
    QVERIFY(simulation.handles(httpPost("/v1/messages?beta=true", {}))); // the SDK's beta client
    QVERIFY(simulation.handles(httpPost("/v1/messages/count_tokens", {})));
    QVERIFY(!simulation.handles(httpPost("/v1/chat/completions", {})));
    QVERIFY(!simulation.handles(httpPost("/messages", {})));
}

void AnthropicProtocolTest::simulatorReadsTheAdaptersRequest()
{
    ChatRequest request = sampleRequest(true);
    request.model = QStringLiteral("lathe-sim+tool-call");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("One")},
                        {QStringLiteral("user"), QStringLiteral("Two")},
                        {QStringLiteral("assistant"), QStringLiteral("Three")},
                        {QStringLiteral("user"), QStringLiteral("Four \u00E9")}};
    request.tools = {ToolDefinition{QStringLiteral("search_docs"), QString(), QByteArray()},
                     ToolDefinition{QStringLiteral("other"), QStringLiteral("d"), QByteArray()}};
    const OutgoingRequest outgoing =
        protocol().buildRequest(endpoint(QStringLiteral("http://127.0.0.1:1")), request);

    const auto parsed = AnthropicSimulation().parseRequest(httpPost("/v1/messages", outgoing.body));
    QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(parsed->model, QStringLiteral("lathe-sim"));
    QCOMPARE(parsed->faultSpec, QStringLiteral("tool-call"));
    QCOMPARE(parsed->maxTokens, std::optional<qint64>(4096));
    QVERIFY(parsed->stream);
    QCOMPARE(parsed->toolNames, (QStringList{QStringLiteral("search_docs"), QStringLiteral("other")}));
    // A merged turn's blocks come back as the messages the client wrote.
    QCOMPARE(parsed->messages.size(), request.messages.size());
    for (qsizetype i = 0; i < request.messages.size(); ++i) {
        QCOMPARE(parsed->messages[i].role, request.messages[i].role);
        QCOMPARE(parsed->messages[i].content, request.messages[i].content);
    }

    request.stream = false;
    const auto whole = AnthropicSimulation().parseRequest(
        httpPost("/v1/messages", protocol().buildRequest(endpoint(), request).body));
    QVERIFY(whole.has_value());
    QVERIFY(!whole->stream);
}

void AnthropicProtocolTest::simulatorReadsTheForcedAnswerTool()
{
    ChatRequest request = structuredRequest(true);
    request.tools = {ToolDefinition{QStringLiteral("lookup"), QString(), QByteArray()}};
    const auto parsed = AnthropicSimulation().parseRequest(
        httpPost("/v1/messages", protocol().buildRequest(endpoint(), request).body));
    QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(parsed->toolNames, (QStringList{QStringLiteral("lookup"), QStringLiteral("book")}));
    QCOMPARE(parsed->responseTool, QStringLiteral("book"));
    QVERIFY(parsed->responseSchema.has_value());
    QCOMPARE(jsonText(*parsed->responseSchema), responseSchemaOnTheWire());

    // Without tool_choice the model may answer in text: no answer is forced.
    request.responseFormat.reset();
    const auto free = AnthropicSimulation().parseRequest(
        httpPost("/v1/messages", protocol().buildRequest(endpoint(), request).body));
    QVERIFY(free.has_value());
    QVERIFY(!free->responseSchema.has_value());
    QVERIFY(free->responseTool.isEmpty());
}

void AnthropicProtocolTest::simulatorRejectsWhatTheRealApiRejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    QTest::newRow("no max_tokens") << QByteArrayLiteral(
                                          R"({"model":"m","messages":[{"role":"user","content":"Hi"}]})")
                                   << QStringLiteral("max_tokens: Field required");
    QTest::newRow("max_tokens zero")
        << QByteArrayLiteral(R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"Hi"}]})")
        << QStringLiteral("max_tokens: Input should be a valid integer greater than or equal to 1");
    QTest::newRow("no model") << QByteArrayLiteral(
                                     R"({"max_tokens":5,"messages":[{"role":"user","content":"Hi"}]})")
                              << QStringLiteral("model: Field required");
    QTest::newRow("system role in messages")
        << QByteArrayLiteral(
               R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"}]})")
        << QStringLiteral("messages.0.role: Input should be 'user' or 'assistant'");
    QTest::newRow("empty text block")
        << QByteArrayLiteral(
               R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]})")
        << QStringLiteral("messages.0.content.0: text content blocks must be non-empty");
    QTest::newRow("system of the wrong shape")
        << QByteArrayLiteral(
               R"({"model":"m","max_tokens":5,"system":42,"messages":[{"role":"user","content":"Hi"}]})")
        << QStringLiteral("system: Input should be a valid string or a list of content blocks");
    QTest::newRow("temperature above 1")
        << QByteArrayLiteral(
               R"({"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"Hi"}]})")
        << QStringLiteral("temperature: Input should be a number from 0 to 1");
    QTest::newRow("tool_choice naming no offered tool")
        << QByteArrayLiteral(
               "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
               "\"tools\":[{\"name\":\"a\",\"input_schema\":{\"type\":\"object\"}}],"
               "\"tool_choice\":{\"type\":\"tool\",\"name\":\"b\"}}")
        << QStringLiteral("tool_choice: Tool 'b' not found in tools");
    QTest::newRow("tool_choice without a name")
        << QByteArrayLiteral(
               "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
               "\"tools\":[{\"name\":\"a\",\"input_schema\":{\"type\":\"object\"}}],"
               "\"tool_choice\":{\"type\":\"tool\"}}")
        << QStringLiteral("tool_choice.name: Field required");
    QTest::newRow("forced tool without an input schema")
        << QByteArrayLiteral(
               "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
               "\"tools\":[{\"name\":\"a\"}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"a\"}}")
        << QStringLiteral("tools.0.input_schema: Field required");
    QTest::newRow("no messages") << QByteArrayLiteral(R"({"model":"m","max_tokens":5,"messages":[]})")
                                 << QStringLiteral("messages: at least one message is required");
}

void AnthropicProtocolTest::simulatorRejectsWhatTheRealApiRejects()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const auto parsed = AnthropicSimulation().parseRequest(httpPost("/v1/messages", body));
    QVERIFY(!parsed.has_value());
    QCOMPARE(parsed.error().message, message);
}

void AnthropicProtocolTest::simulatorErrorBodiesHaveAnthropicsShape_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");

    QTest::newRow("400") << 400 << QStringLiteral("invalid_request_error");
    QTest::newRow("401") << 401 << QStringLiteral("authentication_error");
    QTest::newRow("403") << 403 << QStringLiteral("permission_error");
    QTest::newRow("404") << 404 << QStringLiteral("not_found_error");
    QTest::newRow("413") << 413 << QStringLiteral("request_too_large");
    QTest::newRow("429") << 429 << QStringLiteral("rate_limit_error");
    QTest::newRow("500") << 500 << QStringLiteral("api_error");
    QTest::newRow("504") << 504 << QStringLiteral("timeout_error");
    QTest::newRow("529") << 529 << QStringLiteral("overloaded_error");
}

void AnthropicProtocolTest::simulatorErrorBodiesHaveAnthropicsShape()
{
    QFETCH(int, status);
    QFETCH(QString, type);

    const json body = AnthropicSimulation().errorBody(status, QStringLiteral("(detail)"));
    QCOMPARE(QString::fromStdString(body.at("type").get<std::string>()), QStringLiteral("error"));
    QCOMPARE(QString::fromStdString(body.at("error").at("type").get<std::string>()), type);
    const QString message = QString::fromStdString(body.at("error").at("message").get<std::string>());
    QVERIFY2(message.endsWith(QStringLiteral("(detail)")), qPrintable(message));

    // And the adapter reads it back as it reads the real service's.
    const Lathe::Error error =
        protocol().httpError(status, QByteArray::fromStdString(body.dump()), QString());
    QCOMPARE(error.message, QStringLiteral("HTTP %1: %2 [%3]").arg(status).arg(message, type));
    QCOMPARE(error.providerCode, type);
}

QTEST_APPLESS_MAIN(AnthropicProtocolTest)
#include "tst_anthropicprotocol.moc"
