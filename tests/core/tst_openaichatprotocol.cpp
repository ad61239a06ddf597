// SPDX-License-Identifier: GPL-3.0-or-later
#include <QByteArrayList>
#include <QStringList>
#include <QTest>
#include <QVariant>

#include <nlohmann/json.hpp>

#include "Chunkings.h"
#include "DecoderRuns.h"
#include "OutgoingRequestParts.h"
#include "StreamEventLines.h"
#include "VisibleText.h"
#include "providers/ChatTypes.h"
#include "providers/OpenAiChatProtocol.h"
#include "providers/ProviderProtocol.h"

using Lathe::ErrorCode;
using Lathe::Providers::ChatRequest;
using Lathe::Providers::OpenAiChatProtocol;
using Lathe::Providers::OutgoingRequest;
using Lathe::Providers::ProviderEndpoint;
using Lathe::Providers::ProviderProtocol;
using Lathe::Providers::ResponseFormat;
using Lathe::Providers::StreamEvent;
using Lathe::Providers::TokenUsage;
using Lathe::Providers::ToolCallDelta;
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
using Lathe::TestSupport::visibleText;
using Lathe::TestSupport::wholeBodyMismatch;
using Kind = Lathe::Providers::StreamEvent::Kind;
using namespace Lathe::TestSupport::EventLines;

namespace
{

const ProviderProtocol &protocol()
{
    return Lathe::Providers::protocolFor(WireProtocol::OpenAiChat);
}

ChatRequest sampleRequest(bool stream = true)
{
    ChatRequest request;
    request.model = QStringLiteral("gpt-4o-mini");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Say \"h\u00E9llo\"\nin one line")}};
    request.stream = stream;
    return request;
}

ProviderEndpoint endpoint(const QString &baseUrl, const QString &apiKey = {})
{
    ProviderEndpoint result;
    result.baseUrl = QUrl(baseUrl);
    result.apiKey = apiKey;
    return result;
}

// Recorded from api.openai.com (ids shortened): role chunk, content, finish, usage, [DONE].
const QByteArray kOpenAiTranscript = QByteArrayLiteral(
    R"(data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_9b0","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_9b0","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_9b0","choices":[{"index":0,"delta":{"content":"lo, h\u00e9"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_9b0","choices":[{"index":0,"delta":{"content":" \u20ac5 \ud83d\ude00\n"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_9b0","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_9b0","choices":[],"usage":{"prompt_tokens":21,"completion_tokens":7,"total_tokens":28,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":2,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

data: [DONE]

)");

} // namespace

class OpenAiChatProtocolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // protocolFor and ChatTypes
    void protocolForReturnsTheSameOpenAiChatProtocol();
    void streamEventFactoriesSetKindAndPayload();
    void tokenUsageIsEmptyOnlyWithoutInputAndOutputCounts();
    void validateChatRequestChecksTheResponseFormat_data();
    void validateChatRequestChecksTheResponseFormat();

    // buildRequest
    void urlAppendsChatCompletionsToBaseUrl_data();
    void urlAppendsChatCompletionsToBaseUrl();
    void sendsJsonContentTypeAndBearerKeyOnlyWhenSet_data();
    void sendsJsonContentTypeAndBearerKeyOnlyWhenSet();
    void bodyHasModelAndMessagesInOrder();
    void bodyAsksForStreamAndUsageOnlyWhenStreaming();
    void bodyHasTemperatureOnlyWhenSet();
    void maxTokensKeyDependsOnHost_data();
    void maxTokensKeyDependsOnHost();
    void responseFormatIsAJsonSchemaInTheCallersOrder_data();
    void responseFormatIsAJsonSchemaInTheCallersOrder();

    // streaming decoder
    void decodesStreamTranscript_data();
    void decodesStreamTranscript();
    void malformedStreamEventErrorNamesItsMessage();

    // non-streaming decoder
    void decodesWholeResponseOnlyAtFinish_data();
    void decodesWholeResponseOnlyAtFinish();

    // errorFromHttpResponse
    void errorFromHttpResponseUsesProviderMessage_data();
    void errorFromHttpResponseUsesProviderMessage();
    void errorFromHttpResponseQuotesAtMost300Characters();
    void errorFromHttpResponseDoesNotCutInsideACharacter();
};

void OpenAiChatProtocolTest::protocolForReturnsTheSameOpenAiChatProtocol()
{
    const ProviderProtocol &first = protocol();
    QVERIFY(dynamic_cast<const OpenAiChatProtocol *>(&first) != nullptr);
    QCOMPARE(&protocol(), &first);
}

void OpenAiChatProtocolTest::streamEventFactoriesSetKindAndPayload()
{
    const StreamEvent delta = StreamEvent::textDelta(QStringLiteral("hi"));
    QCOMPARE(delta.kind, Kind::TextDelta);
    QCOMPARE(delta.text, QStringLiteral("hi"));

    ToolCallDelta call;
    call.index = 2;
    call.id = QStringLiteral("call_1");
    call.name = QStringLiteral("f");
    call.argumentsFragment = QStringLiteral("{\"a\"");
    const StreamEvent toolEvent = StreamEvent::toolCallDelta(call);
    QCOMPARE(toolEvent.kind, Kind::ToolCallDelta);
    QCOMPARE(describe(toolEvent),
             tool(2, QStringLiteral("call_1"), QStringLiteral("f"), QStringLiteral("{\"a\"")));

    TokenUsage counts;
    counts.inputTokens = 3;
    counts.outputTokens = 4;
    const StreamEvent usageEvent = StreamEvent::usageReport(counts);
    QCOMPARE(usageEvent.kind, Kind::Usage);
    QCOMPARE(describe(usageEvent), usage(3, 4, -1, -1));

    const StreamEvent finishEvent = StreamEvent::finish(QStringLiteral("length"));
    QCOMPARE(finishEvent.kind, Kind::Finish);
    QCOMPARE(finishEvent.finishReason, QStringLiteral("length"));

    const StreamEvent failure = StreamEvent::failure(
        Lathe::Error{ErrorCode::Timeout, QStringLiteral("slow"), QStringLiteral("here"), 0});
    QCOMPARE(failure.kind, Kind::Error);
    QCOMPARE(failure.error.code, ErrorCode::Timeout);
    QCOMPARE(failure.error.message, QStringLiteral("slow"));
    QCOMPARE(failure.error.where, QStringLiteral("here"));

    // Declared as a metatype so it can travel in queued signals.
    const QVariant carried = QVariant::fromValue(delta);
    QCOMPARE(carried.value<StreamEvent>().text, QStringLiteral("hi"));
}

void OpenAiChatProtocolTest::tokenUsageIsEmptyOnlyWithoutInputAndOutputCounts()
{
    TokenUsage counts;
    QCOMPARE(counts.inputTokens, qint64(-1));
    QCOMPARE(counts.outputTokens, qint64(-1));
    QCOMPARE(counts.cachedInputTokens, qint64(-1));
    QCOMPARE(counts.reasoningTokens, qint64(-1));
    QVERIFY(counts.isEmpty());
    counts.cachedInputTokens = 5;
    QVERIFY(counts.isEmpty());
    counts.outputTokens = 0;
    QVERIFY(!counts.isEmpty());
    counts = TokenUsage{};
    counts.inputTokens = 0;
    QVERIFY(!counts.isEmpty());
}

void OpenAiChatProtocolTest::validateChatRequestChecksTheResponseFormat_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QString>("toolName"); // a tool the request also offers, if any
    QTest::addColumn<QString>("where");    // empty: the request is valid
    QTest::addColumn<QString>("messageContains");

    const QByteArray schema = responseSchemaAsWritten();
    const QString name = QStringLiteral("responseFormat.name");
    const QString schemaField = QStringLiteral("responseFormat.schema");
    QTest::newRow("the default name")
        << ResponseFormat().name << schema << QString() << QString() << QString();
    QTest::newRow("letters, digits, '_' and '-'")
        << QStringLiteral("Book_v2-final") << schema << QStringLiteral("search") << QString() << QString();
    QTest::newRow("64 characters") << QString(64, QLatin1Char('a')) << schema << QString() << QString()
                                   << QString();
    QTest::newRow("65 characters") << QString(65, QLatin1Char('a')) << schema << QString() << name
                                   << QStringLiteral("must be 1-64 letters, digits, '_' or '-'");
    QTest::newRow("a space") << QStringLiteral("my book") << schema << QString() << name
                             << QStringLiteral("\"my book\" must be 1-64");
    QTest::newRow("empty") << QString() << schema << QString() << name << QStringLiteral("must be 1-64");
    QTest::newRow("a tool's name") << QStringLiteral("book") << schema << QStringLiteral("book") << name
                                   << QStringLiteral("also the name of a tool");
    QTest::newRow("schema not JSON") << QStringLiteral("book") << QByteArrayLiteral("{\"type\": ")
                                     << QString() << schemaField
                                     << QStringLiteral("the response schema is not JSON: ");
    QTest::newRow("no schema") << QStringLiteral("book") << QByteArray() << QString() << schemaField
                               << QStringLiteral("the response schema is not JSON: ");
    QTest::newRow("schema an array") << QStringLiteral("book")
                                     << QByteArrayLiteral("[{\"type\": \"object\"}]") << QString()
                                     << schemaField
                                     << QStringLiteral("the response schema must be a JSON object");
    QTest::newRow("boolean schema") << QStringLiteral("book") << QByteArrayLiteral("true") << QString()
                                    << schemaField
                                    << QStringLiteral("the response schema must be a JSON object");
}

void OpenAiChatProtocolTest::validateChatRequestChecksTheResponseFormat()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, schema);
    QFETCH(QString, toolName);
    QFETCH(QString, where);
    QFETCH(QString, messageContains);

    ChatRequest request = sampleRequest();
    ResponseFormat format;
    format.schema = schema;
    format.name = name;
    request.responseFormat = format;
    if (!toolName.isEmpty())
        request.tools = {ToolDefinition{toolName, QString(), QByteArray()}};
    const auto valid = Lathe::Providers::validateChatRequest(request);
    if (where.isEmpty()) {
        QVERIFY2(valid.has_value(), qPrintable(valid ? QString() : valid.error().toString()));
        return;
    }
    QVERIFY(!valid.has_value());
    QCOMPARE(valid.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(valid.error().where, where);
    QVERIFY2(valid.error().message.contains(messageContains), qPrintable(valid.error().message));
}

void OpenAiChatProtocolTest::urlAppendsChatCompletionsToBaseUrl_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("url");

    QTest::newRow("OpenAI") << QStringLiteral("https://api.openai.com/v1")
                            << QStringLiteral("https://api.openai.com/v1/chat/completions");
    QTest::newRow("trailing slash") << QStringLiteral("https://api.openai.com/v1/")
                                    << QStringLiteral("https://api.openai.com/v1/chat/completions");
    QTest::newRow("several trailing slashes") << QStringLiteral("http://localhost:11434/v1//")
                                              << QStringLiteral("http://localhost:11434/v1/chat/completions");
    QTest::newRow("local server with port") << QStringLiteral("http://127.0.0.1:8080/v1")
                                            << QStringLiteral("http://127.0.0.1:8080/v1/chat/completions");
    QTest::newRow("no path") << QStringLiteral("http://127.0.0.1:8000")
                             << QStringLiteral("http://127.0.0.1:8000/chat/completions");
    QTest::newRow("nested path") << QStringLiteral("https://openrouter.ai/api/v1")
                                 << QStringLiteral("https://openrouter.ai/api/v1/chat/completions");
}

void OpenAiChatProtocolTest::urlAppendsChatCompletionsToBaseUrl()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, url);

    const OutgoingRequest request = protocol().buildRequest(endpoint(baseUrl), sampleRequest());
    QCOMPARE(request.url.toString(), url);
}

void OpenAiChatProtocolTest::sendsJsonContentTypeAndBearerKeyOnlyWhenSet_data()
{
    QTest::addColumn<QString>("apiKey");
    QTest::addColumn<QByteArrayList>("authorization");

    QTest::newRow("with key") << QStringLiteral("sk-test-123") << QByteArrayList{"Bearer sk-test-123"};
    QTest::newRow("without key") << QString() << QByteArrayList{};
}

void OpenAiChatProtocolTest::sendsJsonContentTypeAndBearerKeyOnlyWhenSet()
{
    QFETCH(QString, apiKey);
    QFETCH(QByteArrayList, authorization);

    for (const bool stream : {true, false}) {
        const OutgoingRequest request = protocol().buildRequest(
            endpoint(QStringLiteral("https://api.openai.com/v1"), apiKey), sampleRequest(stream));
        QCOMPARE(headerValues(request, "Content-Type"), QByteArrayList{"application/json"});
        QCOMPARE(headerValues(request, "Authorization"), authorization);
        QCOMPARE(headerValues(request, "Accept"),
                 QByteArrayList{stream ? "text/event-stream" : "application/json"});
    }
}

void OpenAiChatProtocolTest::bodyHasModelAndMessagesInOrder()
{
    const OutgoingRequest request =
        protocol().buildRequest(endpoint(QStringLiteral("http://127.0.0.1:8080/v1")), sampleRequest());
    const nlohmann::json body = bodyOf(request);

    QCOMPARE(jsonText(body.at("model")), QStringLiteral("\"gpt-4o-mini\""));
    const nlohmann::json expectedMessages = nlohmann::json::parse(
        R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Say \"h\u00e9llo\"\nin one line"}])");
    QCOMPARE(jsonText(body.at("messages")), jsonText(expectedMessages));
    QVERIFY(!body.contains("temperature"));
    QVERIFY(!body.contains("max_tokens"));
    QVERIFY(!body.contains("max_completion_tokens"));
}

void OpenAiChatProtocolTest::bodyAsksForStreamAndUsageOnlyWhenStreaming()
{
    const ProviderEndpoint local = endpoint(QStringLiteral("http://127.0.0.1:8080/v1"));

    const nlohmann::json streamed = bodyOf(protocol().buildRequest(local, sampleRequest(true)));
    QCOMPARE(jsonText(streamed.value("stream", nlohmann::json())), QStringLiteral("true"));
    QCOMPARE(jsonText(streamed.value("stream_options", nlohmann::json())),
             QStringLiteral("{\"include_usage\":true}"));

    const nlohmann::json whole = bodyOf(protocol().buildRequest(local, sampleRequest(false)));
    QVERIFY(!whole.contains("stream"));
    QVERIFY(!whole.contains("stream_options"));
}

void OpenAiChatProtocolTest::bodyHasTemperatureOnlyWhenSet()
{
    const ProviderEndpoint local = endpoint(QStringLiteral("http://127.0.0.1:8080/v1"));
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(local, request)).contains("temperature"));

    request.temperature = 0.7;
    nlohmann::json body = bodyOf(protocol().buildRequest(local, request));
    QVERIFY(body.contains("temperature"));
    QCOMPARE(body.at("temperature").get<double>(), 0.7);

    request.temperature = 0.0; // zero is a setting, not "unset"
    body = bodyOf(protocol().buildRequest(local, request));
    QVERIFY(body.contains("temperature"));
    QCOMPARE(body.at("temperature").get<double>(), 0.0);
}

void OpenAiChatProtocolTest::maxTokensKeyDependsOnHost_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("absentKey");

    const QString maxTokens = QStringLiteral("max_tokens");
    const QString maxCompletionTokens = QStringLiteral("max_completion_tokens");
    QTest::newRow("api.openai.com") << QStringLiteral("https://api.openai.com/v1") << maxCompletionTokens
                                    << maxTokens;
    QTest::newRow("api.openai.com in capitals")
        << QStringLiteral("https://API.OpenAI.com/v1/") << maxCompletionTokens << maxTokens;
    QTest::newRow("llama.cpp") << QStringLiteral("http://127.0.0.1:8080/v1") << maxTokens
                               << maxCompletionTokens;
    QTest::newRow("lookalike host") << QStringLiteral("https://api.openai.com.example.net/v1") << maxTokens
                                    << maxCompletionTokens;
    QTest::newRow("OpenRouter") << QStringLiteral("https://openrouter.ai/api/v1") << maxTokens
                                << maxCompletionTokens;
}

void OpenAiChatProtocolTest::maxTokensKeyDependsOnHost()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, key);
    QFETCH(QString, absentKey);

    ChatRequest request = sampleRequest();
    request.maxOutputTokens = 256;
    const nlohmann::json body = bodyOf(protocol().buildRequest(endpoint(baseUrl), request));
    QVERIFY2(body.contains(key.toStdString()), qPrintable(jsonText(body)));
    QCOMPARE(body.at(key.toStdString()).get<int>(), 256);
    QVERIFY2(!body.contains(absentKey.toStdString()), qPrintable(jsonText(body)));
}

void OpenAiChatProtocolTest::responseFormatIsAJsonSchemaInTheCallersOrder_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("strict");

    QTest::newRow("strict, named") << QStringLiteral("book") << true;
    QTest::newRow("not strict, default name") << ResponseFormat().name << false;
}

void OpenAiChatProtocolTest::responseFormatIsAJsonSchemaInTheCallersOrder()
{
    QFETCH(QString, name);
    QFETCH(bool, strict);

    const ProviderEndpoint local = endpoint(QStringLiteral("http://127.0.0.1:8080/v1"));
    ChatRequest request = sampleRequest();
    QVERIFY(!bodyOf(protocol().buildRequest(local, request)).contains("response_format"));

    ResponseFormat format;
    format.schema = responseSchemaAsWritten();
    format.name = name;
    format.strict = strict;
    request.responseFormat = format;
    const nlohmann::ordered_json body = orderedBodyOf(protocol().buildRequest(local, request));
    QCOMPARE(
        jsonText(body.at("response_format")),
        QStringLiteral(
            "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"%1\",\"schema\":%2,\"strict\":%3}}")
            .arg(name, responseSchemaOnTheWire(), strict ? QStringLiteral("true") : QStringLiteral("false")));
    // The rest of the request is what it was without a format.
    request.responseFormat.reset();
    nlohmann::json rest = bodyOf(protocol().buildRequest(local, request));
    rest["response_format"] = nlohmann::json(body.at("response_format"));
    QCOMPARE(jsonText(nlohmann::json(body)), jsonText(rest));
}

void OpenAiChatProtocolTest::decodesStreamTranscript_data()
{
    QTest::addColumn<QByteArray>("transcript");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    const QStringList openAiEvents{text(QStringLiteral("Hel")), text(QStringLiteral("lo, h\u00E9")),
                                   text(QStringLiteral(" \u20AC5 \U0001F600\n")),
                                   finish(QStringLiteral("stop")), usage(21, 7, 4, 2)};

    QTest::newRow("OpenAI text, finish, usage chunk, [DONE]") << kOpenAiTranscript << openAiEvents << true;
    {
        QByteArray crlf = kOpenAiTranscript;
        crlf.replace("\n\n", "\r\n: keep-alive\r\n\r\n");
        QTest::newRow("same with CRLF line ends and keep-alive comments") << crlf << openAiEvents << true;
    }
    QTest::newRow("role-only first chunk gives no text")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

)") << QStringList{}
        << false;
    QTest::newRow("structured-output refusal streams as the answer's text")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}]}

data: {"choices":[{"index":0,"delta":{"refusal":"I can't"},"finish_reason":null}]}

data: {"choices":[{"index":0,"delta":{"refusal":" help with that."},"finish_reason":null}]}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

)")
        << QStringList{text(QStringLiteral("I can't")), text(QStringLiteral(" help with that.")),
                       finish(QStringLiteral("stop"))}
        << true;
    QTest::newRow("usage null on ordinary chunks gives no usage event")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}],"usage":null}

)") << QStringList{text(QStringLiteral("a")), text(QStringLiteral("b"))}
        << false;
    QTest::newRow("llama.cpp final chunk carries finish_reason and usage")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"created":1718000000,"id":"chatcmpl-x","model":"qwen2.5","object":"chat.completion.chunk"}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"created":1718000000,"id":"chatcmpl-x","model":"qwen2.5","object":"chat.completion.chunk","usage":{"completion_tokens":16,"prompt_tokens":11,"total_tokens":27}}

data: [DONE]

)") << QStringList{text(QStringLiteral("Hi")), finish(QStringLiteral("length")), usage(11, 16, -1, -1)}
        << true;
    QTest::newRow("reasoning and cached tokens")
        << QByteArrayLiteral(
               R"(data: {"choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":250,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":192}}}

data: [DONE]

)") << QStringList{usage(1200, 250, 1024, 192)}
        << true;
    QTest::newRow("finish_reason without [DONE] is complete")
        << QByteArrayLiteral(R"(data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

)") << QStringList{text(QStringLiteral("ok")), finish(QStringLiteral("stop"))}
        << true;
    QTest::newRow("[DONE] alone is complete")
        << QByteArrayLiteral("data: [DONE]\n\n") << QStringList{} << true;
    QTest::newRow("cut before finish_reason and [DONE] is not complete")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"content":"Once upon"},"finish_reason":null}]}

data: {"choices":[{"index":0,"delta":{"content":" a time"},"finish_reason":null}]}

)") << QStringList{text(QStringLiteral("Once upon")), text(QStringLiteral(" a time"))}
        << false;
    QTest::newRow("finish chunk cut before its blank line is not delivered")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"content":"Once"},"finish_reason":null}]}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
)") << QStringList{text(QStringLiteral("Once"))}
        << false;
    {
        const QByteArray transcript = QByteArrayLiteral(
            R"(data: {"choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}]}

data: {"error":{"message":"boom","type":"server_error","code":"x"}}

)");
        QTest::newRow("error object after content")
            << transcript
            << QStringList{text(QStringLiteral("Partial")),
                           providerError(streamByteOf(transcript, "data: {\"error\""),
                                         QStringLiteral("boom [x]"))}
            << false;
    }
    {
        const QByteArray transcript = QByteArrayLiteral(
            R"(data: {"error":{"message":"The server is overloaded","type":"server_error","code":null}}

)");
        QTest::newRow("error object with null code names its type")
            << transcript
            << QStringList{providerError(QStringLiteral("stream byte 0"),
                                         QStringLiteral("The server is overloaded [server_error]"))}
            << false;
    }
    {
        const QByteArray transcript =
            QByteArrayLiteral(R"(data: {"choices":[{"index":0,"delta":{"content":"A"}}]}

data: {"object":"error","message":"boom: context length exceeded","type":"BadRequestError","param":null,"code":400}

)");
        QTest::newRow("vLLM flat error object")
            << transcript
            << QStringList{text(QStringLiteral("A")),
                           providerError(streamByteOf(transcript, "data: {\"object\""),
                                         QStringLiteral("boom: context length exceeded [BadRequestError]"))}
            << false;
    }
    {
        const QByteArray transcript = QByteArrayLiteral("data: {\"error\":\"upstream timed out\"}\n\n");
        QTest::newRow("error as a plain string")
            << transcript
            << QStringList{providerError(QStringLiteral("stream byte 0"),
                                         QStringLiteral("upstream timed out"))}
            << false;
    }
    {
        const QByteArray transcript = QByteArrayLiteral(R"(: OPENROUTER PROCESSING

data: {"choices":[{"index":0,"delta":{"content":"A"}}]}

data: {"choices":[{"index":0,"delta":{"content":"B"}}

data: {"choices":[{"index":0,"delta":{"content":"C"}}]}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

data: [DONE]

)");
        QTest::newRow("malformed JSON is an error and later chunks still decode")
            << transcript
            << QStringList{text(QStringLiteral("A")),
                           protocolError(
                               streamByteOf(transcript,
                                            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\""),
                               QStringLiteral("malformed JSON in stream event")),
                           text(QStringLiteral("C")), finish(QStringLiteral("stop"))}
            << true;
    }
    {
        const QByteArray transcript =
            QByteArrayLiteral(R"(data: {"choices":[{"index":0,"delta":{"content":"A"}}]}

data: {"choices":[{"index":0,"delta":{"content":"B"}}]}
data: {"choices":[{"index":0,"delta":{"content":"C"}}]}

)");
        QTest::newRow("two JSON lines in one event are malformed")
            << transcript
            << QStringList{text(QStringLiteral("A")),
                           protocolError(
                               streamByteOf(transcript,
                                            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\""),
                               QStringLiteral("malformed JSON in stream event"))}
            << false;
    }
    // llama.cpp's server writes an error during a stream on a line of its own, `error: {…}`, and
    // then still ends the stream with [DONE].
    {
        const QByteArray transcript = QByteArrayLiteral(
            R"(data: {"choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}],"object":"chat.completion.chunk"}

error: {"code":500,"message":"Input prompt is too big compared to KV size. Please try increasing KV size.","type":"server_error"}

data: [DONE]

)");
        QTest::newRow("llama.cpp error line after content")
            << transcript
            << QStringList{text(QStringLiteral("Partial")),
                           providerError(streamByteOf(transcript, "error: {"),
                                         QStringLiteral("Input prompt is too big compared to KV size. Please "
                                                        "try increasing KV size. [server_error]"))}
            << true;
    }
    QTest::newRow("llama.cpp error line alone, CRLF line ends")
        << QByteArrayLiteral(
               "error: {\"code\":400,\"message\":\"the request exceeds the available context size, try "
               "increasing it\",\"type\":\"exceed_context_size_error\"}\r\n\r\n")
        << QStringList{providerError(QStringLiteral("stream byte 0"),
                                     QStringLiteral("the request exceeds the available context size, try "
                                                    "increasing it [exceed_context_size_error]"))}
        << false;
    {
        const QByteArray transcript =
            QByteArrayLiteral("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n"
                              "warning: slow\n"
                              "\n"
                              "foo: bar\n"
                              "\n"
                              ": comment\n"
                              "error: the slot was cancelled\n"
                              "\n");
        QTest::newRow("llama.cpp error line in plain text; other unknown fields are ignored")
            << transcript
            << QStringList{text(QStringLiteral("A")), providerError(streamByteOf(transcript, "error: "),
                                                                    QStringLiteral("the slot was cancelled"))}
            << false;
    }
    {
        const QByteArray transcript = QByteArrayLiteral(
            R"(data: {"choices":[{"index":0,"delta":{"content":"B"}}]}
error: {"error":{"message":"wrapped","type":"server_error"}}

)");
        QTest::newRow("error line in the same event as data, in OpenAI's error shape")
            << transcript
            << QStringList{providerError(streamByteOf(transcript, "error: "),
                                         QStringLiteral("wrapped [server_error]")),
                           text(QStringLiteral("B"))}
            << false;
    }
    // llama.cpp counts tokens in `timings`: prompt_n is the prompt tokens it evaluated, cache_n
    // those it reused from its KV cache, predicted_n the output.
    QTest::newRow("llama.cpp timings without usage give the usage")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"object":"chat.completion.chunk"}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"object":"chat.completion.chunk","timings":{"prompt_n":11,"prompt_ms":40.5,"prompt_per_token_ms":3.68,"prompt_per_second":271.6,"predicted_n":16,"predicted_ms":320.1,"predicted_per_token_ms":20.0,"predicted_per_second":49.98}}

data: [DONE]

)") << QStringList{text(QStringLiteral("Hi")), finish(QStringLiteral("stop")), usage(11, 16, -1, -1)}
        << true;
    QTest::newRow("llama.cpp timings with cache_n count the cached prompt as input")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"timings":{"cache_n":32,"prompt_n":11,"prompt_ms":40.5,"prompt_per_token_ms":3.68,"prompt_per_second":271.6,"predicted_n":4,"predicted_ms":80.0,"predicted_per_token_ms":20.0,"predicted_per_second":50.0}}

)") << QStringList{finish(QStringLiteral("length")), usage(43, 4, 32, -1)}
        << true;
    QTest::newRow("usage wins over llama.cpp timings in the same chunk")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"completion_tokens":16,"prompt_tokens":43,"total_tokens":59},"timings":{"cache_n":32,"prompt_n":11,"predicted_n":16}}

data: [DONE]

)") << QStringList{finish(QStringLiteral("stop")), usage(43, 16, -1, -1)}
        << true;
    QTest::newRow("timings without counts give no usage")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"content":"x"}}],"timings":{"prompt_n":-1,"predicted_ms":1.5}}

)") << QStringList{text(QStringLiteral("x"))}
        << false;
    QTest::newRow("tool call fragments, two parallel calls")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_Ab1","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"Par\u00eds\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_Cd2","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":\"CET\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

data: {"choices":[],"usage":{"prompt_tokens":80,"completion_tokens":40,"total_tokens":120}}

data: [DONE]

)")
        << QStringList{tool(0, QStringLiteral("call_Ab1"), QStringLiteral("get_weather"), QString()),
                       tool(0, QString(), QString(), QStringLiteral("{\"city\":")),
                       tool(0, QString(), QString(), QStringLiteral(" \"Par\u00EDs\"}")),
                       tool(1, QStringLiteral("call_Cd2"), QStringLiteral("get_time"), QString()),
                       tool(1, QString(), QString(), QStringLiteral("{\"tz\"")),
                       tool(1, QString(), QString(), QStringLiteral(":\"CET\"}")),
                       finish(QStringLiteral("tool_calls")),
                       usage(80, 40, -1, -1)}
        << true;
    QTest::newRow("two tool calls in one chunk")
        << QByteArrayLiteral(
               R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"a","arguments":"{}"}},{"index":1,"id":"call_2","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}]}

)")
        << QStringList{tool(0, QStringLiteral("call_1"), QStringLiteral("a"), QStringLiteral("{}")),
                       tool(1, QStringLiteral("call_2"), QStringLiteral("b"), QStringLiteral("{\"x\":1}")),
                       finish(QStringLiteral("tool_calls"))}
        << true;
}

void OpenAiChatProtocolTest::decodesStreamTranscript()
{
    QFETCH(QByteArray, transcript);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const DecodedResponse whole = decodeChunks(protocol(), sampleRequest(true), {transcript});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.complete, complete);

    // Random chunks of up to 63 bytes cut most events in several places.
    const QString mismatch =
        chunkingMismatch(transcript,
                         [](const QByteArrayList &chunks) {
                             return decodeChunks(protocol(), sampleRequest(true), chunks).toString();
                         },
                         {.maxRandomChunk = 63});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void OpenAiChatProtocolTest::malformedStreamEventErrorNamesItsMessage()
{
    const auto decoder = protocol().createDecoder(sampleRequest(true));
    QList<StreamEvent> out;
    decoder->feed(QByteArrayLiteral("data: {\"choices\":\n\n"), out);
    QCOMPARE(out.size(), qsizetype(1));
    QCOMPARE(out[0].kind, Kind::Error);
    QCOMPARE(out[0].error.code, ErrorCode::Protocol);
    QVERIFY2(out[0].error.message.startsWith(QStringLiteral("malformed JSON in stream event: ")),
             qPrintable(out[0].error.message));
    QVERIFY(out[0].error.message.size() > 32); // carries the parser's reason
    QCOMPARE(out[0].error.where, QStringLiteral("stream byte 0"));
    QVERIFY(!decoder->isComplete());
}

void OpenAiChatProtocolTest::decodesWholeResponseOnlyAtFinish_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("complete");

    QTest::newRow("chat.completion with usage")
        << QByteArrayLiteral(R"({
  "id": "chatcmpl-B9",
  "object": "chat.completion",
  "created": 1718000000,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {"role": "assistant", "content": "Hello there.\nH\u00e9 \ud83d\ude00", "refusal": null},
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 19,
    "completion_tokens": 10,
    "total_tokens": 29,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}
  },
  "system_fingerprint": "fp_9b0"
})")
        << QStringList{text(QStringLiteral("Hello there.\nH\u00E9 \U0001F600")),
                       finish(QStringLiteral("stop")), usage(19, 10, 0, 0)}
        << true;
    QTest::newRow("tool call message without index")
        << QByteArrayLiteral(
               R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},{"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}]},"finish_reason":"tool_calls"}]})")
        << QStringList{tool(0, QStringLiteral("call_1"), QStringLiteral("f"), QStringLiteral("{\"a\":1}")),
                       tool(1, QStringLiteral("call_2"), QStringLiteral("g"), QStringLiteral("{}")),
                       finish(QStringLiteral("tool_calls"))}
        << true;
    QTest::newRow("llama.cpp timings without usage give the usage")
        << QByteArrayLiteral(
               R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"object":"chat.completion","timings":{"cache_n":5,"prompt_n":6,"prompt_ms":12.0,"predicted_n":2,"predicted_ms":30.0}})")
        << QStringList{text(QStringLiteral("Hi")), finish(QStringLiteral("stop")), usage(11, 2, 5, -1)}
        << true;
    QTest::newRow("structured-output refusal is the answer's text")
        << QByteArrayLiteral(
               R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]})")
        << QStringList{text(QStringLiteral("I can't help with that.")), finish(QStringLiteral("stop"))}
        << true;
    QTest::newRow("error object is a provider error")
        << QByteArrayLiteral(
               R"({"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}})")
        << QStringList{providerError(QString(), QStringLiteral("Rate limit reached [rate_limit_exceeded]"))}
        << false;

    // A body the decoder rejects gives one protocol error naming where, and is never complete.
    const auto rejectedRow = [](const char *name, const QByteArray &body, const QString &where,
                                const QString &message) {
        QTest::newRow(name) << body << QStringList{protocolError(where, message)} << false;
    };
    rejectedRow("missing choices is a protocol error",
                QByteArrayLiteral(R"({"id":"chatcmpl-B9","object":"chat.completion","model":"m"})"),
                QStringLiteral("choices"), QStringLiteral("response has no choices"));
    rejectedRow("empty choices is a protocol error", QByteArrayLiteral(R"({"choices":[]})"),
                QStringLiteral("choices"), QStringLiteral("response has no choices"));
    // "response byte N" is the zero-based offset of the byte the JSON parser stopped at, as
    // "stream byte N" is for streams.
    rejectedRow("malformed body names the byte the parser stopped at", QByteArrayLiteral(R"({"choices": [})"),
                QStringLiteral("response byte 13"), QStringLiteral("malformed JSON response"));
    rejectedRow("truncated body names the end of the body", QByteArrayLiteral(R"({"choices":[)"),
                QStringLiteral("response byte 12"), QStringLiteral("malformed JSON response"));
}

void OpenAiChatProtocolTest::decodesWholeResponseOnlyAtFinish()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, events);
    QFETCH(bool, complete);

    const QString mismatch = wholeBodyMismatch(protocol(), sampleRequest(false), body, {events, complete});
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void OpenAiChatProtocolTest::errorFromHttpResponseUsesProviderMessage_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    QTest::newRow("OpenAI error object")
        << 401
        << QByteArrayLiteral(
               R"({"error":{"message":"Incorrect API key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})")
        << QStringLiteral("HTTP 401: Incorrect API key [invalid_api_key]");
    QTest::newRow("error object without code names its type")
        << 529
        << QByteArrayLiteral(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")
        << QStringLiteral("HTTP 529: Overloaded [overloaded_error]");
    QTest::newRow("error as a plain string") << 400 << QByteArrayLiteral(R"({"error":"plain string"})")
                                             << QStringLiteral("HTTP 400: plain string");
    QTest::newRow("vLLM flat error object")
        << 400 << QByteArrayLiteral(R"({"object":"error","message":"m","type":"t","param":null,"code":400})")
        << QStringLiteral("HTTP 400: m [t]");
    QTest::newRow("top-level message") << 404 << QByteArrayLiteral(R"({"message":"model 'x' not found"})")
                                       << QStringLiteral("HTTP 404: model 'x' not found");
    QTest::newRow("JSON without a message is quoted") << 422 << QByteArrayLiteral(R"({"detail":"nope"})")
                                                      << QStringLiteral("HTTP 422: {\"detail\":\"nope\"}");
    QTest::newRow("HTML body is quoted with whitespace simplified")
        << 502
        << QByteArrayLiteral(
               "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\n  nginx\n</body>\n</html>\n")
        << QStringLiteral(
               "HTTP 502: <html> <head><title>502 Bad Gateway</title></head> <body> nginx </body> </html>");
    QTest::newRow("empty body falls back to the status text")
        << 503 << QByteArray() << QStringLiteral("HTTP 503: Service Unavailable");
    QTest::newRow("whitespace body falls back to the status text")
        << 500 << QByteArrayLiteral(" \r\n\t ") << QStringLiteral("HTTP 500: Internal Server Error");
    QTest::newRow("empty body with unknown status") << 599 << QByteArray() << QStringLiteral("HTTP 599");
}

void OpenAiChatProtocolTest::errorFromHttpResponseUsesProviderMessage()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const QString where = QStringLiteral("POST https://api.openai.com/v1/chat/completions");
    const Lathe::Error error = Lathe::Providers::errorFromHttpResponse(status, body, where);
    QCOMPARE(error.message, message);
    QCOMPARE(error.code, ErrorCode::Http);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.where, where);
}

void OpenAiChatProtocolTest::errorFromHttpResponseQuotesAtMost300Characters()
{
    const QByteArray page = "<html><body>" + QByteArray(400, 'x') + "</body></html>";
    const Lathe::Error error = Lathe::Providers::errorFromHttpResponse(502, page, QString());
    QCOMPARE(error.message,
             QStringLiteral("HTTP 502: ") + QString::fromLatin1(page.first(300)) + QStringLiteral("\u2026"));

    const QByteArray exactly300(300, 'y');
    QCOMPARE(Lathe::Providers::errorFromHttpResponse(500, exactly300, QString()).message,
             QStringLiteral("HTTP 500: ") + QString::fromLatin1(exactly300));
}

void OpenAiChatProtocolTest::errorFromHttpResponseDoesNotCutInsideACharacter()
{
    // 299 ASCII bytes, then a two-byte character straddling the 300-byte cut.
    const QByteArray page = QByteArray(299, 'a') + "\xC3\xA9" + QByteArray(50, 'b');
    const QString message = Lathe::Providers::errorFromHttpResponse(502, page, QString()).message;
    QVERIFY2(!message.contains(QChar(0xFFFD)), qPrintable(visibleText(message.right(8))));
    QVERIFY(message.endsWith(QStringLiteral("\u2026")));
}

QTEST_APPLESS_MAIN(OpenAiChatProtocolTest)
#include "tst_openaichatprotocol.moc"
