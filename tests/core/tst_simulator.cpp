// SPDX-License-Identifier: GPL-3.0-or-later
// The provider simulator: its tokenizer, its deterministic answers, its fault names, and the
// HTTP/1.1 + SSE server itself, driven over loopback by QNetworkAccessManager and by the raw
// HTTP client of lathe_testsupport, which decodes chunked bodies strictly.
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "RawHttpClient.h"
#include "mock/SchemaInstanceGenerator.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorFault.h"
#include "mock/SimulatorServer.h"

using namespace Lathe;
using Lathe::Mock::SimulatedAnswer;
using Lathe::Mock::SimulatorFault;
using Lathe::Mock::SimulatorOptions;
using Lathe::Mock::SimulatorServer;
using Lathe::Mock::StructuredAnswerFlaw;
using Lathe::Providers::ChatMessage;
using Lathe::TestSupport::parseRawHttpResponse;
using Lathe::TestSupport::rawHttpExchange;
using Lathe::TestSupport::RawHttpResponse;
using Lathe::TestSupport::waitUntilClosed;

Q_DECLARE_METATYPE(Lathe::Mock::SimulatorFault::Kind)

namespace
{

// ---- requests and answers ---------------------------------------------------------------

// Messages in tables are written as role, content, role, content, …
QList<ChatMessage> messagesFrom(const QStringList &rolesAndContents)
{
    QList<ChatMessage> messages;
    for (qsizetype i = 0; i + 1 < rolesAndContents.size(); i += 2)
        messages.append({rolesAndContents[i], rolesAndContents[i + 1]});
    return messages;
}

QJsonArray messagesJson(const QList<ChatMessage> &messages)
{
    QJsonArray array;
    for (const ChatMessage &message : messages)
        array.append(QJsonObject{{QStringLiteral("role"), message.role},
                                 {QStringLiteral("content"), message.content}});
    return array;
}

QByteArray chatBody(const QString &model, const QList<ChatMessage> &messages, std::optional<int> maxTokens,
                    bool stream, bool includeUsage = false)
{
    QJsonObject body{{QStringLiteral("model"), model}, {QStringLiteral("messages"), messagesJson(messages)}};
    if (maxTokens)
        body.insert(QStringLiteral("max_tokens"), *maxTokens);
    if (stream) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject{{QStringLiteral("include_usage"), includeUsage}});
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QList<ChatMessage> userPrompt(const QString &prompt)
{
    return {{QStringLiteral("user"), prompt}};
}

// The generated prose, without the first paragraph that quotes the request.
QString proseOf(const QString &text)
{
    const qsizetype paragraph = text.indexOf(QStringLiteral("\n\n"));
    return paragraph < 0 ? QString() : text.sliced(paragraph + 2);
}

qsizetype codePoints(const QString &text)
{
    return text.toUcs4().size();
}

// A schema for structured answers, its properties out of alphabetical order.
const char *const kAnswerSchema =
    "{\"type\":\"object\",\"properties\":{\"verdict\":{\"enum\":[\"pass\",\"fail\"]},\"score\":"
    "{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},\"notes\":{\"type\":\"array\",\"items\":"
    "{\"type\":\"string\"}}},\"required\":[\"verdict\",\"score\"]}";
// schemaInstance() of it, written out by hand.
const char *const kAnswerInstance = "{\"verdict\":\"pass\",\"score\":1,\"notes\":[\"sample\"]}";

nlohmann::ordered_json answerSchema()
{
    return nlohmann::ordered_json::parse(kAnswerSchema);
}

// A chat completions body asking for a structured answer that follows `schema`.
QByteArray structuredChatBody(const QString &model, const char *schema, bool stream = false)
{
    return "{\"model\":\"" + model.toUtf8() + "\",\"stream\":" + (stream ? "true" : "false") +
           ",\"messages\":[{\"role\":\"user\",\"content\":\"Grade it\"}],\"response_format\":{\"type\":"
           "\"json_schema\",\"json_schema\":{\"name\":\"grade\",\"schema\":" +
           QByteArray(schema) + ",\"strict\":true}}}";
}

// No pacing: every answer arrives at once, which keeps the HTTP tests fast.
SimulatorOptions unpacedOptions()
{
    SimulatorOptions options;
    options.tokensPerSecond = 0;
    options.firstTokenDelayMs = 0;
    return options;
}

// ---- raw HTTP ---------------------------------------------------------------------------------

// A chat completions request written by hand, for the raw client.
QByteArray chatPost(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return Lathe::TestSupport::rawPost("/v1/chat/completions", body, extraHeaders);
}

// The payloads of a data-only SSE body: each event must be exactly one `data: ` line followed
// by a blank line. Returns nullopt (and says why) when the body is not shaped like that.
std::optional<QList<QByteArray>> ssePayloads(const QByteArray &body, QString *why)
{
    if (!body.endsWith("\n\n")) {
        *why = QStringLiteral("the body does not end with a blank line");
        return std::nullopt;
    }
    QList<QByteArray> payloads;
    const QList<QByteArray> events = body.first(body.size() - 2).split('\n');
    // Lines alternate: data line, empty line, data line, …
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray &line = events[i];
        if (i % 2 == 1) {
            if (!line.isEmpty()) {
                *why = QStringLiteral("line %1 should be blank: %2").arg(i).arg(QString::fromUtf8(line));
                return std::nullopt;
            }
            continue;
        }
        if (!line.startsWith("data: ")) {
            *why = QStringLiteral("line %1 is not a data line: %2").arg(i).arg(QString::fromUtf8(line));
            return std::nullopt;
        }
        payloads.append(line.sliced(6));
    }
    return payloads;
}

QJsonObject jsonObject(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// choices[0] of a chat.completion or a chat.completion.chunk.
QJsonObject firstChoice(const QJsonObject &completion)
{
    return completion.value(QStringLiteral("choices")).toArray().at(0).toObject();
}

// choices[0].delta of a chat.completion.chunk's JSON.
QJsonObject firstDelta(const QByteArray &chunk)
{
    return firstChoice(jsonObject(chunk)).value(QStringLiteral("delta")).toObject();
}

// choices[0].message.content of a non-streamed chat.completion's JSON.
QString answerContent(const QByteArray &completion)
{
    return firstChoice(jsonObject(completion))
        .value(QStringLiteral("message"))
        .toObject()
        .value(QStringLiteral("content"))
        .toString();
}

} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // splitIntoSimulatedTokens
    void tokensJoinBackToTheExactText_data();
    void tokensJoinBackToTheExactText();
    void tokensNeverSplitSurrogatePairsOrExceedSixLettersOnRandomText();

    // simulateAnswer
    void sameModelAndMessagesGiveTheSameAnswer();
    void answerEndsWithAFullStop_data();
    void answerEndsWithAFullStop();
    void differentPromptOrModelGivesDifferentText_data();
    void differentPromptOrModelGivesDifferentText();
    void firstSentenceNamesModelWordCountAndOpening_data();
    void firstSentenceNamesModelWordCountAndOpening();
    void maxTokensCutsToExactlyNTokens_data();
    void maxTokensCutsToExactlyNTokens();
    void promptTokensGrowWithThePrompt();

    // simulateStructuredAnswer
    void structuredAnswerIsTheSchemaInstanceInTokens();
    void structuredAnswerThroughAToolIsACallOfIt();
    void structuredAnswerIsCutAtMaxTokens();
    void structuredAnswerFlawsSpoilTheInstance();

    // SimulatorFault
    void faultParse_data();
    void faultParse();
    void faultIndex_data();
    void faultIndex();

    // SimulatorServer over HTTP
    void modelsEndpointListsLatheSim();
    void unknownPathIs404WithJsonError_data();
    void unknownPathIs404WithJsonError();
    void getOnChatCompletionsIs405();
    void invalidRequestIs400NamingTheProblem_data();
    void invalidRequestIs400NamingTheProblem();
    void nonStreamedAnswerMatchesSimulateAnswer_data();
    void nonStreamedAnswerMatchesSimulateAnswer();
    void contentAsTextPartsIsAccepted();
    void faultHeaderHttp429CarriesRetryAfter();
    void faultInModelName_data();
    void faultInModelName();
    void serverWideFaultAppliesUnlessTheRequestNamesNone();
    void responseFormatGetsTheSchemaInstance();
    void structuredFaultsNeedASchemaTheyCanSpoil_data();
    void structuredFaultsNeedASchemaTheyCanSpoil();
    void streamedResponseHasTheOpenAiEventSequence_data();
    void streamedResponseHasTheOpenAiEventSequence();
    void streamedFaultsBreakTheStreamAfterNTokens_data();
    void streamedFaultsBreakTheStreamAfterNTokens();
    void requestSentOneByteAtATimeIsAnswered();
    void streamIsPacedByTokensPerSecondAndFirstTokenDelay();

private:
    struct HttpResult
    {
        int status = 0;
        QByteArray body;
        QNetworkReply *reply = nullptr; // deleted later; headers are read before that
        QList<QNetworkReply::RawHeaderPair> headers;
    };

    HttpResult send(const QByteArray &verb, const QString &path, const QByteArray &body = {},
                    const QList<QPair<QByteArray, QByteArray>> &headers = {});

    std::unique_ptr<SimulatorServer> m_server;
    QNetworkAccessManager *m_network = nullptr;
};

void TestSimulator::initTestCase()
{
    m_server = std::make_unique<SimulatorServer>(unpacedOptions());
    const auto port = m_server->listen();
    QVERIFY2(port.has_value(), qPrintable(port ? QString() : port.error().toString()));
    QVERIFY(*port != 0);
    QCOMPARE(m_server->port(), *port);
    QCOMPARE(m_server->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(*port)));

    m_network = new QNetworkAccessManager(this);
    m_network->setProxy(QNetworkProxy::NoProxy);
}

void TestSimulator::cleanupTestCase()
{
    m_server.reset();
}

TestSimulator::HttpResult TestSimulator::send(const QByteArray &verb, const QString &path,
                                              const QByteArray &body,
                                              const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path)));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    HttpResult result;
    if (!reply->isFinished() && !finished.wait(5000)) {
        reply->abort();
        reply->deleteLater();
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

// ---- splitIntoSimulatedTokens -------------------------------------------------------------

void TestSimulator::tokensJoinBackToTheExactText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("tokens");

    QTest::newRow("prose, words over six letters split")
        << QStringLiteral("The model streams tokens quickly.")
        << QStringList{QStringLiteral("The"), QStringLiteral(" model"),  QStringLiteral(" stream"),
                       QStringLiteral("s"),   QStringLiteral(" tokens"), QStringLiteral(" quickl"),
                       QStringLiteral("y"),   QStringLiteral(".")};
    QTest::newRow("leading and trailing whitespace")
        << QStringLiteral("  hi there \n")
        << QStringList{QStringLiteral("  hi"), QStringLiteral(" there"), QStringLiteral(" \n")};
    QTest::newRow("only whitespace") << QStringLiteral(" \t ") << QStringList{QStringLiteral(" \t ")};
    QTest::newRow("punctuation run, one mark per token")
        << QStringLiteral("Wait...?!")
        << QStringList{QStringLiteral("Wait"), QStringLiteral("."), QStringLiteral("."),
                       QStringLiteral("."),    QStringLiteral("?"), QStringLiteral("!")};
    QTest::newRow("punctuation after a space keeps the space")
        << QStringLiteral("a -- b")
        << QStringList{QStringLiteral("a"), QStringLiteral(" -"), QStringLiteral("-"), QStringLiteral(" b")};
    QTest::newRow("paragraph break") << QStringLiteral("One.\n\nTwo")
                                     << QStringList{QStringLiteral("One"), QStringLiteral("."),
                                                    QStringLiteral("\n\nTwo")};
    QTest::newRow("long word in pieces of six")
        << QStringLiteral("internationalization")
        << QStringList{QStringLiteral("intern"), QStringLiteral("ationa"), QStringLiteral("lizati"),
                       QStringLiteral("on")};
    QTest::newRow("symbols are single tokens")
        << QStringLiteral("5€ → ok")
        << QStringList{QStringLiteral("5"), QStringLiteral("€"), QStringLiteral(" →"), QStringLiteral(" ok")};
    QTest::newRow("accented letters are letters")
        << QStringLiteral("naïve café façade")
        << QStringList{QStringLiteral("naïve"), QStringLiteral(" café"), QStringLiteral(" façade")};
    QTest::newRow("emoji run: a pair is never cut at six")
        << QStringLiteral("ok 😀😀😀😀 done")
        << QStringList{QStringLiteral("ok"), QStringLiteral(" 😀😀😀"), QStringLiteral("😀"),
                       QStringLiteral(" done")};
    QTest::newRow("emoji whose high surrogate is the sixth unit")
        << QStringLiteral("abcde😀x") << QStringList{QStringLiteral("abcde😀"), QStringLiteral("x")};
    QTest::newRow("emoji after a six-letter piece")
        << QStringLiteral("abcdef😀") << QStringList{QStringLiteral("abcdef"), QStringLiteral("😀")};
    QTest::newRow("emoji between punctuation")
        << QStringLiteral("(😀)")
        << QStringList{QStringLiteral("("), QStringLiteral("😀"), QStringLiteral(")")};
    QTest::newRow("CJK with full-width punctuation")
        << QStringLiteral("你好世界，这是一个测试。")
        << QStringList{QStringLiteral("你好世界"), QStringLiteral("，"), QStringLiteral("这是一个测试"),
                       QStringLiteral("。")};
    QTest::newRow("long CJK run") << QStringLiteral("一二三四五六七八")
                                  << QStringList{QStringLiteral("一二三四五六"), QStringLiteral("七八")};
    QTest::newRow("empty string gives no tokens") << QString() << QStringList();
}

void TestSimulator::tokensJoinBackToTheExactText()
{
    QFETCH(QString, text);
    QFETCH(QStringList, tokens);

    const QStringList actual = Mock::splitIntoSimulatedTokens(text);
    QCOMPARE(actual.join(QString()), text);
    QCOMPARE(actual, tokens);
    for (const QString &token : actual) {
        QVERIFY(!token.isEmpty());
        QVERIFY2(!token.front().isLowSurrogate() && !token.back().isHighSurrogate(), qPrintable(token));
        QVERIFY2(codePoints(token.trimmed()) <= 6, qPrintable(token));
    }
}

void TestSimulator::tokensNeverSplitSurrogatePairsOrExceedSixLettersOnRandomText()
{
    // Fixed seed: reproducible, but far more shapes than a hand-written table.
    QRandomGenerator random(20240611);
    const QStringList palette{QStringLiteral("a"),  QStringLiteral("Z"),  QStringLiteral(" "),
                              QStringLiteral("\n"), QStringLiteral("."),  QStringLiteral(","),
                              QStringLiteral("é"),  QStringLiteral("€"),  QStringLiteral("😀"),
                              QStringLiteral("你"), QStringLiteral("🇫🇷"), QStringLiteral("\t"),
                              QStringLiteral("—"),  QStringLiteral("7")};
    for (int round = 0; round < 500; ++round) {
        QString text;
        const int length = random.bounded(40);
        for (int i = 0; i < length; ++i)
            text += palette[random.bounded(int(palette.size()))];
        const QStringList tokens = Mock::splitIntoSimulatedTokens(text);
        QCOMPARE(tokens.join(QString()), text);
        for (const QString &token : tokens) {
            QVERIFY2(!token.isEmpty(), qPrintable(text));
            QVERIFY2(!token.front().isLowSurrogate() && !token.back().isHighSurrogate(), qPrintable(text));
            QVERIFY2(codePoints(token.trimmed()) <= 6, qPrintable(token));
        }
    }
}

// ---- simulateAnswer -------------------------------------------------------------------------

void TestSimulator::sameModelAndMessagesGiveTheSameAnswer()
{
    const QList<ChatMessage> messages{{QStringLiteral("system"), QStringLiteral("Be brief.")},
                                      {QStringLiteral("user"), QStringLiteral("What is a token budget?")}};
    const SimulatedAnswer first = Mock::simulateAnswer(QStringLiteral("lathe-sim"), messages, std::nullopt);
    const SimulatedAnswer second = Mock::simulateAnswer(QStringLiteral("lathe-sim"), messages, std::nullopt);
    QVERIFY(first.tokens.size() > 30);
    QCOMPARE(second.tokens, first.tokens);
    QCOMPARE(second.finishReason, first.finishReason);
    QCOMPARE(second.promptTokens, first.promptTokens);
    QCOMPARE(first.text(), first.tokens.join(QString()));
}

void TestSimulator::answerEndsWithAFullStop_data()
{
    QTest::addColumn<QStringList>("messages");

    QTest::newRow("plain prompt") << QStringList{QStringLiteral("user"),
                                                 QStringLiteral("Compare two prompts for cost")};
    // This one's prose happens to reach its length right after a paragraph break.
    QTest::newRow("answer whose last sentence closes a paragraph")
        << QStringList{QStringLiteral("system"), QStringLiteral("Be brief."), QStringLiteral("user"),
                       QStringLiteral("What is a token budget?")};
}

void TestSimulator::answerEndsWithAFullStop()
{
    QFETCH(QStringList, messages);

    const SimulatedAnswer answer =
        Mock::simulateAnswer(QStringLiteral("lathe-sim"), messagesFrom(messages), std::nullopt);
    QVERIFY2(answer.text().endsWith(QLatin1Char('.')), qPrintable(answer.text().right(30)));
    QVERIFY2(!answer.tokens.back().trimmed().isEmpty(), "the last streamed token is only whitespace");
}

void TestSimulator::differentPromptOrModelGivesDifferentText_data()
{
    QTest::addColumn<QString>("otherModel");
    QTest::addColumn<QStringList>("otherMessages");

    const QStringList base{QStringLiteral("user"), QStringLiteral("Compare two prompts for cost")};
    QTest::newRow("another prompt") << QStringLiteral("lathe-sim")
                                    << QStringList{QStringLiteral("user"),
                                                   QStringLiteral("Compare two prompts for speed")};
    QTest::newRow("one character more")
        << QStringLiteral("lathe-sim")
        << QStringList{QStringLiteral("user"), QStringLiteral("Compare two prompts for cost!")};
    QTest::newRow("another model") << QStringLiteral("lathe-sim-large") << base;
    QTest::newRow("an added system message")
        << QStringLiteral("lathe-sim")
        << QStringList{QStringLiteral("system"), QStringLiteral("Be brief.")} + base;
    QTest::newRow("same words, another role")
        << QStringLiteral("lathe-sim") << QStringList{QStringLiteral("system"), base[1]};
}

void TestSimulator::differentPromptOrModelGivesDifferentText()
{
    QFETCH(QString, otherModel);
    QFETCH(QStringList, otherMessages);

    const SimulatedAnswer base =
        Mock::simulateAnswer(QStringLiteral("lathe-sim"),
                             userPrompt(QStringLiteral("Compare two prompts for cost")), std::nullopt);
    const SimulatedAnswer other = Mock::simulateAnswer(otherModel, messagesFrom(otherMessages), std::nullopt);
    QVERIFY(other.text() != base.text());
    // Not just the quoted header: the generated prose itself differs.
    QVERIFY(!proseOf(base.text()).isEmpty());
    QVERIFY(proseOf(other.text()) != proseOf(base.text()));
}

void TestSimulator::firstSentenceNamesModelWordCountAndOpening_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QStringList>("messages");
    QTest::addColumn<QString>("firstParagraph");

    QTest::newRow("short prompt quoted whole")
        << QStringLiteral("lathe-sim") << QStringList{QStringLiteral("user"), QStringLiteral("Say hi")}
        << QStringLiteral("Simulated answer from lathe-sim to your 2-word prompt (\u201cSay hi\u201d).");
    QTest::newRow("six words quoted without ellipsis")
        << QStringLiteral("lathe-sim")
        << QStringList{QStringLiteral("user"), QStringLiteral("one two three four five six")}
        << QStringLiteral("Simulated answer from lathe-sim to your 6-word prompt (\u201cone two three four "
                          "five six\u201d).");
    QTest::newRow("long prompt quoted to six words and an ellipsis")
        << QStringLiteral("lathe-sim-large")
        << QStringList{QStringLiteral("user"),
                       QStringLiteral("Explain the difference between TCP and UDP in detail")}
        << QStringLiteral("Simulated answer from lathe-sim-large to your 9-word prompt "
                          "(\u201cExplain the difference between TCP and\u2026\u201d).");
    QTest::newRow("whitespace in the prompt is simplified")
        << QStringLiteral("lathe-sim")
        << QStringList{QStringLiteral("user"), QStringLiteral("  Say\n\thi   there ")}
        << QStringLiteral(
               "Simulated answer from lathe-sim to your 3-word prompt (\u201cSay hi there\u201d).");
    QTest::newRow("the last user message is the prompt")
        << QStringLiteral("lathe-sim")
        << QStringList{QStringLiteral("system"),    QStringLiteral("You are terse"),
                       QStringLiteral("user"),      QStringLiteral("first question here"),
                       QStringLiteral("assistant"), QStringLiteral("an answer"),
                       QStringLiteral("user"),      QStringLiteral("second one")}
        << QStringLiteral("Simulated answer from lathe-sim to your 2-word prompt (\u201csecond one\u201d).");
    QTest::newRow("no user message: zero words, no quote")
        << QStringLiteral("lathe-sim") << QStringList{QStringLiteral("system"), QStringLiteral("Be brief")}
        << QStringLiteral("Simulated answer from lathe-sim to your 0-word prompt.");
    QTest::newRow("non-ASCII prompt")
        << QStringLiteral("lathe-sim")
        << QStringList{QStringLiteral("user"), QStringLiteral("Größe über 😀 café")}
        << QStringLiteral(
               "Simulated answer from lathe-sim to your 4-word prompt (\u201cGröße über 😀 café\u201d).");
    QTest::newRow("model name with a percent placeholder")
        << QStringLiteral("fine%1tune") << QStringList{QStringLiteral("user"), QStringLiteral("Say hi")}
        << QStringLiteral("Simulated answer from fine%1tune to your 2-word prompt (\u201cSay hi\u201d).");
}

void TestSimulator::firstSentenceNamesModelWordCountAndOpening()
{
    QFETCH(QString, model);
    QFETCH(QStringList, messages);
    QFETCH(QString, firstParagraph);

    const QString text = Mock::simulateAnswer(model, messagesFrom(messages), std::nullopt).text();
    const QString actualFirst = text.first(std::max<qsizetype>(0, text.indexOf(QStringLiteral("\n\n"))));
    QCOMPARE(actualFirst, firstParagraph);
    QVERIFY(!proseOf(text).isEmpty());
}

void TestSimulator::maxTokensCutsToExactlyNTokens_data()
{
    QTest::addColumn<int>("limit"); // -1: no limit; -2: exactly the full length; -3: full length + 5

    QTest::newRow("no limit") << -1;
    QTest::newRow("0") << 0;
    QTest::newRow("1") << 1;
    QTest::newRow("10") << 10;
    QTest::newRow("30") << 30;
    QTest::newRow("exactly the answer's length") << -2;
    QTest::newRow("more than the answer's length") << -3;
}

void TestSimulator::maxTokensCutsToExactlyNTokens()
{
    QFETCH(int, limit);

    const QString model = QStringLiteral("lathe-sim");
    const QList<ChatMessage> messages = userPrompt(QStringLiteral("Summarise the latency budget"));
    const SimulatedAnswer full = Mock::simulateAnswer(model, messages, std::nullopt);
    QCOMPARE(full.finishReason, QStringLiteral("stop"));
    QVERIFY(full.tokens.size() > 30);

    std::optional<qint64> maxTokens;
    if (limit >= 0)
        maxTokens = limit;
    else if (limit == -2)
        maxTokens = full.tokens.size();
    else if (limit == -3)
        maxTokens = full.tokens.size() + 5;

    const SimulatedAnswer answer = Mock::simulateAnswer(model, messages, maxTokens);
    const bool cut = maxTokens && *maxTokens < full.tokens.size();
    QCOMPARE(answer.tokens.size(), cut ? *maxTokens : full.tokens.size());
    QCOMPARE(answer.tokens, full.tokens.mid(0, answer.tokens.size()));
    QCOMPARE(answer.finishReason, cut ? QStringLiteral("length") : QStringLiteral("stop"));
    QCOMPARE(answer.promptTokens, full.promptTokens);
}

void TestSimulator::promptTokensGrowWithThePrompt()
{
    const QString model = QStringLiteral("lathe-sim");
    qint64 previous = -1;
    QString prompt;
    for (const QString &word :
         {QStringLiteral("Why"), QStringLiteral(" is"), QStringLiteral(" my"), QStringLiteral(" p95"),
          QStringLiteral(" latency"), QStringLiteral(" so high?")}) {
        prompt += word;
        const qint64 tokens = Mock::simulateAnswer(model, userPrompt(prompt), std::nullopt).promptTokens;
        QVERIFY2(tokens > previous, qPrintable(prompt));
        previous = tokens;
    }
    // Another message costs its own tokens plus framing.
    const QList<ChatMessage> withSystem{{QStringLiteral("system"), QStringLiteral("Be brief.")},
                                        {QStringLiteral("user"), prompt}};
    const qint64 withSystemTokens = Mock::simulateAnswer(model, withSystem, std::nullopt).promptTokens;
    QVERIFY(withSystemTokens >=
            previous + Mock::splitIntoSimulatedTokens(QStringLiteral("Be brief.")).size());
    // Even an empty prompt costs something.
    QVERIFY(Mock::simulateAnswer(model, userPrompt(QString()), std::nullopt).promptTokens > 0);
}

// ---- simulateStructuredAnswer -------------------------------------------------------------------

void TestSimulator::structuredAnswerIsTheSchemaInstanceInTokens()
{
    const QList<ChatMessage> prompt = userPrompt(QStringLiteral("Grade the essay"));
    const auto answer = Mock::simulateStructuredAnswer(QStringLiteral("lathe-sim"), prompt, answerSchema(),
                                                       QString(), StructuredAnswerFlaw::None, std::nullopt);
    QVERIFY(answer.has_value());
    QCOMPARE(answer->text(), QString::fromLatin1(kAnswerInstance));
    QCOMPARE(answer->tokens, Mock::splitIntoSimulatedTokens(QString::fromLatin1(kAnswerInstance)));
    QVERIFY(!answer->toolCall.has_value());
    QCOMPARE(answer->finishReason, QStringLiteral("stop"));
    QCOMPARE(answer->promptTokens, Mock::simulatedPromptTokens(prompt));
    // The answer depends on the schema alone.
    const auto other = Mock::simulateStructuredAnswer(
        QStringLiteral("lathe-sim-large"), userPrompt(QStringLiteral("Something else")), answerSchema(),
        QString(), StructuredAnswerFlaw::None, std::nullopt);
    QCOMPARE(other->text(), answer->text());
}

void TestSimulator::structuredAnswerThroughAToolIsACallOfIt()
{
    const QList<ChatMessage> prompt = userPrompt(QStringLiteral("Grade the essay"));
    const auto answer =
        Mock::simulateStructuredAnswer(QStringLiteral("lathe-sim"), prompt, answerSchema(),
                                       QStringLiteral("grade"), StructuredAnswerFlaw::None, std::nullopt);
    QVERIFY(answer.has_value());
    QVERIFY(answer->toolCall.has_value());
    QVERIFY(answer->tokens.isEmpty());
    QCOMPARE(answer->toolCall->name, QStringLiteral("grade"));
    QCOMPARE(answer->toolCall->argumentFragments,
             Mock::splitIntoSimulatedTokens(QString::fromLatin1(kAnswerInstance)));
    QCOMPARE(
        answer->toolCall->id,
        Mock::simulateToolCall(QStringLiteral("lathe-sim"), prompt, QStringLiteral("grade")).toolCall->id);
    QCOMPARE(answer->finishReason, QStringLiteral("tool_calls"));
    QCOMPARE(answer->pieceCount(), answer->toolCall->argumentFragments.size());
}

void TestSimulator::structuredAnswerIsCutAtMaxTokens()
{
    for (const QString &tool : {QString(), QStringLiteral("grade")}) {
        const auto answer =
            Mock::simulateStructuredAnswer(QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("Grade")),
                                           answerSchema(), tool, StructuredAnswerFlaw::None, 5);
        QVERIFY(answer.has_value());
        QCOMPARE(answer->pieceCount(), qsizetype(5));
        QCOMPARE(answer->finishReason, QStringLiteral("length"));
        const QString text = answer->toolCall ? answer->toolCall->arguments() : answer->text();
        QVERIFY2(QString::fromLatin1(kAnswerInstance).startsWith(text), qPrintable(text));
    }
}

void TestSimulator::structuredAnswerFlawsSpoilTheInstance()
{
    const auto broken = Mock::simulateStructuredAnswer(
        QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("x")), answerSchema(), QString(),
        StructuredAnswerFlaw::InvalidJson, std::nullopt);
    QVERIFY(broken.has_value());
    QCOMPARE(broken->text(), QStringLiteral("{\"verdict\":\"pass\",\"score\":1,"));
    QCOMPARE(broken->finishReason, QStringLiteral("stop"));

    const auto violating = Mock::simulateStructuredAnswer(
        QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("x")), answerSchema(), QString(),
        StructuredAnswerFlaw::SchemaViolation, std::nullopt);
    QVERIFY(violating.has_value());
    QCOMPARE(violating->text(), QStringLiteral("{\"score\":1,\"notes\":[\"sample\"]}"));

    const auto unbreakable = Mock::simulateStructuredAnswer(
        QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("x")), nlohmann::ordered_json::object(),
        QString(), StructuredAnswerFlaw::SchemaViolation, std::nullopt);
    QVERIFY(!unbreakable.has_value());
    QVERIFY2(unbreakable.error().message.contains(QStringLiteral("accepts any value")),
             qPrintable(unbreakable.error().message));
}

// ---- SimulatorFault ---------------------------------------------------------------------------

void TestSimulator::faultParse_data()
{
    using Kind = SimulatorFault::Kind;
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<int>("afterTokens");
    QTest::addColumn<QStringList>("messageContains");

    const QStringList none;
    QTest::newRow("empty") << QString() << true << Kind::None << 0 << -1 << none;
    QTest::newRow("none") << QStringLiteral("none") << true << Kind::None << 0 << -1 << none;
    QTest::newRow("http-401") << QStringLiteral("http-401") << true << Kind::HttpStatus << 401 << -1 << none;
    QTest::newRow("http-400, lowest")
        << QStringLiteral("http-400") << true << Kind::HttpStatus << 400 << -1 << none;
    QTest::newRow("http-599, highest")
        << QStringLiteral("http-599") << true << Kind::HttpStatus << 599 << -1 << none;
    QTest::newRow("surrounding spaces")
        << QStringLiteral("  http-429 ") << true << Kind::HttpStatus << 429 << -1 << none;
    QTest::newRow("reset-mid-stream, halfway")
        << QStringLiteral("reset-mid-stream") << true << Kind::ResetMidStream << 0 << -1 << none;
    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << true << Kind::ResetMidStream << 0 << 5 << none;
    QTest::newRow("error-after-200:0")
        << QStringLiteral("error-after-200:0") << true << Kind::ErrorAfter200 << 0 << 0 << none;
    QTest::newRow("malformed-event:3")
        << QStringLiteral("malformed-event:3") << true << Kind::MalformedEvent << 0 << 3 << none;
    QTest::newRow("invalid-json") << QStringLiteral("invalid-json") << true << Kind::InvalidJson << 0 << -1
                                  << none;
    QTest::newRow("schema-violation for the first two requests")
        << QStringLiteral("schema-violation*2") << true << Kind::SchemaViolation << 0 << -1 << none;
    QTest::newRow("invalid-json takes no number")
        << QStringLiteral("invalid-json:3") << false << Kind::None << 0 << 0
        << QStringList{QStringLiteral("fault \"invalid-json:3\" takes no number")};
    QTest::newRow("tool-call takes no number") << QStringLiteral("tool-call:1") << false << Kind::None << 0
                                               << 0 << QStringList{QStringLiteral("takes no number")};

    const QStringList status{QStringLiteral("400"), QStringLiteral("599")};
    QTest::newRow("http-200 is no fault status")
        << QStringLiteral("http-200") << false << Kind::None << 0 << 0 << status;
    QTest::newRow("http-600") << QStringLiteral("http-600") << false << Kind::None << 0 << 0 << status;
    QTest::newRow("http-abc") << QStringLiteral("http-abc") << false << Kind::None << 0 << 0 << status;
    QTest::newRow("only 429, 503 and 529 take a retry-after")
        << QStringLiteral("http-401:3") << false << Kind::None << 0 << 0
        << QStringList{QStringLiteral("only 429, 503 and 529 take a retry-after")};
    const QStringList count{QStringLiteral("whole number")};
    QTest::newRow("negative count") << QStringLiteral("reset-mid-stream:-1") << false << Kind::None << 0 << 0
                                    << count;
    QTest::newRow("count not a number")
        << QStringLiteral("reset-mid-stream:x") << false << Kind::None << 0 << 0 << count;
    QTest::newRow("empty count") << QStringLiteral("error-after-200:") << false << Kind::None << 0 << 0
                                 << count;
    QTest::newRow("unknown name lists the known faults")
        << QStringLiteral("explode") << false << Kind::None << 0 << 0
        << QStringList{QStringLiteral("explode"),          QStringLiteral("http-NNN"),
                       QStringLiteral("reset-mid-stream"), QStringLiteral("error-after-200"),
                       QStringLiteral("malformed-event"),  QStringLiteral("invalid-json"),
                       QStringLiteral("schema-violation")};
    QTest::newRow("unknown name with a count") << QStringLiteral("none:3") << false << Kind::None << 0 << 0
                                               << QStringList{QStringLiteral("unknown fault")};
}

void TestSimulator::faultParse()
{
    QFETCH(QString, spec);
    QFETCH(bool, valid);
    QFETCH(SimulatorFault::Kind, kind);
    QFETCH(int, httpStatus);
    QFETCH(int, afterTokens);
    QFETCH(QStringList, messageContains);

    const auto fault = SimulatorFault::parse(spec);
    QCOMPARE(fault.has_value(), valid);
    if (valid) {
        QCOMPARE(fault->kind, kind);
        QCOMPARE(fault->httpStatus, httpStatus);
        QCOMPARE(fault->afterTokens, afterTokens);
        return;
    }
    QCOMPARE(fault.error().code, ErrorCode::InvalidArgument);
    for (const QString &fragment : messageContains)
        QVERIFY2(fault.error().message.contains(fragment), qPrintable(fault.error().message));
}

void TestSimulator::faultIndex_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("index");

    QTest::newRow("default is halfway, even") << QStringLiteral("reset-mid-stream") << 10 << 5;
    QTest::newRow("default is halfway, odd") << QStringLiteral("error-after-200") << 11 << 5;
    QTest::newRow("default on an empty stream") << QStringLiteral("malformed-event") << 0 << 0;
    QTest::newRow("explicit count") << QStringLiteral("reset-mid-stream:3") << 10 << 3;
    QTest::newRow("zero") << QStringLiteral("reset-mid-stream:0") << 10 << 0;
    QTest::newRow("count equal to total") << QStringLiteral("reset-mid-stream:10") << 10 << 10;
    QTest::newRow("count clamped to total") << QStringLiteral("error-after-200:12") << 10 << 10;
}

void TestSimulator::faultIndex()
{
    QFETCH(QString, spec);
    QFETCH(int, total);
    QFETCH(int, index);

    const auto fault = SimulatorFault::parse(spec);
    QVERIFY(fault.has_value());
    QCOMPARE(fault->faultIndex(total), qsizetype(index));
}

// ---- SimulatorServer over HTTP ----------------------------------------------------------------

void TestSimulator::modelsEndpointListsLatheSim()
{
    const HttpResult result = send("GET", QStringLiteral("/v1/models"));
    QCOMPARE(result.status, 200);
    const QJsonObject root = jsonObject(result.body);
    QCOMPARE(root.value(QStringLiteral("object")).toString(), QStringLiteral("list"));
    QStringList ids;
    for (const QJsonValue &model : root.value(QStringLiteral("data")).toArray()) {
        QCOMPARE(model.toObject().value(QStringLiteral("object")).toString(), QStringLiteral("model"));
        ids.append(model.toObject().value(QStringLiteral("id")).toString());
    }
    QVERIFY2(ids.contains(QStringLiteral("lathe-sim")), qPrintable(ids.join(QLatin1Char(','))));
}

void TestSimulator::unknownPathIs404WithJsonError_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");

    QTest::newRow("GET /v1/nothing") << QByteArrayLiteral("GET") << QStringLiteral("/v1/nothing");
    QTest::newRow("GET /") << QByteArrayLiteral("GET") << QStringLiteral("/");
    QTest::newRow("POST /v1/completions") << QByteArrayLiteral("POST") << QStringLiteral("/v1/completions");
    QTest::newRow("trailing slash") << QByteArrayLiteral("POST") << QStringLiteral("/v1/chat/completions/");
}

void TestSimulator::unknownPathIs404WithJsonError()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);

    const HttpResult result = send(verb, path, verb == "POST" ? QByteArrayLiteral("{}") : QByteArray());
    QCOMPARE(result.status, 404);
    const QJsonObject error = jsonObject(result.body).value(QStringLiteral("error")).toObject();
    const QString message = error.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(path), qPrintable(QString::fromUtf8(result.body)));
}

void TestSimulator::getOnChatCompletionsIs405()
{
    const HttpResult result = send("GET", QStringLiteral("/v1/chat/completions"));
    QCOMPARE(result.status, 405);
    const QJsonObject error = jsonObject(result.body).value(QStringLiteral("error")).toObject();
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QStringLiteral("POST")),
             result.body.constData());
}

void TestSimulator::invalidRequestIs400NamingTheProblem_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("messageContains");

    const QByteArray hi = R"([{"role":"user","content":"hi"}])";
    QTest::newRow("invalid JSON") << QByteArrayLiteral("{\"model\": \"lathe-sim\", ")
                                  << QStringLiteral("invalid JSON");
    QTest::newRow("not an object") << QByteArrayLiteral("[1, 2]") << QStringLiteral("JSON object");
    QTest::newRow("missing model") << QByteArray(R"({"messages":)" + hi + "}") << QStringLiteral("'model'");
    QTest::newRow("empty model") << QByteArray(R"({"model":"","messages":)" + hi + "}")
                                 << QStringLiteral("'model'");
    QTest::newRow("model not a string")
        << QByteArray(R"({"model":7,"messages":)" + hi + "}") << QStringLiteral("'model'");
    QTest::newRow("missing messages")
        << QByteArrayLiteral(R"({"model":"lathe-sim"})") << QStringLiteral("'messages'");
    QTest::newRow("empty messages") << QByteArrayLiteral(R"({"model":"lathe-sim","messages":[]})")
                                    << QStringLiteral("'messages'");
    QTest::newRow("messages[1].role not a string")
        << QByteArrayLiteral(
               R"({"model":"lathe-sim","messages":[{"role":"user","content":"hi"},{"role":5,"content":"x"}]})")
        << QStringLiteral("'messages[1].role'");
    QTest::newRow("messages[0] not an object")
        << QByteArrayLiteral(R"({"model":"lathe-sim","messages":["hi"]})")
        << QStringLiteral("'messages[0].role'");
    QTest::newRow("content an object")
        << QByteArrayLiteral(R"({"model":"lathe-sim","messages":[{"role":"user","content":{"text":"hi"}}]})")
        << QStringLiteral("'messages[0].content'");
    QTest::newRow("content part without text")
        << QByteArrayLiteral(
               R"({"model":"lathe-sim","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})")
        << QStringLiteral("'messages[0].content'");
    QTest::newRow("max_tokens 0") << QByteArray(R"({"model":"lathe-sim","max_tokens":0,"messages":)" + hi +
                                                "}")
                                  << QStringLiteral("'max_tokens'");
    QTest::newRow("max_tokens fractional")
        << QByteArray(R"({"model":"lathe-sim","max_tokens":2.5,"messages":)" + hi + "}")
        << QStringLiteral("'max_tokens'");
    QTest::newRow("max_completion_tokens negative")
        << QByteArray(R"({"model":"lathe-sim","max_completion_tokens":-3,"messages":)" + hi + "}")
        << QStringLiteral("'max_completion_tokens'");
    QTest::newRow("stream not a boolean")
        << QByteArray(R"({"model":"lathe-sim","stream":"yes","messages":)" + hi + "}")
        << QStringLiteral("'stream'");
    QTest::newRow("response_format without a type")
        << QByteArray("{\"model\":\"lathe-sim\",\"response_format\":{},\"messages\":" + hi + "}")
        << QStringLiteral("'response_format.type'");
    QTest::newRow("response_format of an unknown type")
        << QByteArray("{\"model\":\"lathe-sim\",\"response_format\":{\"type\":\"xml\"},\"messages\":" + hi +
                      "}")
        << QStringLiteral("Invalid value for 'response_format.type'");
    QTest::newRow("json_schema without json_schema")
        << QByteArray(
               "{\"model\":\"lathe-sim\",\"response_format\":{\"type\":\"json_schema\"},\"messages\":" + hi +
               "}")
        << QStringLiteral("'response_format.json_schema'");
    QTest::newRow("json_schema without a schema")
        << QByteArray(
               "{\"model\":\"lathe-sim\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
               "{\"name\":\"a\"}},\"messages\":" +
               hi + "}")
        << QStringLiteral("Invalid type for 'response_format.json_schema.schema': expected an object.");
    QTest::newRow("json_schema name too long")
        << QByteArray(
               "{\"model\":\"lathe-sim\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
               "{\"name\":\"" +
               QByteArray(65, 'n') + "\",\"schema\":{}}},\"messages\":" + hi + "}")
        << QStringLiteral("Invalid 'response_format.json_schema.name'");
    QTest::newRow("json_schema strict not a boolean")
        << QByteArray(
               "{\"model\":\"lathe-sim\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
               "{\"name\":\"a\",\"schema\":{},\"strict\":\"yes\"}},\"messages\":" +
               hi + "}")
        << QStringLiteral("'response_format.json_schema.strict'");
}

void TestSimulator::invalidRequestIs400NamingTheProblem()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, messageContains);

    const HttpResult result = send("POST", QStringLiteral("/v1/chat/completions"), body);
    QCOMPARE(result.status, 400);
    const QJsonObject error = jsonObject(result.body).value(QStringLiteral("error")).toObject();
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(messageContains),
             result.body.constData());
    QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
}

void TestSimulator::nonStreamedAnswerMatchesSimulateAnswer_data()
{
    QTest::addColumn<QStringList>("messages");
    QTest::addColumn<int>("maxTokens"); // 0: none
    QTest::addColumn<QByteArray>("limitKey");

    QTest::newRow("one user message")
        << QStringList{QStringLiteral("user"), QStringLiteral("How do retries work?")} << 0 << QByteArray();
    QTest::newRow("system and user, max_tokens 12")
        << QStringList{QStringLiteral("system"), QStringLiteral("Be brief."), QStringLiteral("user"),
                       QStringLiteral("Explain the fallback chain")}
        << 12 << QByteArrayLiteral("max_tokens");
    QTest::newRow("max_completion_tokens 7")
        << QStringList{QStringLiteral("user"), QStringLiteral("Größe und Gewicht 😀")} << 7
        << QByteArrayLiteral("max_completion_tokens");
}

void TestSimulator::nonStreamedAnswerMatchesSimulateAnswer()
{
    QFETCH(QStringList, messages);
    QFETCH(int, maxTokens);
    QFETCH(QByteArray, limitKey);

    const QList<ChatMessage> chat = messagesFrom(messages);
    QJsonObject request{{QStringLiteral("model"), QStringLiteral("lathe-sim")},
                        {QStringLiteral("messages"), messagesJson(chat)}};
    if (maxTokens > 0)
        request.insert(QString::fromLatin1(limitKey), maxTokens);
    const HttpResult result = send("POST", QStringLiteral("/v1/chat/completions"),
                                   QJsonDocument(request).toJson(QJsonDocument::Compact));
    QCOMPARE(result.status, 200);

    const SimulatedAnswer expected = Mock::simulateAnswer(
        QStringLiteral("lathe-sim"), chat, maxTokens > 0 ? std::optional<qint64>(maxTokens) : std::nullopt);
    const QJsonObject root = jsonObject(result.body);
    QCOMPARE(root.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
    QCOMPARE(root.value(QStringLiteral("model")).toString(), QStringLiteral("lathe-sim"));
    const QJsonObject choice = firstChoice(root);
    const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
    QCOMPARE(message.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
    QCOMPARE(message.value(QStringLiteral("content")).toString(), expected.text());
    QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), expected.finishReason);
    QCOMPARE(expected.finishReason, maxTokens > 0 ? QStringLiteral("length") : QStringLiteral("stop"));

    const QJsonObject usage = root.value(QStringLiteral("usage")).toObject();
    QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInteger(), expected.promptTokens);
    QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInteger(), qint64(expected.tokens.size()));
    QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(),
             expected.promptTokens + expected.tokens.size());
}

void TestSimulator::contentAsTextPartsIsAccepted()
{
    const QByteArray body = R"({"model":"lathe-sim","messages":[{"role":"user","content":[)"
                            R"({"type":"text","text":"Tell me "},{"type":"text","text":"about caching"}]}]})";
    const HttpResult result = send("POST", QStringLiteral("/v1/chat/completions"), body);
    QCOMPARE(result.status, 200);
    QCOMPARE(answerContent(result.body),
             Mock::simulateAnswer(QStringLiteral("lathe-sim"),
                                  userPrompt(QStringLiteral("Tell me about caching")), std::nullopt)
                 .text());
}

void TestSimulator::faultHeaderHttp429CarriesRetryAfter()
{
    const QByteArray body =
        chatBody(QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("hi")), std::nullopt, true);
    const HttpResult result = send("POST", QStringLiteral("/v1/chat/completions"), body,
                                   {{QByteArrayLiteral("X-Lathe-Fault"), QByteArrayLiteral("http-429")}});
    QCOMPARE(result.status, 429);
    bool hasRetryAfter = false;
    for (const auto &[name, value] : result.headers) {
        if (name.compare("retry-after", Qt::CaseInsensitive) == 0) {
            hasRetryAfter = true;
            QVERIFY(value.toInt() > 0);
        }
    }
    QVERIFY(hasRetryAfter);
    const QJsonObject error = jsonObject(result.body).value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("rate_limit_exceeded"));
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
}

void TestSimulator::faultInModelName_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messageContains");

    QTest::newRow("http-503") << QStringLiteral("lathe-sim+http-503") << 503 << QStringLiteral("http-503");
    QTest::newRow("http-401") << QStringLiteral("lathe-sim+http-401") << 401 << QStringLiteral("API key");
    QTest::newRow("unknown fault") << QStringLiteral("lathe-sim+explode") << 400
                                   << QStringLiteral("unknown fault");
    QTest::newRow("invalid status") << QStringLiteral("lathe-sim+http-200") << 400
                                    << QStringLiteral("http-200");
}

void TestSimulator::faultInModelName()
{
    QFETCH(QString, model);
    QFETCH(int, status);
    QFETCH(QString, messageContains);

    for (const bool stream : {false, true}) {
        const HttpResult result =
            send("POST", QStringLiteral("/v1/chat/completions"),
                 chatBody(model, userPrompt(QStringLiteral("hi")), std::nullopt, stream));
        QCOMPARE(result.status, status);
        const QString message = jsonObject(result.body)
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        QVERIFY2(message.contains(messageContains), result.body.constData());
    }
}

void TestSimulator::serverWideFaultAppliesUnlessTheRequestNamesNone()
{
    SimulatorOptions options = unpacedOptions();
    options.fault = *SimulatorFault::parse(QStringLiteral("http-503"));
    SimulatorServer server(options);
    QVERIFY(server.listen().has_value());

    const QByteArray body =
        chatBody(QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("hi")), std::nullopt, false);
    const RawHttpResponse faulty = rawHttpExchange(server.port(), chatPost(body));
    QCOMPARE(faulty.status, 503);
    const RawHttpResponse clean = rawHttpExchange(server.port(), chatPost(body, "X-Lathe-Fault: none\r\n"));
    QCOMPARE(clean.status, 200);
    const RawHttpResponse overridden =
        rawHttpExchange(server.port(), chatPost(body, "X-Lathe-Fault: http-418\r\n"));
    QCOMPARE(overridden.status, 418);
}

void TestSimulator::responseFormatGetsTheSchemaInstance()
{
    const HttpResult whole = send("POST", QStringLiteral("/v1/chat/completions"),
                                  structuredChatBody(QStringLiteral("lathe-sim"), kAnswerSchema));
    QCOMPARE(whole.status, 200);
    QCOMPARE(answerContent(whole.body), QString::fromLatin1(kAnswerInstance));

    // JSON mode without a schema is not imitated: the answer is the usual prose.
    const QByteArray jsonMode = "{\"model\":\"lathe-sim\",\"messages\":[{\"role\":\"user\",\"content\":"
                                "\"Grade it\"}],\"response_format\":{\"type\":\"json_object\"}}";
    const HttpResult prose = send("POST", QStringLiteral("/v1/chat/completions"), jsonMode);
    QCOMPARE(prose.status, 200);
    QCOMPARE(answerContent(prose.body),
             Mock::simulateAnswer(QStringLiteral("lathe-sim"), userPrompt(QStringLiteral("Grade it")),
                                  std::nullopt)
                 .text());

    // Streamed, the same text arrives token by token.
    const RawHttpResponse raw = rawHttpExchange(
        m_server->port(), chatPost(structuredChatBody(QStringLiteral("lathe-sim"), kAnswerSchema, true)));
    QCOMPARE(raw.status, 200);
    QString why;
    const auto payloads = ssePayloads(raw.body, &why);
    QVERIFY2(payloads, qPrintable(why));
    QString streamed;
    for (const QByteArray &payload : *payloads) {
        if (payload != "[DONE]")
            streamed += firstDelta(payload).value(QStringLiteral("content")).toString();
    }
    QCOMPARE(streamed, QString::fromLatin1(kAnswerInstance));
}

void TestSimulator::structuredFaultsNeedASchemaTheyCanSpoil_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("answerOrError"); // the answer's content, or what the 400 says

    const QByteArray plain = chatBody(QStringLiteral("lathe-sim+invalid-json"),
                                      userPrompt(QStringLiteral("hi")), std::nullopt, false);
    QTest::newRow("invalid-json without a schema")
        << plain << 400
        << QStringLiteral(
               "fault \"invalid-json\" needs a request with a response schema (structured output) to act on");
    QTest::newRow("schema-violation of a schema that accepts anything")
        << structuredChatBody(QStringLiteral("lathe-sim+schema-violation"), "{}") << 400
        << QStringLiteral("fault \"schema-violation\": the response schema accepts any value, so no answer "
                          "can break it");
    QTest::newRow("schema-violation of a typed schema")
        << structuredChatBody(QStringLiteral("lathe-sim+schema-violation"), "{\"type\":\"integer\"}") << 200
        << QStringLiteral("\"not what the schema asks for\"");
    QTest::newRow("invalid-json with a schema")
        << structuredChatBody(QStringLiteral("lathe-sim+invalid-json"), kAnswerSchema) << 200
        << QStringLiteral("{\"verdict\":\"pass\",\"score\":1,");
}

void TestSimulator::structuredFaultsNeedASchemaTheyCanSpoil()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, answerOrError);

    const HttpResult result = send("POST", QStringLiteral("/v1/chat/completions"), body);
    QCOMPARE(result.status, status);
    if (status == 200) {
        QCOMPARE(answerContent(result.body), answerOrError);
        return;
    }
    const QJsonObject error = jsonObject(result.body).value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("message")).toString(), answerOrError);
}

void TestSimulator::streamedResponseHasTheOpenAiEventSequence_data()
{
    QTest::addColumn<bool>("includeUsage");
    QTest::addColumn<int>("maxTokens"); // 0: none

    QTest::newRow("with usage") << true << 0;
    QTest::newRow("without usage") << false << 0;
    QTest::newRow("with usage, cut by max_tokens") << true << 9;
}

void TestSimulator::streamedResponseHasTheOpenAiEventSequence()
{
    QFETCH(bool, includeUsage);
    QFETCH(int, maxTokens);

    const QList<ChatMessage> messages = userPrompt(QStringLiteral("Stream me a café answer 😀"));
    const std::optional<int> limit = maxTokens > 0 ? std::optional<int>(maxTokens) : std::nullopt;
    const RawHttpResponse response =
        rawHttpExchange(m_server->port(),
                        chatPost(chatBody(QStringLiteral("lathe-sim"), messages, limit, true, includeUsage)));
    const SimulatedAnswer expected = Mock::simulateAnswer(QStringLiteral("lathe-sim"), messages, limit);

    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").value_or(QByteArray()).startsWith("text/event-stream"));
    QVERIFY(response.chunked);
    QVERIFY2(response.framingError.isEmpty(), qPrintable(response.framingError));
    QVERIFY(response.chunkedTerminatorSeen);
    QVERIFY(response.raw.endsWith("\r\n0\r\n\r\n"));

    QString why;
    const auto payloads = ssePayloads(response.body, &why);
    QVERIFY2(payloads.has_value(), qPrintable(why));
    QVERIFY(payloads->size() >= 3);
    QCOMPARE(payloads->back(), QByteArrayLiteral("[DONE]"));

    qsizetype at = 0;
    const QJsonObject first = jsonObject(payloads->at(at++));
    const QString id = first.value(QStringLiteral("id")).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(first.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion.chunk"));
    const QJsonObject roleDelta = firstChoice(first).value(QStringLiteral("delta")).toObject();
    QCOMPARE(roleDelta.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
    QCOMPARE(roleDelta.value(QStringLiteral("content")).toString(), QString());

    QStringList contents;
    QString finishReason;
    bool usageSeen = false;
    for (; at < payloads->size() - 1; ++at) {
        const QJsonObject chunk = jsonObject(payloads->at(at));
        QVERIFY2(!chunk.isEmpty(), payloads->at(at).constData());
        QCOMPARE(chunk.value(QStringLiteral("id")).toString(), id);
        QCOMPARE(chunk.contains(QStringLiteral("usage")), includeUsage);
        const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
        if (choices.isEmpty()) {
            // The usage chunk: only when asked for, last before [DONE], after the finish chunk.
            QVERIFY(includeUsage);
            QVERIFY(!finishReason.isEmpty());
            QCOMPARE(at, payloads->size() - 2);
            const QJsonObject usage = chunk.value(QStringLiteral("usage")).toObject();
            QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInteger(), expected.promptTokens);
            QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInteger(),
                     qint64(expected.tokens.size()));
            QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(),
                     expected.promptTokens + expected.tokens.size());
            usageSeen = true;
            continue;
        }
        QVERIFY2(finishReason.isEmpty(), "nothing but usage may follow the finish chunk");
        if (includeUsage)
            QVERIFY(chunk.value(QStringLiteral("usage")).isNull());
        const QJsonObject choice = choices.at(0).toObject();
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        if (!choice.value(QStringLiteral("finish_reason")).isNull()) {
            finishReason = choice.value(QStringLiteral("finish_reason")).toString();
            QVERIFY(delta.isEmpty());
            continue;
        }
        QVERIFY(!delta.contains(QStringLiteral("role")));
        contents.append(delta.value(QStringLiteral("content")).toString());
    }
    QCOMPARE(contents, expected.tokens);
    QCOMPARE(finishReason, expected.finishReason);
    QCOMPARE(usageSeen, includeUsage);
}

void TestSimulator::streamedFaultsBreakTheStreamAfterNTokens_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("tokensBefore");
    QTest::addColumn<bool>("tokensAfter");      // the rest of the answer still follows the fault
    QTest::addColumn<bool>("cleanEnding");      // [DONE] and the chunked terminator arrive
    QTest::addColumn<QByteArray>("faultEvent"); // the start of the event the fault injects

    QTest::newRow("reset-mid-stream:5")
        << QStringLiteral("reset-mid-stream:5") << 5 << false << false << QByteArray();
    QTest::newRow("reset-mid-stream:0")
        << QStringLiteral("reset-mid-stream:0") << 0 << false << false << QByteArray();
    QTest::newRow("error-after-200:4")
        << QStringLiteral("error-after-200:4") << 4 << false << true << QByteArrayLiteral("{\"error\":");
    QTest::newRow("malformed-event:3")
        << QStringLiteral("malformed-event:3") << 3 << true << true << QByteArrayLiteral("{\"id\": ");
}

void TestSimulator::streamedFaultsBreakTheStreamAfterNTokens()
{
    QFETCH(QString, fault);
    QFETCH(int, tokensBefore);
    QFETCH(bool, tokensAfter);
    QFETCH(bool, cleanEnding);
    QFETCH(QByteArray, faultEvent);

    const QList<ChatMessage> messages = userPrompt(QStringLiteral("Fail for me"));
    const SimulatedAnswer expected =
        Mock::simulateAnswer(QStringLiteral("lathe-sim"), messages, std::nullopt);
    const RawHttpResponse response = rawHttpExchange(
        m_server->port(), chatPost(chatBody(QStringLiteral("lathe-sim"), messages, std::nullopt, true),
                                   "X-Lathe-Fault: " + fault.toUtf8() + "\r\n"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.chunkedTerminatorSeen, cleanEnding);
    QCOMPARE(response.body.endsWith("data: [DONE]\n\n"), cleanEnding);

    // Walk the events leniently: the fault event itself need not be valid JSON.
    QStringList contents;
    qsizetype faultAt = -1;
    const QList<QByteArray> events = response.body.split('\n');
    for (const QByteArray &line : events) {
        if (!line.startsWith("data: ") || line == "data: [DONE]")
            continue;
        const QByteArray payload = line.sliced(6);
        if (!faultEvent.isEmpty() && payload.startsWith(faultEvent)) {
            QCOMPARE(faultAt, qsizetype(-1));
            faultAt = contents.size();
            continue;
        }
        const QJsonObject delta = firstDelta(payload);
        if (delta.contains(QStringLiteral("content")) && !delta.contains(QStringLiteral("role")))
            contents.append(delta.value(QStringLiteral("content")).toString());
    }
    if (!faultEvent.isEmpty())
        QCOMPARE(faultAt, qsizetype(tokensBefore));
    QCOMPARE(contents, tokensAfter ? expected.tokens : expected.tokens.mid(0, tokensBefore));
}

void TestSimulator::requestSentOneByteAtATimeIsAnswered()
{
    const QList<ChatMessage> messages = userPrompt(QStringLiteral("slow client"));
    const QByteArray request = chatPost(chatBody(QStringLiteral("lathe-sim"), messages, 5, false));

    QTcpSocket socket;
    QByteArray received;
    qsizetype written = 0;
    bool answeredEarly = false;
    QTimer pump;
    pump.setInterval(1);
    pump.setTimerType(Qt::PreciseTimer);
    connect(&pump, &QTimer::timeout, this, [&] {
        if (written == request.size()) {
            pump.stop();
            return;
        }
        socket.write(request.mid(written++, 1));
        socket.flush();
    });
    connect(&socket, &QTcpSocket::connected, this, [&] {
        socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        pump.start();
    });
    connect(&socket, &QTcpSocket::readyRead, this, [&] {
        answeredEarly = answeredEarly || written < request.size();
        received += socket.readAll();
    });
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(waitUntilClosed(socket, 8000));
    received += socket.readAll();

    QVERIFY2(!answeredEarly, "the server answered before the request was complete");
    const RawHttpResponse response = parseRawHttpResponse(received);
    QCOMPARE(response.status, 200);
    QVERIFY2(response.framingError.isEmpty(), qPrintable(response.framingError));
    QCOMPARE(answerContent(response.body),
             Mock::simulateAnswer(QStringLiteral("lathe-sim"), messages, 5).text());
}

void TestSimulator::streamIsPacedByTokensPerSecondAndFirstTokenDelay()
{
    SimulatorOptions options;
    options.tokensPerSecond = 100;
    options.firstTokenDelayMs = 100;
    SimulatorServer server(options);
    QVERIFY(server.listen().has_value());

    const QList<ChatMessage> messages = userPrompt(QStringLiteral("pace yourself"));
    const QByteArray request = chatPost(chatBody(QStringLiteral("lathe-sim"), messages, 30, true));

    QTcpSocket socket;
    QByteArray received;
    QElapsedTimer clock;
    qint64 firstTokenMs = -1;
    connect(&socket, &QTcpSocket::connected, this, [&] {
        clock.start();
        socket.write(request);
    });
    connect(&socket, &QTcpSocket::readyRead, this, [&] {
        received += socket.readAll();
        // A content delta that is not the empty one next to the role.
        const QByteArray marker = "{\"delta\":{\"content\":\"";
        for (qsizetype at = received.indexOf(marker); firstTokenMs < 0 && at >= 0;
             at = received.indexOf(marker, at + 1)) {
            if (at + marker.size() < received.size() && received[at + marker.size()] != '"')
                firstTokenMs = clock.elapsed();
        }
    });
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(waitUntilClosed(socket, 5000));
    const qint64 totalMs = clock.elapsed();
    received += socket.readAll();

    const RawHttpResponse response = parseRawHttpResponse(received);
    QCOMPARE(response.status, 200);
    QVERIFY(response.chunkedTerminatorSeen);
    QVERIFY(response.body.endsWith("data: [DONE]\n\n"));
    QCOMPARE(response.body.count("\"content\":\"") - 1, 30); // minus the role chunk's empty content
    // 100 ms to the first token, then 29 more at 10 ms each: about 390 ms.
    QVERIFY2(firstTokenMs >= 90, qPrintable(QString::number(firstTokenMs)));
    QVERIFY2(totalMs >= 300, qPrintable(QString::number(totalMs)));
    QVERIFY2(totalMs < 3000, qPrintable(QString::number(totalMs)));
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
