// SPDX-License-Identifier: GPL-3.0-or-later
// The prompt library in a real workspace file: immutable versions, labels with their moves,
// references, roll-back, search, and the role-marked text format.

#include <QTemporaryDir>
#include <QTest>

#include "library/DraftStore.h"
#include "library/PromptLibrary.h"
#include "library/PromptRendering.h"
#include "store/Workspace.h"

using Lathe::Library::PromptContent;
using Lathe::Library::PromptLibrary;
using Lathe::Library::PromptMessage;
using Lathe::Store::Workspace;

namespace
{

PromptContent content(const QString &system, const QString &user)
{
    PromptContent result;
    result.messages = {{u"system"_qs, system}, {u"user"_qs, user}};
    return result;
}

} // namespace

class TestPromptLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void savingCreatesVersionsAndUnchangedContentCreatesNothing();
    void theHashIsOverACanonicalForm();
    void declaredVariablesRoundTripAndKeepOldHashes();
    void badDeclarationsNameTheField_data();
    void badDeclarationsNameTheField();
    void referencesResolveToVersionsAndLabels();
    void labelsMoveAndRememberEveryMove();
    void tagsFileAPromptAndAreListed();
    void rollingBackCreatesAVersionEqualToTheOldOne();
    void listsPromptsWithTheirLabels();
    void searchFindsWordsAndPrefixesAndIgnoresOperators();
    void badNamesAndLabelsAreRefused_data();
    void badNamesAndLabelsAreRefused();
    void aTamperedVersionIsAnErrorNamingIt();
    void roleMarkedTextParsesAndRoundTrips();
    void roleMarkedTextErrorsNameTheLine();
    void draftsAreKeptPerSlotAndDiscarded();
    void promptTextIsPlainOrRoleMarked();
    void promptTextTakesAFrontMatter();
    void variablesAreTheTopLevelNames();
    void renderingIsStrictAndUnescaped();
    void scenariosAreKeptPerPrompt();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<Workspace> m_workspace;
    std::optional<PromptLibrary> m_library;
    qint64 m_now = 1'760'000'000'000;
};

void TestPromptLibrary::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto workspace = Workspace::open(m_dir->filePath(u"library.lathe"_qs));
    QVERIFY2(workspace, qPrintable(workspace ? QString() : workspace.error().toString()));
    m_workspace.emplace(std::move(*workspace));
    m_library.emplace(m_workspace->database(),
                      [this] { return QDateTime::fromMSecsSinceEpoch(m_now += 1000, Qt::UTC); });
}

void TestPromptLibrary::cleanup()
{
    m_library.reset();
    m_workspace.reset();
}

void TestPromptLibrary::savingCreatesVersionsAndUnchangedContentCreatesNothing()
{
    const auto first =
        m_library->save(u"triage"_qs, content(u"You triage."_qs, u"{{ticket}}"_qs), u"first"_qs, u"ada"_qs);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().toString()));
    QVERIFY(first->created);
    QCOMPARE(first->version.number, 1);
    QVERIFY(!first->version.parent);
    QCOMPARE(first->version.hash.size(), 64);

    const auto same =
        m_library->save(u"triage"_qs, content(u"You triage."_qs, u"{{ticket}}"_qs), u"again"_qs);
    QVERIFY(same);
    QVERIFY(!same->created);
    QCOMPARE(same->version.number, 1);
    QCOMPARE(same->version.message, u"first"_qs);

    const auto second =
        m_library->save(u"triage"_qs, content(u"You triage tickets."_qs, u"{{ticket}}"_qs), u"clearer"_qs);
    QVERIFY(second);
    QVERIFY(second->created);
    QCOMPARE(second->version.number, 2);
    QCOMPARE(second->version.parent, std::optional<int>(1));

    const auto history = m_library->history(u"triage"_qs);
    QVERIFY(history);
    QCOMPARE(history->size(), std::size_t(2));
    QCOMPARE(history->at(0).number, 2);
    QCOMPARE(history->at(0).message, u"clearer"_qs);
    QCOMPARE(history->at(1).author, u"ada"_qs);
    QVERIFY(history->at(0).createdAt > history->at(1).createdAt);
    QCOMPARE(history->at(1).content.messages, content(u"You triage."_qs, u"{{ticket}}"_qs).messages);
}

void TestPromptLibrary::theHashIsOverACanonicalForm()
{
    PromptContent a = content(u"s"_qs, u"u"_qs);
    a.parameters = nlohmann::json::parse(R"({"temperature": 0.2, "model": "gpt-4o"})");
    PromptContent b = content(u"s"_qs, u"u"_qs);
    b.parameters = nlohmann::json::parse(R"({"model": "gpt-4o", "temperature": 0.2})");
    QCOMPARE(a.hash(), b.hash());
    b.parameters["temperature"] = 0.3;
    QVERIFY(a.hash() != b.hash());
    PromptContent withSchema = a;
    withSchema.responseSchema = nlohmann::json{{"type", "object"}};
    QVERIFY(withSchema.hash() != a.hash());
    const auto parsed = PromptContent::fromJson(nlohmann::json::parse(withSchema.canonical()));
    QVERIFY(parsed);
    QCOMPARE(parsed->hash(), withSchema.hash());
}

void TestPromptLibrary::declaredVariablesRoundTripAndKeepOldHashes()
{
    PromptContent plain = content(u"s"_qs, u"u {{n}}"_qs);
    // The canonical form of a version without declarations is what it was before they existed.
    QCOMPARE(
        QString::fromStdString(plain.canonical()),
        uR"({"messages":[{"role":"system","text":"s"},{"role":"user","text":"u {{n}}"}],"parameters":{},)"
        uR"("response_schema":null})"_qs);
    PromptContent declared = plain;
    declared.variables[u"n"_qs] = {Lathe::Library::VariableType::Integer, nlohmann::json(3), u"how many"_qs};
    declared.variables[u"history"_qs] = {Lathe::Library::VariableType::Thread, std::nullopt, QString()};
    declared.variables[u"free"_qs] = {};
    QVERIFY(declared.hash() != plain.hash());
    const auto parsed = PromptContent::fromJson(nlohmann::json::parse(declared.canonical()));
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QVERIFY(parsed->variables == declared.variables);
    QCOMPARE(parsed->hash(), declared.hash());
    for (const auto type : {Lathe::Library::VariableType::Any, Lathe::Library::VariableType::String,
                            Lathe::Library::VariableType::Number, Lathe::Library::VariableType::Integer,
                            Lathe::Library::VariableType::Boolean, Lathe::Library::VariableType::Object,
                            Lathe::Library::VariableType::Array, Lathe::Library::VariableType::Thread})
        QCOMPARE(Lathe::Library::variableTypeFromName(Lathe::Library::variableTypeName(type)), type);
}

void TestPromptLibrary::badDeclarationsNameTheField_data()
{
    QTest::addColumn<QString>("variables");
    QTest::addColumn<QString>("where");
    QTest::newRow("not an object") << u"[]"_qs << u"variables"_qs;
    QTest::newRow("entry not an object") << uR"({"n": 3})"_qs << u"variables.n"_qs;
    QTest::newRow("unknown type") << uR"({"n": {"type": "float"}})"_qs << u"variables.n.type"_qs;
    QTest::newRow("type not text") << uR"({"n": {"type": 1}})"_qs << u"variables.n.type"_qs;
    QTest::newRow("description not text")
        << uR"({"n": {"description": []}})"_qs << u"variables.n.description"_qs;
}

void TestPromptLibrary::badDeclarationsNameTheField()
{
    QFETCH(QString, variables);
    QFETCH(QString, where);
    nlohmann::json json = content(u"s"_qs, u"u"_qs).toJson();
    json["variables"] = nlohmann::json::parse(variables.toStdString());
    const auto parsed = PromptContent::fromJson(json);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().where, where);
}

void TestPromptLibrary::referencesResolveToVersionsAndLabels()
{
    QVERIFY(m_library->save(u"mail"_qs, content(u"a"_qs, u"1"_qs)));
    QVERIFY(m_library->save(u"mail"_qs, content(u"a"_qs, u"2"_qs)));
    QVERIFY(m_library->save(u"mail"_qs, content(u"a"_qs, u"3"_qs)));
    QVERIFY(m_library->setLabel(u"mail"_qs, 2, u"production"_qs));
    QCOMPARE(m_library->resolve(u"mail"_qs)->number, 3);
    QCOMPARE(m_library->resolve(u"mail@1"_qs)->content.messages[1].text, u"1"_qs);
    const auto production = m_library->resolve(u"mail@production"_qs);
    QVERIFY(production);
    QCOMPARE(production->number, 2);
    QCOMPARE(production->labels, QStringList{u"production"_qs});

    const auto noPrompt = m_library->resolve(u"nothing"_qs);
    QVERIFY(!noPrompt);
    QVERIFY(noPrompt.error().message.contains(u"no prompt named"));
    const auto noVersion = m_library->resolve(u"mail@9"_qs);
    QVERIFY(!noVersion);
    QVERIFY(noVersion.error().message.contains(u"no version 9"));
    const auto noLabel = m_library->resolve(u"mail@staging"_qs);
    QVERIFY(!noLabel);
    QVERIFY(noLabel.error().message.contains(u"no label \"staging\""));
}

void TestPromptLibrary::tagsFileAPromptAndAreListed()
{
    QVERIFY(m_library->save(u"support/triage"_qs, content(u"a"_qs, u"1"_qs)));
    QVERIFY(m_library->save(u"other"_qs, content(u"a"_qs, u"2"_qs)));
    QVERIFY(m_library->setTags(u"support/triage"_qs, {u"billing"_qs, u"Ünicode-1"_qs, u"billing"_qs}));
    QCOMPARE(m_library->tags(u"support/triage"_qs).value(), (QStringList{u"billing"_qs, u"Ünicode-1"_qs}));
    QCOMPARE(m_library->tags(u"other"_qs).value(), QStringList());
    const auto listed = m_library->list();
    QVERIFY(listed);
    QCOMPARE(listed->at(1).name, u"support/triage"_qs);
    QCOMPARE(listed->at(1).tags, (QStringList{u"billing"_qs, u"Ünicode-1"_qs}));
    QVERIFY(listed->at(0).tags.isEmpty());

    // A bad tag changes nothing; replacing the set drops the old tags.
    const auto refused = m_library->setTags(u"support/triage"_qs, {u"ok"_qs, u"two words"_qs});
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(u"two words"));
    QCOMPARE(m_library->tags(u"support/triage"_qs)->size(), 2);
    QVERIFY(m_library->setTags(u"support/triage"_qs, {u"eval"_qs}));
    QCOMPARE(m_library->tags(u"support/triage"_qs).value(), QStringList{u"eval"_qs});
    QVERIFY(!m_library->setTags(u"missing"_qs, {u"eval"_qs}));
    QVERIFY(!m_library->tags(u"missing"_qs));
    for (const QString &bad : {u""_qs, u"#x"_qs, u"-x"_qs, QString(65, u'a')})
        QVERIFY2(Lathe::Library::PromptLibrary::tagProblem(bad), qPrintable(bad));
}

void TestPromptLibrary::labelsMoveAndRememberEveryMove()
{
    QVERIFY(m_library->save(u"p"_qs, content(u"a"_qs, u"1"_qs)));
    QVERIFY(m_library->save(u"p"_qs, content(u"a"_qs, u"2"_qs)));
    const auto placed = m_library->setLabel(u"p"_qs, 1, u"production"_qs, u"ada"_qs);
    QVERIFY(placed);
    QVERIFY(!placed->fromVersion);
    const auto moved = m_library->setLabel(u"p"_qs, 2, u"production"_qs, u"grace"_qs);
    QVERIFY(moved);
    QCOMPARE(moved->fromVersion, std::optional<int>(1));
    QVERIFY(m_library->setLabel(u"p"_qs, 2, u"production"_qs)); // already there: not a move
    QVERIFY(m_library->setLabel(u"p"_qs, 1, u"staging"_qs));

    const auto moves = m_library->labelMoves(u"p"_qs);
    QVERIFY(moves);
    QCOMPARE(moves->size(), std::size_t(3));
    QCOMPARE(moves->at(0).label, u"staging"_qs);
    QCOMPARE(moves->at(1).label, u"production"_qs);
    QCOMPARE(moves->at(1).fromVersion, std::optional<int>(1));
    QCOMPARE(moves->at(1).toVersion, 2);
    QCOMPARE(moves->at(1).author, u"grace"_qs);
    QCOMPARE(m_library->resolve(u"p@1"_qs)->labels, QStringList{u"staging"_qs});
    QVERIFY(!m_library->setLabel(u"p"_qs, 7, u"production"_qs));
}

void TestPromptLibrary::rollingBackCreatesAVersionEqualToTheOldOne()
{
    QVERIFY(m_library->save(u"r"_qs, content(u"good"_qs, u"x"_qs)));
    QVERIFY(m_library->save(u"r"_qs, content(u"worse"_qs, u"x"_qs)));
    const auto back = m_library->rollBack(u"r"_qs, 1, u"ada"_qs);
    QVERIFY(back);
    QVERIFY(back->created);
    QCOMPARE(back->version.number, 3);
    QCOMPARE(back->version.hash, m_library->resolve(u"r@1"_qs)->hash);
    QCOMPARE(back->version.message, u"Roll back to version 1"_qs);
    const auto again = m_library->rollBack(u"r"_qs, 1);
    QVERIFY(again);
    QVERIFY(!again->created); // version 3 already has that content
}

void TestPromptLibrary::listsPromptsWithTheirLabels()
{
    QVERIFY(m_library->save(u"b-prompt"_qs, content(u"a"_qs, u"1"_qs)));
    QVERIFY(m_library->save(u"a-prompt"_qs, content(u"a"_qs, u"1"_qs)));
    QVERIFY(m_library->save(u"a-prompt"_qs, content(u"a"_qs, u"2"_qs)));
    QVERIFY(m_library->setLabel(u"a-prompt"_qs, 2, u"staging"_qs));
    QVERIFY(m_library->setLabel(u"a-prompt"_qs, 1, u"production"_qs));
    const auto prompts = m_library->list();
    QVERIFY(prompts);
    QCOMPARE(prompts->size(), std::size_t(2));
    QCOMPARE(prompts->at(0).name, u"a-prompt"_qs);
    QCOMPARE(prompts->at(0).latestVersion, 2);
    QCOMPARE(prompts->at(0).labels, (QStringList{u"production@1"_qs, u"staging@2"_qs}));
    QCOMPARE(prompts->at(1).name, u"b-prompt"_qs);
    QVERIFY(prompts->at(1).labels.isEmpty());
}

void TestPromptLibrary::searchFindsWordsAndPrefixesAndIgnoresOperators()
{
    QVERIFY(
        m_library->save(u"support triage"_qs, content(u"You route tickets to a team."_qs, u"{{ticket}}"_qs)));
    QVERIFY(
        m_library->save(u"cv review"_qs, content(u"Read the r\u00e9sum\u00e9 carefully."_qs, u"{{cv}}"_qs)));
    QVERIFY(m_library->save(u"old"_qs, content(u"tickets"_qs, u"x"_qs)));
    QVERIFY(m_library->save(u"old"_qs, content(u"nothing about that now"_qs, u"x"_qs)));
    QCOMPARE(m_library->search(u"ticket"_qs).value(),
             QStringList{u"support triage"_qs});                                     // prefix, latest only
    QCOMPARE(m_library->search(u"resume"_qs).value(), QStringList{u"cv review"_qs}); // diacritics
    QCOMPARE(m_library->search(u"triage route"_qs).value(), QStringList{u"support triage"_qs});
    QCOMPARE(m_library->search(u"triage resume"_qs).value(), QStringList());
    const auto operators = m_library->search(u"\"quote AND ( OR * NEAR"_qs);
    QVERIFY2(operators, qPrintable(operators ? QString() : operators.error().toString()));
    QCOMPARE(m_library->search(u"   "_qs).value(), QStringList());
}

void TestPromptLibrary::badNamesAndLabelsAreRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("label");
    QTest::newRow("empty name") << QString() << u"ok"_qs;
    QTest::newRow("@ in name") << u"a@b"_qs << u"ok"_qs;
    QTest::newRow("spaces around") << u" a"_qs << u"ok"_qs;
    QTest::newRow("control character") << u"a\tb"_qs << u"ok"_qs;
    QTest::newRow("numeric label") << u"fine"_qs << u"3"_qs;
    QTest::newRow("upper-case label") << u"fine"_qs << u"Production"_qs;
    QTest::newRow("label with space") << u"fine"_qs << u"two words"_qs;
}

void TestPromptLibrary::badNamesAndLabelsAreRefused()
{
    QFETCH(QString, name);
    QFETCH(QString, label);
    const bool badName = PromptLibrary::nameProblem(name).has_value();
    QCOMPARE(badName, !m_library->save(name, content(u"a"_qs, u"b"_qs)).has_value());
    if (!badName)
        QVERIFY(!m_library->setLabel(name, 1, label));
}

void TestPromptLibrary::aTamperedVersionIsAnErrorNamingIt()
{
    QVERIFY(m_library->save(u"t"_qs, content(u"a"_qs, u"b"_qs)));
    QVERIFY(m_workspace->database().execute("UPDATE prompt_versions SET content = '{\"messages\": 3}'"));
    const auto version = m_library->resolve(u"t"_qs);
    QVERIFY(!version);
    QCOMPARE(version.error().where, u"t@1"_qs);
    QVERIFY2(version.error().message.contains(u"messages"), qPrintable(version.error().message));
}

void TestPromptLibrary::roleMarkedTextParsesAndRoundTrips()
{
    const auto parsed = PromptContent::fromRoleMarkedText(
        u"system:\r\nYou are terse.\r\n\r\nuser:\n\n  {{question}}\n  second line\n\nassistant:\nOK.\n"_qs,
        u"p.txt"_qs);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().toString()));
    QCOMPARE(parsed->messages.size(), std::size_t(3));
    QCOMPARE(parsed->messages[0], (PromptMessage{u"system"_qs, u"You are terse."_qs}));
    QCOMPARE(parsed->messages[1], (PromptMessage{u"user"_qs, u"  {{question}}\n  second line"_qs}));
    QCOMPARE(parsed->messages[2], (PromptMessage{u"assistant"_qs, u"OK."_qs}));
    const auto again = PromptContent::fromRoleMarkedText(parsed->toRoleMarkedText(), u"p.txt"_qs);
    QVERIFY(again);
    QCOMPARE(again->messages, parsed->messages);
}

void TestPromptLibrary::roleMarkedTextErrorsNameTheLine()
{
    const auto early = PromptContent::fromRoleMarkedText(u"\nHello\nuser:\nhi"_qs, u"p.txt"_qs);
    QVERIFY(!early);
    QCOMPARE(early.error().where, u"p.txt:2"_qs);
    const auto none = PromptContent::fromRoleMarkedText(u"\n\n"_qs, u"p.txt"_qs);
    QVERIFY(!none);
    QVERIFY(none.error().message.contains(u"No message"));
}

void TestPromptLibrary::draftsAreKeptPerSlotAndDiscarded()
{
    Lathe::Library::DraftStore drafts(m_workspace->database(),
                                      [this] { return QDateTime::fromMSecsSinceEpoch(m_now, Qt::UTC); });
    QVERIFY(!drafts.load(u"main"_qs).value());
    QVERIFY(drafts.save(u"main"_qs, {u"first"_qs, u"triage"_qs, 2, {}}));
    QVERIFY(drafts.save(u"main"_qs, {u"second \u00e9"_qs, QString(), std::nullopt, {}}));
    QVERIFY(drafts.save(u"other"_qs, {u"elsewhere"_qs, {}, {}, {}}));
    const auto draft = drafts.load(u"main"_qs).value();
    QVERIFY(draft);
    QCOMPARE(draft->text, u"second \u00e9"_qs);
    QVERIFY(draft->prompt.isEmpty());
    QVERIFY(!draft->baseVersion);
    QCOMPARE(draft->savedAt.toMSecsSinceEpoch(), m_now);
    QVERIFY(drafts.discard(u"main"_qs));
    QVERIFY(!drafts.load(u"main"_qs).value());
    QCOMPARE(drafts.load(u"other"_qs).value()->text, u"elsewhere"_qs);
}

void TestPromptLibrary::promptTextIsPlainOrRoleMarked()
{
    const auto plain = Lathe::Library::fromPromptText(u"Summarize:\n{{text}}"_qs);
    QCOMPARE(plain.messages, (std::vector<PromptMessage>{{u"user"_qs, u"Summarize:\n{{text}}"_qs}}));
    QCOMPARE(Lathe::Library::toPromptText(plain), u"Summarize:\n{{text}}"_qs);
    const auto marked = Lathe::Library::fromPromptText(u"\nsystem:\nBe brief.\nuser:\nHi"_qs);
    QCOMPARE(marked.messages.size(), std::size_t(2));
    QCOMPARE(Lathe::Library::toPromptText(marked), u"system:\nBe brief.\n\nuser:\nHi\n"_qs);
}

void TestPromptLibrary::promptTextTakesAFrontMatter()
{
    // Without declarations or parameters the editor's form stays the plain one.
    PromptContent plain = content(u"s"_qs, u"u"_qs);
    plain.parameters["model"] = "gpt-4o";
    QCOMPARE(Lathe::Library::toPromptText(plain), u"system:\ns\n\nuser:\nu\n"_qs);

    PromptContent declared = content(u"Be {{tone}}."_qs, u"{{question}}"_qs);
    declared.variables[u"tone"_qs] = {Lathe::Library::VariableType::String, nlohmann::json("brief"),
                                      QString()};
    declared.parameters = {{"temperature", 0.2}, {"model", "gpt-4o"}};
    declared.responseSchema = {{"type", "object"}};
    const QString text = Lathe::Library::toPromptText(declared);
    QVERIFY2(text.startsWith(u"---\n"), qPrintable(text));
    QVERIFY(!text.contains(u"gpt-4o")); // the window's model field says the model
    const auto read = Lathe::Library::readPromptText(text);
    QVERIFY2(read, read ? "" : qPrintable(read.error().toString()));
    QCOMPARE(read->messages, declared.messages);
    QVERIFY(read->variables == declared.variables);
    QVERIFY(read->responseSchema == declared.responseSchema);
    QVERIFY(read->parameters == (nlohmann::json{{"temperature", 0.2}}));

    // Message lines count from the top of the whole text, front matter included.
    const QStringList lines = text.split(u'\n');
    const std::vector<int> starts = Lathe::Library::promptTextMessageLines(text);
    QCOMPARE(starts.size(), std::size_t(2));
    QCOMPARE(lines[starts[0]], u"Be {{tone}}."_qs);
    QCOMPARE(lines[starts[1]], u"{{question}}"_qs);

    // An error's place becomes the editor's line and column.
    using Place = std::optional<std::pair<int, int>>;
    QCOMPARE(Lathe::Library::promptTextPlace(text, u"message 2 (user):1:3"_qs),
             Place(std::pair{starts[1], 2}));
    QCOMPARE(Lathe::Library::promptTextPlace(text, u"message 1 (system):1:4: x"_qs),
             Place(std::pair{starts[0], 3}));
    QCOMPARE(Lathe::Library::promptTextPlace(text, u"prompt:3:1"_qs), Place(std::pair{2, 0}));
    QCOMPARE(Lathe::Library::promptTextPlace(text, u"prompt:3"_qs), Place(std::pair{2, 0}));
    QCOMPARE(Lathe::Library::promptTextPlace(text, u"message 9 (user):1:1"_qs), Place());
    QCOMPARE(Lathe::Library::promptTextPlace(text, u"variables.tone"_qs), Place());
    // Placeholders come back as they were, declared or not: opening and saving changes nothing.
    for (const bool declaredThread : {false, true}) {
        PromptContent chat = content(u"s"_qs, u"{{q}}"_qs);
        chat.messages.insert(chat.messages.begin() + 1, {u"placeholder"_qs, u"{{history}}"_qs});
        chat.parameters = {{"temperature", 0.5}};
        if (declaredThread)
            chat.variables[u"history"_qs] = {Lathe::Library::VariableType::Thread, nlohmann::json::array(),
                                             QString()};
        const auto reopened = Lathe::Library::readPromptText(Lathe::Library::toPromptText(chat));
        QVERIFY2(reopened, reopened ? "" : qPrintable(reopened.error().toString()));
        QCOMPARE(reopened->hash(), chat.hash());
    }
    // A thread line makes a message of its own: lines and bars follow the messages as read.
    const QString chatText = u"---\ninputs:\n  history: {type: thread}\ntemplate: mustache\n---\n"
                             u"system:\nBe kind.\n\n{{history}}\n\nuser:\n{{question}}\n"_qs;
    QCOMPARE(Lathe::Library::promptTextMessageLines(chatText), (std::vector<int>{6, 8, 11}));
    const auto chatRead = Lathe::Library::readPromptText(chatText); // given, it is not read again
    QCOMPARE(Lathe::Library::promptTextMessageLines(chatText, &chatRead), (std::vector<int>{6, 8, 11}));
    QCOMPARE(Lathe::Library::promptTextLayout(chatText, &chatRead).roleLines.size(), std::size_t(3));
    QCOMPARE(Lathe::Library::promptTextPlace(chatText, u"message 3 (user):1:3"_qs), Place(std::pair{11, 2}));
    const auto layout = Lathe::Library::promptTextLayout(chatText);
    QCOMPARE(layout.frontMatterLines, 5);
    QCOMPARE(layout.roleLines.size(), std::size_t(3));
    QCOMPARE(layout.roleLines[0].line, 5);
    QCOMPARE(layout.roleLines[0].role, u"system"_qs);
    QCOMPARE(layout.roleLines[1].line, 8);
    QCOMPARE(layout.roleLines[1].role, u"placeholder"_qs);
    QCOMPARE(layout.roleLines[2].line, 10);
    QCOMPARE(layout.roleLines[2].role, u"user"_qs);
    // A plain prompt has no bars; a repeated line is found in its own message.
    QVERIFY(Lathe::Library::promptTextLayout(u"Just {{x}}"_qs).roleLines.empty());
    QCOMPARE(Lathe::Library::promptTextMessageLines(u"system:\nsame\nuser:\nsame"_qs),
             (std::vector<int>{1, 3}));
    // A markdown rule above prose is not a front matter, nor is a longer rule.
    for (const QString &plainText :
         {u"---\nYou are helpful.\n---\nSummarize {{x}}"_qs, u"---- Context ----\nSummarize {{x}}"_qs}) {
        const auto readBack = Lathe::Library::readPromptText(plainText);
        QVERIFY2(readBack, qPrintable(plainText));
        QCOMPARE(readBack->messages, (std::vector<PromptMessage>{{u"user"_qs, plainText}}));
        QCOMPARE(Lathe::Library::promptTextMessageLines(plainText), std::vector<int>{0});
        QCOMPARE(Lathe::Library::toPromptText(*readBack), plainText);
    }
    // A lone message whose text would read as a front matter is written role-marked.
    PromptContent lookalike;
    lookalike.messages = {{u"user"_qs, u"---\nname: x\n---\nhi"_qs}};
    const QString lookalikeText = Lathe::Library::toPromptText(lookalike);
    QVERIFY(lookalikeText.startsWith(u"user:\n"));
    QCOMPARE(Lathe::Library::readPromptText(lookalikeText)->messages, lookalike.messages);
    // A front matter being typed, not yet closed, is said to be one.
    const auto open = Lathe::Library::readPromptText(u"---\ninputs:\n"_qs);
    QVERIFY(!open);
    QVERIFY2(open.error().message.contains(u"no closing"), qPrintable(open.error().message));
    const auto broken = Lathe::Library::readPromptText(u"---\ninputs:\n  n: {type: nope}\n---\nuser:\nhi"_qs);
    QVERIFY(!broken);
    QVERIFY2(broken.error().where.startsWith(u"prompt:3"), qPrintable(broken.error().where));
}

void TestPromptLibrary::variablesAreTheTopLevelNames()
{
    const auto variables = Lathe::Library::variablesOf(Lathe::Library::fromPromptText(
        u"system:\nYou help {{company}}.\nuser:\n{{#orders}}{{id}} {{.}}{{/orders}} {{customer.name}} {{company}}"_qs));
    QCOMPARE(variables.names, (QStringList{u"company"_qs, u"orders"_qs, u"customer"_qs}));
    QVERIFY(!variables.problem);
    const auto broken =
        Lathe::Library::variablesOf(Lathe::Library::fromPromptText(u"system:\nfine {{a}}\nuser:\n{{#b}}"_qs));
    QCOMPARE(broken.names, QStringList{u"a"_qs});
    QVERIFY(broken.problem);
    QCOMPARE(broken.problem->where, u"message 2 (user):1:1"_qs);
}

void TestPromptLibrary::renderingIsStrictAndUnescaped()
{
    const auto content = Lathe::Library::fromPromptText(
        u"system:\nCompare {{a}} & {{b}}.\nuser:\n{{#items}}<{{.}}>{{/items}}"_qs);
    const auto rendered =
        Lathe::Library::renderPrompt(content, nlohmann::json{{"a", "x<y"}, {"b", 2}, {"items", {1, 2}}});
    QVERIFY2(rendered, qPrintable(rendered ? QString() : rendered.error().toString()));
    QCOMPARE(rendered->messages[0].text, u"Compare x<y & 2."_qs);
    QCOMPARE(rendered->messages[1].text, u"<1><2>"_qs);
    const auto missing =
        Lathe::Library::renderPrompt(content, nlohmann::json{{"a", 1}, {"items", nlohmann::json::array()}});
    QVERIFY(!missing);
    QCOMPARE(missing.error().where, u"message 1 (system):1:17"_qs);
}

void TestPromptLibrary::scenariosAreKeptPerPrompt()
{
    QVERIFY(m_library->save(u"p"_qs, content(u"a"_qs, u"{{x}}"_qs)));
    QVERIFY(m_library->save(u"q"_qs, content(u"a"_qs, u"{{x}}"_qs)));
    QVERIFY(m_library->scenarios(u"p"_qs).value().empty());
    QVERIFY(m_library->saveScenario(u"p"_qs, {u"refund"_qs, {{u"x"_qs, u"I want my money back"_qs}}, {}}));
    QVERIFY(
        m_library->saveScenario(u"p"_qs, {u"default"_qs, {{u"x"_qs, u"[1, 2]"_qs}, {u"y"_qs, u""_qs}}, {}}));
    QVERIFY(m_library->saveScenario(u"p"_qs, {u"refund"_qs, {{u"x"_qs, u"replaced"_qs}}, {}}));
    const auto scenarios = m_library->scenarios(u"p"_qs).value();
    QCOMPARE(scenarios.size(), std::size_t(2));
    QCOMPARE(scenarios[0].name, u"default"_qs);
    QCOMPARE(scenarios[0].values.at(u"x"_qs), u"[1, 2]"_qs);
    QCOMPARE(scenarios[0].values.at(u"y"_qs), QString());
    QCOMPARE(scenarios[1].values.at(u"x"_qs), u"replaced"_qs);
    QVERIFY(m_library->scenarios(u"q"_qs).value().empty());
    QVERIFY(m_library->removeScenario(u"p"_qs, u"refund"_qs));
    QCOMPARE(m_library->scenarios(u"p"_qs).value().size(), std::size_t(1));
    QVERIFY(!m_library->saveScenario(u"p"_qs, {u"  "_qs, {}, {}}));
    QVERIFY(!m_library->saveScenario(u"nothing"_qs, {u"a"_qs, {}, {}}));
}

QTEST_GUILESS_MAIN(TestPromptLibrary)
#include "tst_promptlibrary.moc"
