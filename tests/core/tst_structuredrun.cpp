// SPDX-License-Identifier: GPL-3.0-or-later
// StructuredRun against the built-in simulator: an answer that breaks the schema is re-asked
// with its errors, an answer that is not JSON too, a target that keeps failing gives way to the
// next one, and every answer is reported with its verdict.
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include "mock/SimulatorServer.h"
#include "structured/StructuredRun.h"

using namespace Lathe;
using namespace Lathe::Providers;
using namespace Lathe::Structured;
using nlohmann::json;

namespace
{

const QByteArray kSchema =
    "{\"type\": \"object\", \"required\": [\"city\", \"population\"],"
    " \"additionalProperties\": false, \"properties\": {\"city\": {\"type\": \"string\"},"
    " \"population\": {\"type\": \"integer\", \"minimum\": 0}}}";

Schema::JsonSchema compiledSchema()
{
    auto schema = Schema::JsonSchema::compile(json::parse(kSchema.constBegin(), kSchema.constEnd()));
    if (!schema)
        qFatal("%s", qPrintable(schema.error().toString()));
    return *schema;
}

ChatRequest cityRequest()
{
    ChatRequest request;
    request.messages = {{QStringLiteral("user"), QStringLiteral("Name the largest city of Portugal.")}};
    return request;
}

} // namespace

class TestStructuredRun : public QObject
{
    Q_OBJECT

    Mock::SimulatorServer *m_simulator = nullptr;
    QNetworkAccessManager *m_network = nullptr;

    ChatTarget simulated(const QString &model, WireProtocol protocol = WireProtocol::OpenAiChat) const
    {
        ChatTarget target;
        target.endpoint.protocol = protocol;
        // The simulator serves OpenAI under /v1 and the other protocols at their own roots.
        target.endpoint.baseUrl =
            protocol == WireProtocol::OpenAiChat || protocol == WireProtocol::OpenAiResponses
                ? m_simulator->baseUrl()
                : QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_simulator->port()));
        target.model = model;
        return target;
    }

    StructuredOutcome run(const QList<ChatTarget> &targets, StructuredOutputPolicy policy = {},
                          ChatRequest *lastRequest = nullptr)
    {
        StructuredRun run(m_network, targets, cityRequest(), compiledSchema(), kSchema, policy);
        QSignalSpy finished(&run, &StructuredRun::finished);
        run.start();
        if (!finished.wait(20000))
            qFatal("the structured run did not finish");
        if (lastRequest)
            *lastRequest = run.currentRequest();
        return finished.at(0).at(0).value<StructuredOutcome>();
    }

private Q_SLOTS:
    void init()
    {
        Mock::SimulatorOptions options;
        options.tokensPerSecond = 0;
        options.firstTokenDelayMs = 1;
        m_simulator = new Mock::SimulatorServer(options, this);
        QVERIFY(m_simulator->listen(0));
        m_network = new QNetworkAccessManager(this);
    }

    void cleanup()
    {
        delete m_network;
        delete m_simulator;
    }

    void acceptsTheFirstAnswerThatMatches_data()
    {
        QTest::addColumn<int>("protocol");
        QTest::newRow("openai chat") << int(WireProtocol::OpenAiChat);
        QTest::newRow("openai responses") << int(WireProtocol::OpenAiResponses);
        QTest::newRow("anthropic forced tool") << int(WireProtocol::Anthropic);
        QTest::newRow("gemini") << int(WireProtocol::Gemini);
        QTest::newRow("ollama") << int(WireProtocol::Ollama);
    }

    void acceptsTheFirstAnswerThatMatches()
    {
        QFETCH(int, protocol);
        const StructuredOutcome outcome = run({simulated(u"lathe-sim"_qs, WireProtocol(protocol))});
        QVERIFY2(outcome.succeeded, outcome.error ? qPrintable(outcome.error->toString()) : "");
        QCOMPARE(outcome.attempts.size(), 1);
        QVERIFY(outcome.attempts[0].accepted);
        QVERIFY(outcome.value->contains("city"));
        QVERIFY((*outcome.value)["population"].is_number_integer());
    }

    void reAsksWithTheViolationsThenAccepts()
    {
        ChatRequest last;
        const StructuredOutcome outcome = run({simulated(u"lathe-sim+schema-violation*1"_qs)}, {}, &last);
        QVERIFY(outcome.succeeded);
        QCOMPARE(outcome.attempts.size(), 2);
        const StructuredAttempt &first = outcome.attempts[0];
        QVERIFY(!first.accepted);
        QVERIFY(first.value);
        QVERIFY(!first.violations.empty());
        QVERIFY2(first.next.startsWith(u"re-asking with"), qPrintable(first.next));
        QVERIFY(outcome.attempts[1].accepted);
        QCOMPARE(outcome.attempts[1].attempt, 2);
        // The re-ask carried the failed answer and what was wrong with it.
        QCOMPARE(last.messages.size(), 3);
        QCOMPARE(last.messages[1].role, u"assistant"_qs);
        QCOMPARE(last.messages[1].content, first.run.outcome.text);
        QCOMPARE(last.messages[2].role, u"user"_qs);
        QVERIFY(last.messages[2].content.contains(first.violations.front().message));
        QVERIFY(last.messages[2].content.contains(u"Reply with the corrected JSON only"));
    }

    void anAnswerThatIsNotJsonIsReAskedWithWhereItBroke()
    {
        StructuredOutputPolicy strictOnly;
        strictOnly.acceptRepaired = false;
        const StructuredOutcome outcome = run({simulated(u"lathe-sim+invalid-json*1"_qs)}, strictOnly);
        QVERIFY(outcome.succeeded);
        QCOMPARE(outcome.attempts.size(), 2);
        QVERIFY(outcome.attempts[0].readError);
        QVERIFY(!outcome.attempts[0].fixes.empty());
        QVERIFY(outcome.attempts[1].accepted);
    }

    void fallsBackWhenATargetKeepsFailing()
    {
        StructuredOutputPolicy policy;
        policy.attemptsPerTarget = 2;
        const StructuredOutcome outcome =
            run({simulated(u"lathe-sim+schema-violation"_qs), simulated(u"lathe-sim"_qs)}, policy);
        QVERIFY(outcome.succeeded);
        QCOMPARE(outcome.attempts.size(), 3);
        QCOMPARE(outcome.attempts[0].targetIndex, 0);
        QCOMPARE(outcome.attempts[1].targetIndex, 0);
        QVERIFY2(outcome.attempts[1].next.startsWith(u"falling back to"),
                 qPrintable(outcome.attempts[1].next));
        QCOMPARE(outcome.attempts[2].targetIndex, 1);
        QCOMPARE(outcome.attempts[2].attempt, 1);
        QVERIFY(outcome.attempts[2].accepted);
    }

    void endsWithAnErrorWhenNothingMatches()
    {
        StructuredOutputPolicy policy;
        policy.attemptsPerTarget = 2;
        const StructuredOutcome outcome = run({simulated(u"lathe-sim+schema-violation"_qs)}, policy);
        QVERIFY(!outcome.succeeded);
        QCOMPARE(outcome.attempts.size(), 2);
        QVERIFY(outcome.error);
        QVERIFY(outcome.error->message.contains(u"after 2 attempt"));
        QVERIFY(outcome.attempts.back().next.isEmpty());
    }

    void promptOnlyModePutsTheSchemaInTheSystemMessage()
    {
        StructuredOutputPolicy policy;
        policy.nativeEnforcement = false;
        ChatRequest last;
        run({simulated(u"lathe-sim"_qs)}, policy, &last);
        QVERIFY(!last.responseFormat);
        QCOMPARE(last.messages.first().role, u"system"_qs);
        QVERIFY(last.messages.first().content.contains(QString::fromUtf8(kSchema)));
    }

    void feedbackListsAtMostTenErrors()
    {
        StructuredAttempt attempt;
        for (int i = 0; i < 14; ++i)
            attempt.violations.push_back(
                {"/items/" + std::to_string(i), "/items/type", {}, u"Must be integer, not string."_qs});
        const QString message = feedbackMessage(attempt);
        QCOMPARE(message.count(u"\n- /items/"), 10);
        QVERIFY(message.contains(u"… and 4 more."));
    }
};

QTEST_GUILESS_MAIN(TestStructuredRun)
#include "tst_structuredrun.moc"
