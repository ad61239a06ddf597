// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>
#include <set>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/OutputLengthHistory.h"
#include "ledger/RequestLedger.h"
#include "providers/ProviderProtocol.h"

using namespace Lathe;
using namespace Lathe::Catalog;
using namespace Lathe::Providers;
using Scope = OutputLengthSamples::Scope;
using nlohmann::json;

namespace
{

QString fixture()
{
    return QStringLiteral(LATHE_TEST_DATA "/forecast/ledger.jsonl");
}

ChatRequest riversRequest(const QString &model)
{
    ChatRequest request;
    request.model = model;
    request.messages = {{QStringLiteral("user"), QStringLiteral("Name three rivers.")}};
    return request;
}

std::set<std::string> keysOf(const json &object)
{
    std::set<std::string> keys;
    for (const auto &item : object.items())
        keys.insert(item.key());
    return keys;
}

} // namespace

Q_DECLARE_METATYPE(Lathe::Providers::WireProtocol)
Q_DECLARE_METATYPE(Lathe::Catalog::OutputLengthSamples::Scope)

class TestOutputLengthHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theFixtureHasTheLedgersFormat()
    {
        // The fixture is written by hand: its well-formed lines must hold what the ledger writes.
        AttemptRecord attempt;
        attempt.sentAt = QDateTime::currentDateTimeUtc();
        const json written = Ledger::RequestLedger::toJson(attempt, {});
        QFile file(fixture());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const json line = json::parse(file.readLine().toStdString());
        QVERIFY(keysOf(line) == keysOf(written));
        QVERIFY(keysOf(line["usage"]) == keysOf(written["usage"]));
        QVERIFY(keysOf(line["timings"]) == keysOf(written["timings"]));
    }

    void readsTheRunsAndListsUnreadableLinesWithTheirNumbers()
    {
        auto history = OutputLengthHistory::fromLedger(fixture());
        QVERIFY(history);
        // Line 4 is blank and line 5 a truncated attempt (with a count): neither is a sample nor
        // a fault.
        const QString path = fixture();
        QCOMPARE(history->warnings(),
                 QStringList({path + QStringLiteral(":3: not JSON"),
                              path + QStringLiteral(":6: \"usage.output\" is not an integer"),
                              path + QStringLiteral(":7: unknown ledger version 2")}));
        QCOMPARE(history->size(), 4);

        const QString key = OutputLengthHistory::promptKey(WireProtocol::OpenAiChat,
                                                           riversRequest(QStringLiteral("gpt-4o-mini")));
        const OutputLengthSamples samples = history->lookup(key, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(samples.scope, Scope::ThisPrompt);
        QCOMPARE(samples.tokens, QList<qint64>({80, 100, 120}));
        // The model is what follows the host, slashes and all; one run is too few to use.
        const OutputLengthSamples llama =
            history->lookup(key, QStringLiteral("meta-llama/llama-3.1-8b-instruct"));
        QCOMPARE(llama.scope, Scope::None);
        QVERIFY(llama.tokens.isEmpty());
    }

    void listsOnlyTheFirstHundredUnreadableLinesAndCountsTheRest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ledger.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int line = 0; line < 130; ++line)
            file.write("garbage\n");
        file.close();

        auto history = OutputLengthHistory::fromLedger(path);
        QVERIFY(history);
        QCOMPARE(history->warnings().size(), 101);
        QCOMPARE(history->warnings().at(99), path + QStringLiteral(":100: not JSON"));
        QCOMPARE(history->warnings().last(), path + QStringLiteral(": 30 more unreadable lines"));
    }

    void aMissingLedgerIsAnEmptyHistory()
    {
        QTemporaryDir dir;
        auto history = OutputLengthHistory::fromLedger(dir.filePath(QStringLiteral("none.jsonl")));
        QVERIFY(history);
        QCOMPARE(history->size(), 0);
        QVERIFY(history->warnings().isEmpty());
    }

    void anUnreadableLedgerIsAnError()
    {
        QTemporaryDir dir; // a folder exists but cannot be read as a file
        auto history = OutputLengthHistory::fromLedger(dir.path());
        QVERIFY(!history);
        QCOMPARE(history.error().code, ErrorCode::Io);
        QCOMPARE(history.error().where, dir.path());
    }

    void thePromptKeyMatchesTheLedgersBody_data()
    {
        QTest::addColumn<WireProtocol>("protocol");
        QTest::newRow("OpenAI Chat") << WireProtocol::OpenAiChat;
        QTest::newRow("OpenAI Responses") << WireProtocol::OpenAiResponses;
        QTest::newRow("Anthropic") << WireProtocol::Anthropic;
        QTest::newRow("Gemini") << WireProtocol::Gemini;
        QTest::newRow("Ollama") << WireProtocol::Ollama;
    }

    void thePromptKeyMatchesTheLedgersBody()
    {
        QFETCH(WireProtocol, protocol);
        ChatRequest request = riversRequest(QStringLiteral("m"));
        request.messages.prepend({QStringLiteral("system"), QStringLiteral("Answer in one line.")});
        ProviderEndpoint endpoint;
        endpoint.protocol = protocol;
        endpoint.baseUrl = defaultBaseUrl(protocol);
        const QByteArray body = protocolFor(protocol).buildRequest(endpoint, request).body;
        // Through the ledger: the body is stored as JSON and read back.
        AttemptRecord attempt;
        attempt.sentAt = QDateTime::currentDateTimeUtc();
        attempt.request.body = body;
        const json stored = json::parse(Ledger::RequestLedger::toJson(attempt, {}).dump());

        const QString key = OutputLengthHistory::promptKey(protocol, request);
        QCOMPARE(key.size(), 64);
        QCOMPARE(OutputLengthHistory::promptKey(stored["request_body"]), key);
    }

    void thePromptKeyIgnoresTheModelAndSettingsButNotTheMessages()
    {
        const ChatRequest base = riversRequest(QStringLiteral("gpt-4o"));
        ChatRequest settings = base;
        settings.model = QStringLiteral("gpt-4o-mini");
        settings.temperature = 0.2;
        settings.maxOutputTokens = 64;
        settings.stream = false;
        ChatRequest otherText = base;
        otherText.messages[0].content = QStringLiteral("Name four rivers.");
        ChatRequest withSystem = base;
        withSystem.messages.prepend({QStringLiteral("system"), QStringLiteral("Be brief.")});

        for (const WireProtocol protocol : {WireProtocol::OpenAiChat, WireProtocol::Anthropic}) {
            const QString key = OutputLengthHistory::promptKey(protocol, base);
            QCOMPARE(OutputLengthHistory::promptKey(protocol, settings), key);
            QVERIFY(OutputLengthHistory::promptKey(protocol, otherText) != key);
            QVERIFY(OutputLengthHistory::promptKey(protocol, withSystem) != key);
        }
        QVERIFY(OutputLengthHistory::promptKey(json::parse("{\"model\":\"x\"}")).isEmpty());
        QVERIFY(OutputLengthHistory::promptKey(json("plain text body")).isEmpty());
    }

    void lookupFallsBackFromPromptToModel_data()
    {
        QTest::addColumn<int>("promptRuns");
        QTest::addColumn<int>("otherRuns");
        QTest::addColumn<Scope>("scope");
        QTest::addColumn<int>("samples");
        QTest::newRow("enough runs of the prompt") << 3 << 5 << Scope::ThisPrompt << 3;
        QTest::newRow("too few of the prompt") << 2 << 5 << Scope::ThisModel << 7;
        QTest::newRow("too few of the prompt, enough together") << 2 << 1 << Scope::ThisModel << 3;
        QTest::newRow("no runs of the prompt") << 0 << 3 << Scope::ThisModel << 3;
        QTest::newRow("too few of anything") << 1 << 1 << Scope::None << 0;
        QTest::newRow("nothing") << 0 << 0 << Scope::None << 0;
    }

    void lookupFallsBackFromPromptToModel()
    {
        QFETCH(int, promptRuns);
        QFETCH(int, otherRuns);
        QFETCH(Scope, scope);
        QFETCH(int, samples);
        OutputLengthHistory history;
        for (int run = 0; run < promptRuns; ++run)
            QVERIFY(history.add(QStringLiteral("p"), QStringLiteral("model"), 100 + run));
        for (int run = 0; run < otherRuns; ++run)
            QVERIFY(history.add(QStringLiteral("q"), QStringLiteral("model"), 500 - run));
        // Another model's runs never count.
        for (int run = 0; run < 5; ++run)
            QVERIFY(history.add(QStringLiteral("p"), QStringLiteral("other-model"), 9000));

        const OutputLengthSamples found = history.lookup(QStringLiteral("p"), QStringLiteral("Model"));
        QCOMPARE(found.scope, scope);
        QCOMPARE(found.tokens.size(), samples);
        QVERIFY(std::is_sorted(found.tokens.cbegin(), found.tokens.cend()));
    }

    void rejectsImpossibleCounts_data()
    {
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("zero") << qint64(0) << true;
        QTest::newRow("the limit") << kMaxTokensPerRequest << true;
        QTest::newRow("negative") << qint64(-1) << false;
        QTest::newRow("past the limit") << kMaxTokensPerRequest + 1 << false;
    }

    void rejectsImpossibleCounts()
    {
        QFETCH(qint64, tokens);
        QFETCH(bool, accepted);
        OutputLengthHistory history;
        const auto added = history.add(QStringLiteral("p"), QStringLiteral("m"), tokens);
        QCOMPARE(added.has_value(), accepted);
        QCOMPARE(history.size(), accepted ? 1 : 0);
        if (!accepted)
            QCOMPARE(added.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestOutputLengthHistory)
#include "tst_outputlengthhistory.moc"
