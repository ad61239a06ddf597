// SPDX-License-Identifier: GPL-3.0-or-later
// Ollama's native chat API: the request it is sent and the NDJSON (or whole) answers it gives,
// decoded from transcripts in tests/data/transcripts/ollama shaped as Ollama writes them
// (docs.ollama.com/api/chat and /api/errors, protocols.md §9), fed whole, a byte at a time, split
// at every byte and in random chunkings.
#include <QByteArrayList>
#include <QFile>
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "Chunkings.h"
#include "DecoderRuns.h"
#include "OutgoingRequestParts.h"
#include "StreamEventLines.h"
#include "http/NdjsonParser.h"
#include "providers/ChatTypes.h"
#include "providers/OllamaProtocol.h"
#include "providers/ProviderProtocol.h"

using Lathe::ErrorCode;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::OllamaProtocol;
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

const ProviderProtocol &protocol()
{
    return Lathe::Providers::protocolFor(WireProtocol::Ollama);
}

ChatRequest sampleRequest(bool stream = true)
{
    ChatRequest request;
    request.model = QStringLiteral("llama3.2");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")},
                        {QStringLiteral("assistant"), QStringLiteral("h\u00E9llo")},
                        {QStringLiteral("system"), QStringLiteral("Now in French.")}};
    request.stream = stream;
    return request;
}

ProviderEndpoint endpoint(const QString &baseUrl, const QString &apiKey = {})
{
    ProviderEndpoint result;
    result.protocol = WireProtocol::Ollama;
    result.baseUrl = QUrl(baseUrl);
    result.apiKey = apiKey;
    return result;
}

ProviderEndpoint local()
{
    return endpoint(QStringLiteral("http://localhost:11434"));
}

QByteArray transcript(const char *name)
{
    QFile file(QString::fromUtf8(LATHE_TEST_DATA "/transcripts/ollama/") + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read transcript %s: %s", name, qPrintable(file.errorString()));
    return file.readAll();
}

} // namespace

class OllamaProtocolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protocolForReturnsTheOllamaProtocol();

    // buildRequest
    void urlAppendsApiChatToBaseUrl_data();
    void urlAppendsApiChatToBaseUrl();
    void headersCarryJsonAndABearerKeyOnlyWhenSet_data();
    void headersCarryJsonAndABearerKeyOnlyWhenSet();
    void bodyKeepsSystemMessagesInPlace();
    void bodyAlwaysSaysWhetherToStream();
    void bodyPutsSamplingInOptions_data();
    void bodyPutsSamplingInOptions();
    void bodyListsToolsAsFunctions();
    void responseFormatIsTheSchemaAsFormat();

    // streamed answers
    void decodesStreamTranscript_data();
    void decodesStreamTranscript();
    void malformedLineNamesItsLineAndTheByteThePaserStoppedAt();
    void overlongLineIsOneProtocolError();

    // whole answers
    void decodesWholeResponseOnlyAtFinish_data();
    void decodesWholeResponseOnlyAtFinish();

    // HTTP errors
    void httpErrorReadsOllamasErrorString_data();
    void httpErrorReadsOllamasErrorString();
};

void OllamaProtocolTest::protocolForReturnsTheOllamaProtocol()
{
    const ProviderProtocol &first = protocol();
    QVERIFY(dynamic_cast<const OllamaProtocol *>(&first) != nullptr);
    QCOMPARE(&protocol(), &first);
    QVERIFY(&first != &Lathe::Providers::protocolFor(WireProtocol::OpenAiChat));
}

void OllamaProtocolTest::urlAppendsApiChatToBaseUrl_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("url");

    // The official clients take the server root and add /api/chat to it.
    QTest::newRow("default local server")
        << QStringLiteral("http://localhost:11434") << QStringLiteral("http://localhost:11434/api/chat");
    QTest::newRow("trailing slash") << QStringLiteral("http://127.0.0.1:11434/")
                                    << QStringLiteral("http://127.0.0.1:11434/api/chat");
    QTest::newRow("ollama.com cloud")
        << QStringLiteral("https://ollama.com") << QStringLiteral("https://ollama.com/api/chat");
    QTest::newRow("behind a proxy path") << QStringLiteral("https://gpu-box.lan/ollama/")
                                         << QStringLiteral("https://gpu-box.lan/ollama/api/chat");
}

void OllamaProtocolTest::urlAppendsApiChatToBaseUrl()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, url);

    for (const bool stream : {true, false})
        QCOMPARE(protocol().buildRequest(endpoint(baseUrl), sampleRequest(stream)).url.toString(), url);
}

void OllamaProtocolTest::headersCarryJsonAndABearerKeyOnlyWhenSet_data()
{
    QTest::addColumn<QString>("apiKey");
    QTest::addColumn<QByteArray>("apiKeyHeader");
    QTest::addColumn<QByteArray>("credentialHeader"); // the header a log must redact
    QTest::addColumn<QByteArrayList>("credential");

    QTest::newRow("local server: no key, no credentials")
        << QString() << QByteArray() << QByteArray("Authorization") << QByteArrayList{};
    QTest::newRow("ollama.com: Bearer key")
        << QStringLiteral("olk-test-123") << QByteArray() << QByteArray("Authorization")
        << QByteArrayList{"Bearer olk-test-123"};
    QTest::newRow("a proxy's own header takes the key as it is")
        << QStringLiteral("proxy-key") << QByteArray("X-Api-Key") << QByteArray("X-Api-Key")
        << QByteArrayList{"proxy-key"};
}

void OllamaProtocolTest::headersCarryJsonAndABearerKeyOnlyWhenSet()
{
    QFETCH(QString, apiKey);
    QFETCH(QByteArray, apiKeyHeader);
    QFETCH(QByteArray, credentialHeader);
    QFETCH(QByteArrayList, credential);

    for (const bool stream : {true, false}) {
        ProviderEndpoint target = endpoint(QStringLiteral("https://ollama.com"), apiKey);
        target.apiKeyHeader = apiKeyHeader;
        target.extraHeaders = {{"X-Trace", "t1"}};
        const OutgoingRequest request = protocol().buildRequest(target, sampleRequest(stream));
        QCOMPARE(headerValues(request, "Content-Type"), QByteArrayList{"application/json"});
        QCOMPARE(headerValues(request, "Accept"), QByteArrayList{"application/json"});
        QCOMPARE(headerValues(request, credentialHeader), credential);
        if (credentialHeader != "Authorization")
            QCOMPARE(headerValues(request, "Authorization"), QByteArrayList{});
        QCOMPARE(headerValues(request, "X-Trace"), QByteArrayList{"t1"});
        QVERIFY(!request.body.contains("olk-test-123"));
        QVERIFY(!request.url.toString().contains(QStringLiteral("olk-test-123")));
    }
}

void OllamaProtocolTest::bodyKeepsSystemMessagesInPlace()
{
    const nlohmann::json body = bodyOf(protocol().buildRequest(local(), sampleRequest()));

    QCOMPARE(jsonText(body.at("model")), QStringLiteral("\"llama3.2\""));
    // Ollama has no separate system field: system messages stay where they are, role "system".
    const nlohmann::json expected = nlohmann::json::parse(
        R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Say \"h\u00e9llo\"\nin one line"},)"
        R"({"role":"assistant","content":"h\u00e9llo"},{"role":"system","content":"Now in French."}])");
    QCOMPARE(jsonText(body.at("messages")), jsonText(expected));
    QVERIFY(!body.contains("system"));
}

void OllamaProtocolTest::bodyAlwaysSaysWhetherToStream()
{
    // Ollama streams when `stream` is absent, so false must be written out too.
    QCOMPARE(
        jsonText(
            bodyOf(protocol().buildRequest(local(), sampleRequest(true))).value("stream", nlohmann::json())),
        QStringLiteral("true"));
    QCOMPARE(
        jsonText(
            bodyOf(protocol().buildRequest(local(), sampleRequest(false))).value("stream", nlohmann::json())),
        QStringLiteral("false"));
    // And none of OpenAI's streaming fields.
    QVERIFY(!bodyOf(protocol().buildRequest(local(), sampleRequest(true))).contains("stream_options"));
}

void OllamaProtocolTest::bodyPutsSamplingInOptions_data()
{
    QTest::addColumn<double>("temperature"); // < 0: not set
    QTest::addColumn<int>("maxTokens");      // < 0: not set
    QTest::addColumn<QString>("options");    // empty: the body must have no options at all

    QTest::newRow("neither") << -1.0 << -1 << QString();
    QTest::newRow("temperature") << 0.25 << -1 << QStringLiteral("{\"temperature\":0.25}");
    QTest::newRow("max tokens is num_predict") << -1.0 << 128 << QStringLiteral("{\"num_predict\":128}");
    QTest::newRow("both") << 0.0 << 1 << QStringLiteral("{\"num_predict\":1,\"temperature\":0.0}");
}

void OllamaProtocolTest::bodyPutsSamplingInOptions()
{
    QFETCH(double, temperature);
    QFETCH(int, maxTokens);
    QFETCH(QString, options);

    ChatRequest request = sampleRequest();
    if (temperature >= 0)
        request.temperature = temperature;
    if (maxTokens >= 0)
        request.maxOutputTokens = maxTokens;
    const nlohmann::json body = bodyOf(protocol().buildRequest(local(), request));
    if (options.isEmpty())
        QVERIFY(!body.contains("options"));
    else
        QCOMPARE(jsonText(body.at("options")), options);
    // Not at the top level, where OpenAI has them.
    for (const char *misplaced : {"temperature", "max_tokens", "max_completion_tokens", "num_predict"})
        QVERIFY2(!body.contains(misplaced), misplaced);
}

void OllamaProtocolTest::bodyListsToolsAsFunctions()
{
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(local(), request)).contains("tools"));

    request.tools = {
        ToolDefinition{QStringLiteral("get_weather"), QStringLiteral("Weather in a city"),
                       QByteArrayLiteral(R"({"type":"object","properties":{"city":{"type":"string"}},)"
                                         R"("required":["city"]})")},
        ToolDefinition{QStringLiteral("now"), QString(), QByteArray()}};
    const nlohmann::json body = bodyOf(protocol().buildRequest(local(), request));
    const nlohmann::json expected = nlohmann::json::parse(
        R"([{"type":"function","function":{"name":"get_weather","description":"Weather in a city",)"
        R"("parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},)"
        R"({"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}])");
    QCOMPARE(jsonText(body.at("tools")), jsonText(expected));
}

void OllamaProtocolTest::responseFormatIsTheSchemaAsFormat()
{
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(local(), request)).contains("format"));

    request.responseFormat = ResponseFormat{responseSchemaAsWritten(), QStringLiteral("book"), true};
    QCOMPARE(jsonText(orderedBodyOf(protocol().buildRequest(local(), request)).at("format")),
             responseSchemaOnTheWire());
}

void OllamaProtocolTest::decodesStreamTranscript_data()
{
    QTest::addColumn<QByteArray>("transcript");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("text.ndjson")
        << transcript("text.ndjson")
        << QStringList{text(QStringLiteral("The")),           text(QStringLiteral(" caf\u00E9")),
                       text(QStringLiteral(" costs")),        text(QStringLiteral(" \u20AC5")),
                       text(QStringLiteral(" \U0001F600\n")), text(QStringLiteral("\"Done\".")),
                       finish(QStringLiteral("stop")),        usage(26, 6)}
        << true;
    QTest::newRow("thinking.ndjson") << transcript("thinking.ndjson")
                                     << QStringList{reasoning(QStringLiteral("Okay")),
                                                    reasoning(QStringLiteral(", the user")),
                                                    reasoning(QStringLiteral(" wants 2+2.")),
                                                    text(QStringLiteral("2 + 2")),
                                                    text(QStringLiteral(" = 4.")),
                                                    finish(QStringLiteral("stop")),
                                                    usage(14, 5)}
                                     << true;
    // Whole calls, arguments turned from objects into compact JSON text; indexes count calls
    // across the stream, whatever `function.index` says; Ollama says "stop" after tool calls.
    QTest::newRow("tool-calls.ndjson")
        << transcript("tool-calls.ndjson")
        << QStringList{reasoning(QStringLiteral("I need the weather and the time.")),
                       tool(0, QStringLiteral("call_x7k2m9qa"), QStringLiteral("get_weather"),
                            QStringLiteral("{\"city\":\"Par\u00EDs\",\"unit\":\"celsius\"}")),
                       tool(1, QStringLiteral("call_p3n8d1zw"), QStringLiteral("get_time"),
                            QStringLiteral("{\"tz\":\"Europe/Paris\"}")),
                       tool(2, QString(), QStringLiteral("search"),
                            QStringLiteral("{\"filters\":{\"tags\":[\"a\",\"b\"]},\"limit\":3,\"query\":\"x "
                                           "\\\"y\\\"\"}")),
                       finish(QStringLiteral("stop")),
                       usage(180, 61)}
        << true;
    // The prompt came from the KV cache: Ollama leaves the zero prompt_eval_count out.
    QTest::newRow("length.ndjson") << transcript("length.ndjson")
                                   << QStringList{text(QStringLiteral("Once")), text(QStringLiteral(" upon")),
                                                  text(QStringLiteral(" a")),
                                                  finish(QStringLiteral("length")), usage(-1, 3)}
                                   << true;
    {
        const QByteArray bytes = transcript("error-mid-stream.ndjson");
        QTest::newRow("error-mid-stream.ndjson")
            << bytes
            << QStringList{text(QStringLiteral(" Yes")), text(QStringLiteral(".")),
                           providerError(
                               streamByteOf(bytes, "{\"error\""),
                               QStringLiteral(
                                   "an error was encountered while running the model: unexpected EOF"))}
            << false;
    }
    QTest::newRow("truncated.ndjson: no done line")
        << transcript("truncated.ndjson")
        << QStringList{text(QStringLiteral("Half")), text(QStringLiteral(" an"))} << false;
    {
        const QByteArray bytes = transcript("truncated-mid-line.ndjson");
        QTest::newRow("truncated-mid-line.ndjson: cut inside the last line")
            << bytes
            << QStringList{text(QStringLiteral("Half")),
                           error(
                               QStringLiteral("truncated"),
                               streamByteOf(
                                   bytes, "{\"model\":\"llama3.2\",\"created_at\":\"2025-06-12T14:12:00.020"),
                               QStringLiteral("stream ended inside line 2"))}
            << false;
    }
    {
        const QByteArray bytes = transcript("malformed-line.ndjson");
        // The parser stops at the `}` after `fals`: the error names that byte and the line.
        QTest::newRow("malformed-line.ndjson: later lines still decode")
            << bytes
            << QStringList{text(QStringLiteral("A")),
                           protocolError(streamByteOf(bytes, "fals}", 4),
                                         QStringLiteral("malformed JSON on line 2")),
                           text(QStringLiteral("C")), finish(QStringLiteral("stop")), usage(9, 3)}
            << true;
    }

    // Shapes a real server or a proxy in front of one may send besides the recorded ones.
    {
        const QByteArray bytes =
            QByteArrayLiteral("{\"message\":{\"role\":\"assistant\",\"content\":\"A\"},\"done\":false}\r\n"
                              "\r\n"
                              "{\"error\":{\"message\":\"upstream timeout\",\"type\":\"api_error\"}}\r\n");
        QTest::newRow("CRLF, a blank line, and an error in OpenAI's object shape")
            << bytes
            << QStringList{text(QStringLiteral("A")), providerError(streamByteOf(bytes, "{\"error\""),
                                                                    QStringLiteral("upstream timeout"))}
            << false;
    }
    {
        const QByteArray bytes = QByteArrayLiteral("[\"not\",\"an\",\"object\"]\n"
                                                   "{\"done\":true}\n");
        QTest::newRow("a line that is no object; done without a reason or counts")
            << bytes
            << QStringList{protocolError(QStringLiteral("stream byte 0"),
                                         QStringLiteral("line 1 is not a JSON object"))}
            << true;
    }
    QTest::newRow("arguments keep the server's member order; null and text arguments")
        << QByteArrayLiteral(
               "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
               "{\"function\":{\"name\":\"b\",\"arguments\":{\"zeta\":1,\"alpha\":[2.5,null,true]}}},"
               "{\"function\":{\"name\":\"c\",\"arguments\":null}},"
               "{\"function\":{\"name\":\"d\",\"arguments\":\"{\\\"as\\\":\\\"text\\\"}\"}}]},\"done\":false}"
               "\n"
               "{\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":0,\"eval_count\":0}\n")
        << QStringList{tool(0, QString(), QStringLiteral("b"),
                            QStringLiteral("{\"zeta\":1,\"alpha\":[2.5,null,true]}")),
                       tool(1, QString(), QStringLiteral("c"), QStringLiteral("{}")),
                       tool(2, QString(), QStringLiteral("d"), QStringLiteral("{\"as\":\"text\"}")),
                       finish(QStringLiteral("stop")), usage(0, 0)}
        << true;
    {
        const QByteArray bytes = QByteArrayLiteral("{\"message\":{\"content\":\"\xC3\xA9\"},\"done\":false}\n"
                                                   "{\"message\":{\"content\":\"\xC3(\"},\"done\":false}\n"
                                                   "{\"done\":true,\"done_reason\":\"stop\"}");
        // The parser stops at the `(` that cannot continue the sequence \xC3 began.
        QTest::newRow("invalid UTF-8 in a line; final line without a newline")
            << bytes
            << QStringList{text(QStringLiteral("\u00E9")),
                           protocolError(streamByteOf(bytes, "\xC3(", 1),
                                         QStringLiteral("malformed JSON on line 2")),
                           finish(QStringLiteral("stop"))}
            << true;
    }
}

void OllamaProtocolTest::decodesStreamTranscript()
{
    QFETCH(QByteArray, transcript);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const DecodedResponse whole = decodeChunks(protocol(), sampleRequest(true), {transcript});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);

    // Byte at a time, every split, and random chunks of up to 63 bytes (fixed seed).
    const QString mismatch =
        chunkingMismatch(transcript,
                         [](const QByteArrayList &chunks) {
                             return decodeChunks(protocol(), sampleRequest(true), chunks).toString();
                         },
                         {.randomRounds = 20, .maxRandomChunk = 63});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void OllamaProtocolTest::malformedLineNamesItsLineAndTheByteThePaserStoppedAt()
{
    const auto decoder = protocol().createDecoder(sampleRequest(true));
    QList<StreamEvent> out;
    // Line 1 (15 bytes with its LF) is fine; line 2 breaks at its offset 10, the `x`.
    decoder->feed(QByteArrayLiteral("{\"done\":false}\n{\"done\":  x}\n"), out);
    QCOMPARE(out.size(), qsizetype(1));
    QCOMPARE(out[0].kind, Kind::Error);
    QCOMPARE(out[0].error.code, ErrorCode::Protocol);
    QVERIFY2(out[0].error.message.startsWith(QStringLiteral("malformed JSON on line 2: ")),
             qPrintable(out[0].error.message));
    QVERIFY(out[0].error.message.size() > 40); // carries the parser's reason
    QCOMPARE(out[0].error.where, QStringLiteral("stream byte %1").arg(15 + 10));
    QVERIFY(!decoder->isComplete());
}

void OllamaProtocolTest::overlongLineIsOneProtocolError()
{
    const auto decoder = protocol().createDecoder(sampleRequest(true));
    QList<StreamEvent> out;
    decoder->feed(
        QByteArrayLiteral("{\"message\":{\"content\":\"A\"},\"done\":false}\n{\"message\":{\"content\":\""),
        out);
    const QByteArray megabyte(1024 * 1024, 'x');
    for (qsizetype fed = 0; fed <= Lathe::Http::NdjsonParser::kDefaultMaxLineBytes; fed += megabyte.size())
        decoder->feed(megabyte, out);
    decoder->feed(QByteArrayLiteral("\"},\"done\":true}\n"), out);
    decoder->finish(out);
    QCOMPARE(describeAll(out),
             (QStringList{text(QStringLiteral("A")),
                          // line 1 is 40 bytes and its LF
                          protocolError(QStringLiteral("stream byte 41"),
                                        QStringLiteral("line 2 is longer than 33554432 bytes"))}));
    QVERIFY(!decoder->isComplete());
}

void OllamaProtocolTest::decodesWholeResponseOnlyAtFinish_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("text with thinking and counts")
        << QByteArrayLiteral(
               R"({"model":"qwen3","created_at":"2025-06-12T14:05:01.056Z",)"
               R"("message":{"role":"assistant","content":"Hello there.\nH\u00e9 \ud83d\ude00",)"
               R"("thinking":"Greet back."},"done_reason":"stop","done":true,)"
               R"("total_duration":401000000,"load_duration":51000000,"prompt_eval_count":14,)"
               R"("prompt_eval_duration":22000000,"eval_count":9,"eval_duration":55000000})")
        << QStringList{reasoning(QStringLiteral("Greet back.")),
                       text(QStringLiteral("Hello there.\nH\u00E9 \U0001F600")),
                       finish(QStringLiteral("stop")), usage(14, 9)}
        << true;
    QTest::newRow("pretty-printed tool call")
        << QByteArrayLiteral("{\n  \"model\": \"qwen3\",\n  \"message\": {\n    \"role\": \"assistant\",\n"
                             "    \"content\": \"\",\n    \"tool_calls\": [\n      {\"function\": {\"name\": "
                             "\"calculate\", \"arguments\": {\"expression\": \"2 + 2\"}}}\n    ]\n  },\n"
                             "  \"done\": true,\n  \"done_reason\": \"stop\"\n}\n")
        << QStringList{tool(0, QString(), QStringLiteral("calculate"),
                            QStringLiteral("{\"expression\":\"2 + 2\"}")),
                       finish(QStringLiteral("stop"))}
        << true;
    QTest::newRow("error string is a provider error")
        << QByteArrayLiteral(
               "{\"error\":\"model requires more system memory (5.6 GiB) than is available (2.1 "
               "GiB)\"}")
        << QStringList{providerError(
               QString(),
               QStringLiteral("model requires more system memory (5.6 GiB) than is available (2.1 GiB)"))}
        << false;
    QTest::newRow("not done: incomplete, no error")
        << QByteArrayLiteral(R"({"message":{"content":"Hi"},"done":false})")
        << QStringList{text(QStringLiteral("Hi"))} << false;

    const auto rejectedRow = [](const char *name, const QByteArray &body, const QString &where,
                                const QString &message) {
        QTest::newRow(name) << body << QStringList{protocolError(where, message)} << false;
    };
    rejectedRow("a JSON array is no response", QByteArrayLiteral(R"([{"done":true}])"),
                QStringLiteral("response byte 0"), QStringLiteral("response is not a JSON object"));
    // "response byte N" is the zero-based offset of the byte the JSON parser stopped at.
    rejectedRow("malformed body names the byte the parser stopped at", QByteArrayLiteral(R"({"done": tru})"),
                QStringLiteral("response byte 12"), QStringLiteral("malformed JSON response"));
    rejectedRow("truncated body names the end of the body", QByteArrayLiteral(R"({"message":{)"),
                QStringLiteral("response byte 12"), QStringLiteral("malformed JSON response"));
    // A server that ignored stream:false and streamed: two objects are no one response.
    rejectedRow("two NDJSON lines", QByteArrayLiteral("{\"done\":false}\n{\"done\":true}\n"),
                QStringLiteral("response byte 15"), QStringLiteral("malformed JSON response"));
}

void OllamaProtocolTest::decodesWholeResponseOnlyAtFinish()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const QString mismatch = wholeBodyMismatch(protocol(), sampleRequest(false), body, {events, complete});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void OllamaProtocolTest::httpErrorReadsOllamasErrorString_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    QTest::newRow("404 unknown model") << 404 << QByteArrayLiteral(R"({"error":"model 'llama9' not found"})")
                                       << QStringLiteral("HTTP 404: model 'llama9' not found");
    QTest::newRow("400 bad option")
        << 400 << QByteArrayLiteral(R"({"error":"option \"num_predict\" must be of type integer"})")
        << QStringLiteral("HTTP 400: option \"num_predict\" must be of type integer");
    QTest::newRow("401 from ollama.com, with extra fields")
        << 401
        << QByteArrayLiteral("{\"error\":\"unauthorized\",\"signin_url\":\"https://ollama.com/connect?x\"}")
        << QStringLiteral("HTTP 401: unauthorized");
    QTest::newRow("503 queue full")
        << 503
        << QByteArrayLiteral(
               R"({"error":"server busy, please try again.  maximum pending requests exceeded"})")
        << QStringLiteral("HTTP 503: server busy, please try again.  maximum pending requests exceeded");
    QTest::newRow("502 plain text from a proxy")
        << 502 << QByteArrayLiteral("Bad Gateway\n") << QStringLiteral("HTTP 502: Bad Gateway");
}

void OllamaProtocolTest::httpErrorReadsOllamasErrorString()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const QString where = QStringLiteral("POST http://localhost:11434/api/chat");
    const Lathe::Error error = protocol().httpError(status, body, where);
    QCOMPARE(error.code, ErrorCode::Http);
    QCOMPARE(error.message, message);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.where, where);
}

QTEST_APPLESS_MAIN(OllamaProtocolTest)
#include "tst_ollamaprotocol.moc"
