// SPDX-License-Identifier: GPL-3.0-or-later
// GeminiProtocol: the request it writes (URL, key header, body) and how it reads Gemini's
// answers: recorded SSE transcripts in tests/data/transcripts/gemini, fed whole and in every
// chunking, whole (non-streamed) bodies, and HTTP error bodies.
#include <QByteArrayList>
#include <QDir>
#include <QFile>
#include <QStringList>
#include <QTest>
#include <QUrlQuery>

#include <nlohmann/json.hpp>

#include "Chunkings.h"
#include "DecoderRuns.h"
#include "OutgoingRequestParts.h"
#include "StreamEventLines.h"
#include "providers/ChatTypes.h"
#include "providers/GeminiProtocol.h"
#include "providers/ProviderProtocol.h"

using Lathe::ErrorCode;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::GeminiProtocol;
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

namespace
{

const QString kGoogle = QStringLiteral("https://generativelanguage.googleapis.com");

const ProviderProtocol &protocol()
{
    return Lathe::Providers::protocolFor(WireProtocol::Gemini);
}

ChatRequest sampleRequest(bool stream = true)
{
    ChatRequest request;
    request.model = QStringLiteral("gemini-2.5-flash");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")}};
    request.stream = stream;
    return request;
}

ProviderEndpoint endpoint(const QString &baseUrl, const QString &apiKey = {})
{
    ProviderEndpoint result;
    result.protocol = WireProtocol::Gemini;
    result.baseUrl = QUrl(baseUrl);
    result.apiKey = apiKey;
    return result;
}

QString transcriptDir()
{
    return QStringLiteral(LATHE_TEST_DATA "/transcripts/gemini");
}

QByteArray transcript(const QString &name)
{
    QFile file(transcriptDir() + QLatin1Char('/') + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read transcript %s", qPrintable(file.fileName()));
    return file.readAll();
}

// The expected decoding of every transcript file, by file name.
struct TranscriptCase
{
    QString file;
    QStringList events;
    bool complete = false;
};

QList<TranscriptCase> transcriptCases()
{
    QList<TranscriptCase> cases;
    cases.append(
        {QStringLiteral("text.sse"),
         {text(QStringLiteral("Hello")), usage(9, 1),
          text(QStringLiteral(", h\u00E9llo w\u00F6rld <b> \u20AC5 ")), usage(9, 8),
          text(QStringLiteral("\U0001F600 \u4F60\u597D\n")), finish(QStringLiteral("STOP")), usage(9, 14)},
         true});
    // Thoughts count as output (as OpenAI's reasoning tokens do) and as reasoning.
    cases.append({QStringLiteral("thinking.sse"),
                  {reasoning(QStringLiteral(
                       "**Identifying the capital**\n\nThe user asks for the capital of France.\n")),
                   usage(12, -1), text(QStringLiteral("Paris")), usage(12, 148, -1, 148),
                   text(QStringLiteral(" is the capital of France.")), finish(QStringLiteral("STOP")),
                   usage(12, 156, 4, 148)},
                  true});
    // Whole calls numbered in order across chunks; args objects as compact JSON (keys sorted:
    // a protobuf Struct has no order); a call without args has none.
    cases.append(
        {QStringLiteral("function_calls.sse"),
         {tool(0, QString(), QStringLiteral("get_weather"),
               QStringLiteral("{\"city\":\"Par\u00EDs\",\"unit\":\"celsius\"}")),
          tool(1, QString(), QStringLiteral("get_time"), QStringLiteral("{\"tz\":\"Europe/Paris\"}")),
          usage(88, 52, -1, 52),
          tool(2, QStringLiteral("call-7f3a"), QStringLiteral("list_files"), QStringLiteral("{}")),
          tool(3, QString(), QStringLiteral("ping"), QStringLiteral("{}")), finish(QStringLiteral("STOP")),
          usage(88, 93, -1, 52)},
         true});
    cases.append({QStringLiteral("max_tokens.sse"),
                  {text(QStringLiteral("Once upon a time")), usage(6, 4), text(QStringLiteral(" there was")),
                   finish(QStringLiteral("MAX_TOKENS")), usage(6, 6)},
                  true});
    cases.append(
        {QStringLiteral("safety.sse"),
         {text(QStringLiteral("Here is how")), usage(15, 3), finish(QStringLiteral("SAFETY")), usage(15, 3)},
         true});
    cases.append({QStringLiteral("blocked_prompt.sse"),
                  {usage(7, -1), providerError(QStringLiteral("stream byte 0"),
                                               QStringLiteral("the prompt was blocked: PROHIBITED_CONTENT"),
                                               QStringLiteral("PROHIBITED_CONTENT"))},
                  false});
    {
        const QByteArray bytes = transcript(QStringLiteral("error_after_200.sse"));
        cases.append(
            {QStringLiteral("error_after_200.sse"),
             {text(QStringLiteral("Partial")), usage(5, -1),
              providerError(streamByteOf(bytes, "data: {\"error\""),
                            QStringLiteral("The model is overloaded. Please try again later. [UNAVAILABLE]"),
                            QStringLiteral("UNAVAILABLE"))},
             false});
    }
    // The last event has no blank line after it: dropped, as the standard says, and the
    // finishReason in it never counts.
    cases.append({QStringLiteral("truncated.sse"),
                  {text(QStringLiteral("One")), usage(5, 1), text(QStringLiteral(" two")), usage(5, 2)},
                  false});
    {
        const QByteArray bytes = transcript(QStringLiteral("malformed.sse"));
        cases.append(
            {QStringLiteral("malformed.sse"),
             {text(QStringLiteral("A")), usage(5, 1),
              protocolError(
                  streamByteOf(bytes, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"B\""),
                  QStringLiteral("malformed JSON in stream event")),
              text(QStringLiteral("C")), finish(QStringLiteral("STOP")), usage(5, 3)},
             true});
    }
    // Two text parts in one chunk; the second candidate is ignored; an empty text part gives
    // no delta; a chunk without usageMetadata gives no usage.
    cases.append({QStringLiteral("lf_proxy.sse"),
                  {text(QStringLiteral("Line one\n")), text(QStringLiteral("line two")),
                   finish(QStringLiteral("STOP")), usage(4, 5)},
                  true});
    return cases;
}

} // namespace

class GeminiProtocolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protocolForGeminiIsTheGeminiProtocol();

    // buildRequest
    void urlNamesModelAndMethod_data();
    void urlNamesModelAndMethod();
    void apiKeyTravelsOnlyInTheGoogHeader_data();
    void apiKeyTravelsOnlyInTheGoogHeader();
    void headersAreJsonWithExtrasAndTheSseAcceptWhenStreaming();
    void bodyMapsRolesAndHoistsSystemMessages();
    void bodyMergesConsecutiveTurnsOfOneRoleAndSkipsEmptyMessages();
    void bodyHasGenerationConfigOnlyWhenSomethingIsSet();
    void bodyDeclaresToolsAsFunctionDeclarations();
    void responseFormatIsAJsonMimeTypeAndSchemaInGenerationConfig();

    // streaming decoder
    void everyTranscriptFileHasExpectations();
    void decodesStreamTranscript_data();
    void decodesStreamTranscript();
    void malformedStreamEventCarriesTheParserReason();
    void streamWithoutFinishReasonIsIncomplete();

    // non-streaming decoder
    void decodesWholeResponseOnlyAtFinish_data();
    void decodesWholeResponseOnlyAtFinish();

    // httpError
    void httpErrorReadsGooglesErrorObject_data();
    void httpErrorReadsGooglesErrorObject();
};

void GeminiProtocolTest::protocolForGeminiIsTheGeminiProtocol()
{
    const ProviderProtocol &first = protocol();
    QVERIFY(dynamic_cast<const GeminiProtocol *>(&first) != nullptr);
    QCOMPARE(&protocol(), &first);
    QVERIFY(&Lathe::Providers::protocolFor(WireProtocol::OpenAiChat) != &first);
}

void GeminiProtocolTest::urlNamesModelAndMethod_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("url"); // fully encoded

    const QString streamed = QStringLiteral("https://generativelanguage.googleapis.com/v1beta/models/"
                                            "gemini-2.5-flash:streamGenerateContent?alt=sse");
    const QString whole = QStringLiteral(
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    const QString flash = QStringLiteral("gemini-2.5-flash");

    QTest::newRow("streamed") << kGoogle << flash << true << streamed;
    QTest::newRow("not streamed: no alt") << kGoogle << flash << false << whole;
    QTest::newRow("trailing slashes") << kGoogle + QStringLiteral("//") << flash << true << streamed;
    QTest::newRow("models/ prefix is not doubled")
        << kGoogle << QStringLiteral("models/gemini-2.5-flash") << true << streamed;
    QTest::newRow("tuned model keeps its collection")
        << kGoogle << QStringLiteral("tunedModels/my-model-42") << false
        << QStringLiteral(
               "https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-42:generateContent");
    QTest::newRow("model id is one encoded segment")
        << kGoogle << QStringLiteral("a+b/c?d#e%f:g caf\u00E9") << false
        << QStringLiteral("https://generativelanguage.googleapis.com/v1beta/models/"
                          "a%2Bb%2Fc%3Fd%23e%25f%3Ag%20caf%C3%A9:generateContent");
    QTest::newRow("proxy path and port are kept")
        << QStringLiteral("http://127.0.0.1:8080/google/") << flash << true
        << QStringLiteral(
               "http://127.0.0.1:8080/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    QTest::newRow("proxy path with an encoded character stays encoded once")
        << QStringLiteral("http://proxy.test/a%20b") << flash << false
        << QStringLiteral("http://proxy.test/a%20b/v1beta/models/gemini-2.5-flash:generateContent");
    QTest::newRow("base query is kept, alt replaced")
        << QStringLiteral("https://gateway.test/gemini?tenant=7&alt=json") << flash << true
        << QStringLiteral("https://gateway.test/gemini/v1beta/models/"
                          "gemini-2.5-flash:streamGenerateContent?tenant=7&alt=sse");
}

void GeminiProtocolTest::urlNamesModelAndMethod()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, url);

    ChatRequest request = sampleRequest(stream);
    request.model = model;
    const OutgoingRequest outgoing = protocol().buildRequest(endpoint(baseUrl), request);
    QVERIFY(outgoing.url.isValid());
    QCOMPARE(QString::fromLatin1(outgoing.url.toEncoded()), url);
    // The model is in the URL only, never in the body.
    QVERIFY(!bodyOf(outgoing).contains("model"));
}

void GeminiProtocolTest::apiKeyTravelsOnlyInTheGoogHeader_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<bool>("stream");

    QTest::newRow("Google, streamed") << kGoogle << true;
    QTest::newRow("Google, not streamed") << kGoogle << false;
    QTest::newRow("gateway with its own query") << QStringLiteral("https://gateway.test/g?tenant=7") << true;
}

void GeminiProtocolTest::apiKeyTravelsOnlyInTheGoogHeader()
{
    QFETCH(QString, baseUrl);
    QFETCH(bool, stream);

    const QString key = QStringLiteral("AIzaSyD-TEST_key_0123456789abcdef");
    const OutgoingRequest request = protocol().buildRequest(endpoint(baseUrl, key), sampleRequest(stream));

    QCOMPARE(headerValues(request, "x-goog-api-key"), QByteArrayList{key.toUtf8()});
    QCOMPARE(headerValues(request, "Authorization"), QByteArrayList{});
    // Not in the URL in any spelling, nor as a `key` query parameter, nor in the body.
    for (const QString &url : {request.url.toString(), QString::fromLatin1(request.url.toEncoded()),
                               request.url.toDisplayString()}) {
        QVERIFY2(!url.contains(key), qPrintable(url));
        QVERIFY2(!url.contains(QStringLiteral("AIza")), qPrintable(url));
    }
    QVERIFY(!QUrlQuery(request.url).hasQueryItem(QStringLiteral("key")));
    QVERIFY(!request.body.contains(key.toUtf8()));

    // No key: no credentials header at all.
    const OutgoingRequest anonymous = protocol().buildRequest(endpoint(baseUrl), sampleRequest(stream));
    QCOMPARE(headerValues(anonymous, "x-goog-api-key"), QByteArrayList{});
    QCOMPARE(anonymous.url, request.url);

    // An endpoint may name another header (e.g. a gateway's); the key is still not in the URL.
    ProviderEndpoint gateway = endpoint(baseUrl, key);
    gateway.apiKeyHeader = "Authorization";
    const OutgoingRequest viaGateway = protocol().buildRequest(gateway, sampleRequest(stream));
    QCOMPARE(headerValues(viaGateway, "Authorization"), QByteArrayList{"Bearer " + key.toUtf8()});
    QCOMPARE(headerValues(viaGateway, "x-goog-api-key"), QByteArrayList{});
    QVERIFY(!viaGateway.url.toString().contains(key));
}

void GeminiProtocolTest::headersAreJsonWithExtrasAndTheSseAcceptWhenStreaming()
{
    for (const bool stream : {true, false}) {
        ProviderEndpoint withExtras = endpoint(kGoogle);
        withExtras.extraHeaders = {{"x-goog-user-project", "my-project"}};
        const OutgoingRequest request = protocol().buildRequest(withExtras, sampleRequest(stream));
        QCOMPARE(headerValues(request, "Content-Type"), QByteArrayList{"application/json"});
        QCOMPARE(headerValues(request, "Accept"),
                 QByteArrayList{stream ? "text/event-stream" : "application/json"});
        QCOMPARE(headerValues(request, "x-goog-user-project"), QByteArrayList{"my-project"});
    }
}

void GeminiProtocolTest::bodyMapsRolesAndHoistsSystemMessages()
{
    ChatRequest request = sampleRequest();
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")},
                        {QStringLiteral("assistant"), QStringLiteral("h\u00E9llo")},
                        {QStringLiteral("system"), QStringLiteral("Now in French.")},
                        {QStringLiteral("user"), QStringLiteral("Again")}};
    const nlohmann::json body = bodyOf(protocol().buildRequest(endpoint(kGoogle), request));

    const auto expectedContents = nlohmann::json::parse(
        R"([{"role":"user","parts":[{"text":"Say \"h\u00e9llo\"\nin one line"}]},
            {"role":"model","parts":[{"text":"h\u00e9llo"}]},
            {"role":"user","parts":[{"text":"Again"}]}])");
    QCOMPARE(jsonText(body.at("contents")), jsonText(expectedContents));
    // Every system message, in order, one part each; none is left among the contents.
    const auto expectedSystem =
        nlohmann::json::parse(R"({"parts":[{"text":"Be brief."},{"text":"Now in French."}]})");
    QCOMPARE(jsonText(body.at("systemInstruction")), jsonText(expectedSystem));
    QVERIFY(!body.contains("system_instruction"));
    QVERIFY(!body.contains("stream"));

    // No system message: no systemInstruction.
    request.messages = {{QStringLiteral("user"), QStringLiteral("Hi")}};
    QVERIFY(!bodyOf(protocol().buildRequest(endpoint(kGoogle), request)).contains("systemInstruction"));
}

void GeminiProtocolTest::bodyMergesConsecutiveTurnsOfOneRoleAndSkipsEmptyMessages()
{
    ChatRequest request = sampleRequest();
    request.messages = {{QStringLiteral("user"), QStringLiteral("one")},
                        {QStringLiteral("user"), QStringLiteral("two")},
                        {QStringLiteral("system"), QStringLiteral("between")},
                        {QStringLiteral("user"), QStringLiteral("three")},
                        {QStringLiteral("assistant"), QStringLiteral("")},
                        {QStringLiteral("user"), QStringLiteral("four")},
                        {QStringLiteral("assistant"), QStringLiteral("a")},
                        {QStringLiteral("assistant"), QStringLiteral("b")}};
    const nlohmann::json body = bodyOf(protocol().buildRequest(endpoint(kGoogle), request));
    const auto expected = nlohmann::json::parse(
        R"([{"role":"user","parts":[{"text":"one"},{"text":"two"},{"text":"three"},{"text":"four"}]},
            {"role":"model","parts":[{"text":"a"},{"text":"b"}]}])");
    QCOMPARE(jsonText(body.at("contents")), jsonText(expected));
}

void GeminiProtocolTest::bodyHasGenerationConfigOnlyWhenSomethingIsSet()
{
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(endpoint(kGoogle), request)).contains("generationConfig"));

    request.temperature = 0.0; // zero is a setting, not "unset"
    nlohmann::json body = bodyOf(protocol().buildRequest(endpoint(kGoogle), request));
    QCOMPARE(jsonText(body.at("generationConfig")), QStringLiteral("{\"temperature\":0.0}"));

    request.temperature = 0.7;
    request.maxOutputTokens = 256;
    body = bodyOf(protocol().buildRequest(endpoint(kGoogle), request));
    QCOMPARE(body.at("generationConfig").at("temperature").get<double>(), 0.7);
    QCOMPARE(body.at("generationConfig").at("maxOutputTokens").get<int>(), 256);
    QCOMPARE(body.at("generationConfig").size(), std::size_t(2));
    // Not OpenAI's names.
    QVERIFY(!body.contains("max_tokens"));
    QVERIFY(!body.contains("temperature"));

    request.temperature.reset();
    body = bodyOf(protocol().buildRequest(endpoint(kGoogle), request));
    QCOMPARE(jsonText(body.at("generationConfig")), QStringLiteral("{\"maxOutputTokens\":256}"));
}

void GeminiProtocolTest::bodyDeclaresToolsAsFunctionDeclarations()
{
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(endpoint(kGoogle), request)).contains("tools"));

    request.tools = {
        ToolDefinition{
            QStringLiteral("get_weather"), QStringLiteral("Current weather in a city"),
            QByteArrayLiteral(
                R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")},
        ToolDefinition{QStringLiteral("ping"), QString(), QByteArray()}};
    const nlohmann::json body = bodyOf(protocol().buildRequest(endpoint(kGoogle), request));
    const auto expected = nlohmann::json::parse(R"([{"functionDeclarations":[
        {"name":"get_weather","description":"Current weather in a city",
         "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
        {"name":"ping","parameters":{"type":"object","properties":{}}}]}])");
    QCOMPARE(jsonText(body.at("tools")), jsonText(expected));
}

void GeminiProtocolTest::responseFormatIsAJsonMimeTypeAndSchemaInGenerationConfig()
{
    ChatRequest request = sampleRequest();
    request.responseFormat = ResponseFormat{responseSchemaAsWritten(), QStringLiteral("book"), true};
    const QString format =
        QStringLiteral("\"responseMimeType\":\"application/json\",\"responseJsonSchema\":%1")
            .arg(responseSchemaOnTheWire());
    QCOMPARE(
        jsonText(orderedBodyOf(protocol().buildRequest(endpoint(kGoogle), request)).at("generationConfig")),
        QLatin1Char('{') + format + QLatin1Char('}'));

    request.temperature = 0.5;
    request.maxOutputTokens = 100;
    QCOMPARE(
        jsonText(orderedBodyOf(protocol().buildRequest(endpoint(kGoogle), request)).at("generationConfig")),
        QStringLiteral("{\"maxOutputTokens\":100,\"temperature\":0.5,") + format + QLatin1Char('}'));

    // countTokens counts the prompt, which the generation settings are not part of.
    const OutgoingRequest counted =
        static_cast<const GeminiProtocol &>(protocol()).buildCountTokensRequest(endpoint(kGoogle), request);
    QVERIFY(!bodyOf(counted).at("generateContentRequest").contains("generationConfig"));
}

void GeminiProtocolTest::everyTranscriptFileHasExpectations()
{
    const QStringList files =
        QDir(transcriptDir()).entryList({QStringLiteral("*.sse")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 10, qPrintable(files.join(QLatin1Char(','))));
    QStringList expected;
    for (const TranscriptCase &c : transcriptCases())
        expected.append(c.file);
    expected.sort();
    QCOMPARE(files, expected);
}

void GeminiProtocolTest::decodesStreamTranscript_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    for (const TranscriptCase &c : transcriptCases())
        QTest::newRow(qPrintable(c.file)) << transcript(c.file) << c.events << c.complete;
}

void GeminiProtocolTest::decodesStreamTranscript()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const DecodedResponse whole = decodeChunks(protocol(), sampleRequest(true), {bytes});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);

    // Byte at a time, every split point and random chunkings (fixed seed) of up to 63 bytes.
    const QString mismatch =
        chunkingMismatch(bytes,
                         [](const QByteArrayList &chunks) {
                             return decodeChunks(protocol(), sampleRequest(true), chunks).toString();
                         },
                         {.maxRandomChunk = 63});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QCOMPARE(decodeChunks(protocol(), sampleRequest(true), fixedSizeChunks(bytes, 1)).toString(),
             whole.toString());
}

void GeminiProtocolTest::malformedStreamEventCarriesTheParserReason()
{
    const auto decoder = protocol().createDecoder(sampleRequest(true));
    QList<StreamEvent> out;
    decoder->feed(QByteArrayLiteral("\r\n\r\ndata: {\"candidates\":\r\n\r\n"), out);
    QCOMPARE(out.size(), qsizetype(1));
    QCOMPARE(out[0].kind, Kind::Error);
    QCOMPARE(out[0].error.code, ErrorCode::Protocol);
    QVERIFY2(out[0].error.message.startsWith(QStringLiteral("malformed JSON in stream event: ")),
             qPrintable(out[0].error.message));
    QVERIFY(out[0].error.message.size() > 32); // carries the parser's reason
    QCOMPARE(out[0].error.where, QStringLiteral("stream byte 4"));
    QVERIFY(!decoder->isComplete());
}

void GeminiProtocolTest::streamWithoutFinishReasonIsIncomplete()
{
    // Text and usage but no finishReason: Gemini has no other end marker, so the body ending
    // cleanly here is still a truncated answer.
    const QByteArray bytes =
        QByteArrayLiteral("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}],\"role\": "
                          "\"model\"},\"index\": 0}],"
                          "\"usageMetadata\": {\"promptTokenCount\": 2,\"candidatesTokenCount\": "
                          "1,\"totalTokenCount\": 3}}\r\n\r\n");
    const DecodedResponse decoded = decodeChunks(protocol(), sampleRequest(true), {bytes});
    QCOMPARE(decoded.events, (QStringList{text(QStringLiteral("Hi")), usage(2, 1)}));
    QVERIFY(!decoded.complete);

    // An empty body is no answer either.
    QVERIFY(!decodeChunks(protocol(), sampleRequest(true), {}).complete);
}

void GeminiProtocolTest::decodesWholeResponseOnlyAtFinish_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("generateContent with usage, as Google formats it")
        << QByteArrayLiteral(R"({
  "candidates": [
    {
      "content": {
        "parts": [
          {
            "text": "Hello there.\nH\u00e9 \ud83d\ude00"
          }
        ],
        "role": "model"
      },
      "finishReason": "STOP",
      "avgLogprobs": -0.123,
      "index": 0
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 19,
    "candidatesTokenCount": 10,
    "totalTokenCount": 29,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 19
      }
    ]
  },
  "modelVersion": "gemini-2.0-flash",
  "responseId": "wHFmaPm0N8Gnz7IP4I2z8Qk"
}
)")
        << QStringList{text(QStringLiteral("Hello there.\nH\u00E9 \U0001F600")),
                       finish(QStringLiteral("STOP")), usage(19, 10)}
        << true;
    QTest::newRow("thought summary, text and a function call")
        << QByteArrayLiteral(
               R"({"candidates": [{"content": {"parts": [{"text": "Thinking about it","thought": true},{"thoughtSignature": "CiIB"},{"text": "Let me look."},{"functionCall": {"name": "lookup","args": {"query": "caf\u00e9","limit": 3}}}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 30,"candidatesTokenCount": 12,"totalTokenCount": 62,"thoughtsTokenCount": 20,"cachedContentTokenCount": 16}})")
        << QStringList{reasoning(QStringLiteral("Thinking about it")), text(QStringLiteral("Let me look.")),
                       tool(0, QString(), QStringLiteral("lookup"),
                            QStringLiteral("{\"limit\":3,\"query\":\"caf\u00E9\"}")),
                       finish(QStringLiteral("STOP")), usage(30, 32, 16, 20)}
        << true;
    QTest::newRow("max tokens")
        << QByteArrayLiteral(
               R"({"candidates": [{"content": {"parts": [{"text": "Once"}],"role": "model"},"finishReason": "MAX_TOKENS","index": 0}],"usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 1,"totalTokenCount": 4}})")
        << QStringList{text(QStringLiteral("Once")), finish(QStringLiteral("MAX_TOKENS")), usage(3, 1)}
        << true;
    QTest::newRow("blocked prompt is a provider error naming the reason")
        << QByteArrayLiteral(
               R"({"promptFeedback": {"blockReason": "SAFETY","blockReasonMessage": "Blocked for safety","safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT","probability": "HIGH"}]},"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8}})")
        << QStringList{usage(8, -1),
                       providerError(QStringLiteral("promptFeedback.blockReason"),
                                     QStringLiteral("the prompt was blocked: SAFETY (Blocked for safety)"),
                                     QStringLiteral("SAFETY"))}
        << false;
    QTest::newRow("error object is a provider error with the status word")
        << QByteArrayLiteral(
               R"({"error": {"code": 500,"message": "An internal error has occurred.","status": "INTERNAL"}})")
        << QStringList{providerError(QString(), QStringLiteral("An internal error has occurred. [INTERNAL]"),
                                     QStringLiteral("INTERNAL"))}
        << false;

    // A body the decoder rejects gives one protocol error naming where, and is never complete.
    const auto rejectedRow = [](const char *name, const QByteArray &body, const QString &where,
                                const QString &message) {
        QTest::newRow(name) << body << QStringList{protocolError(where, message)} << false;
    };
    rejectedRow("no candidates is a protocol error",
                QByteArrayLiteral(R"({"modelVersion": "gemini-2.0-flash"})"), QStringLiteral("candidates"),
                QStringLiteral("response has no candidates"));
    rejectedRow("empty candidates is a protocol error", QByteArrayLiteral(R"({"candidates": []})"),
                QStringLiteral("candidates"), QStringLiteral("response has no candidates"));
    // "response byte N" is the zero-based offset of the byte the JSON parser stopped at.
    rejectedRow("malformed body names the byte the parser stopped at",
                QByteArrayLiteral(R"({"candidates": [})"), QStringLiteral("response byte 16"),
                QStringLiteral("malformed JSON response"));
    rejectedRow("truncated body names the end of the body", QByteArrayLiteral(R"({"candidates":[)"),
                QStringLiteral("response byte 15"), QStringLiteral("malformed JSON response"));
    rejectedRow("an SSE body where JSON was expected", QByteArrayLiteral("data: {}\r\n\r\n"),
                QStringLiteral("response byte 0"), QStringLiteral("malformed JSON response"));
}

void GeminiProtocolTest::decodesWholeResponseOnlyAtFinish()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const QString mismatch = wholeBodyMismatch(protocol(), sampleRequest(false), body, {events, complete});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void GeminiProtocolTest::httpErrorReadsGooglesErrorObject_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("providerCode");

    QTest::newRow("429 quota with RetryInfo")
        << 429 << QByteArrayLiteral(R"({
  "error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": [
          {
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
          }
        ]
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [{"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]
      },
      {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": "22s"
      }
    ]
  }
}
)")
        << QStringLiteral(
               "HTTP 429: You exceeded your current quota, please check your plan and billing details. "
               "[RESOURCE_EXHAUSTED] (retry in 22s)")
        << QStringLiteral("RESOURCE_EXHAUSTED");
    QTest::newRow("400 invalid key")
        << 400
        << QByteArrayLiteral(
               R"({"error": {"code": 400,"message": "API key not valid. Please pass a valid API key.","status": "INVALID_ARGUMENT","details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo","reason": "API_KEY_INVALID","domain": "googleapis.com"}]}})")
        << QStringLiteral("HTTP 400: API key not valid. Please pass a valid API key. [INVALID_ARGUMENT]")
        << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("503 overloaded")
        << 503
        << QByteArrayLiteral(
               R"({"error": {"code": 503,"message": "The model is overloaded. Please try again later.","status": "UNAVAILABLE"}})")
        << QStringLiteral("HTTP 503: The model is overloaded. Please try again later. [UNAVAILABLE]")
        << QStringLiteral("UNAVAILABLE");
    QTest::newRow("404 unknown model")
        << 404
        << QByteArrayLiteral(
               R"({"error": {"code": 404,"message": "models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.","status": "NOT_FOUND"}})")
        << QStringLiteral(
               "HTTP 404: models/gemini-9 is not found for API version v1beta, or is not supported for "
               "generateContent. [NOT_FOUND]")
        << QStringLiteral("NOT_FOUND");
    QTest::newRow("error wrapped in an array (JSON-array stream)")
        << 403
        << QByteArrayLiteral(
               R"([{"error": {"code": 403,"message": "Permission denied.","status": "PERMISSION_DENIED"}}])")
        << QStringLiteral("HTTP 403: Permission denied. [PERMISSION_DENIED]")
        << QStringLiteral("PERMISSION_DENIED");
    QTest::newRow("no status word") << 500
                                    << QByteArrayLiteral(R"({"error": {"code": 500,"message": "boom"}})")
                                    << QStringLiteral("HTTP 500: boom") << QString();
    QTest::newRow("HTML from a proxy falls back to the quoted body")
        << 502 << QByteArrayLiteral("<html><body>Bad gateway</body></html>")
        << QStringLiteral("HTTP 502: <html><body>Bad gateway</body></html>") << QString();
    QTest::newRow("empty body falls back to the status text")
        << 504 << QByteArray() << QStringLiteral("HTTP 504: Gateway Timeout") << QString();
}

void GeminiProtocolTest::httpErrorReadsGooglesErrorObject()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(QString, providerCode);

    const QString where =
        QStringLiteral("POST https://generativelanguage.googleapis.com/v1beta/models/x:generateContent");
    const Lathe::Error error = protocol().httpError(status, body, where);
    QCOMPARE(error.message, message);
    QCOMPARE(error.code, ErrorCode::Http);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.where, where);
    QCOMPARE(error.providerCode, providerCode);
}

QTEST_APPLESS_MAIN(GeminiProtocolTest)
#include "tst_geminiprotocol.moc"
