// SPDX-License-Identifier: GPL-3.0-or-later
// The library beside the editor, in the real main window over a real workspace: the list,
// search as you type, history and diffs, keyboard navigation, saving and opening versions.

#include <QApplication>
#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "credentials/CredentialStore.h"
#include "editor/PromptEditor.h"
#include "library/LibraryPanel.h"
#include "library/PromptLibrary.h"
#include "mainwindow/MainWindow.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorHost.h"
#include "providers/StreamHub.h"
#include "store/Workspace.h"
#include "variables/VariablesPanel.h"

using namespace Lathe;

namespace
{

Library::PromptContent promptOf(const QString &text)
{
    return Library::fromPromptText(text);
}

} // namespace

class TestLibraryPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void listsPromptsVersionsAndTheirDiff();
    void searchesAsYouTypeAndEnterOpensTheBestMatch();
    void ctrlPFromTheEditorGoesToTheSearch();
    void enterOnAVersionOpensThatVersion();
    void savingFromTheEditorAddsAVersionOnlyWhenSomethingChanged();
    void unsavedTextIsKeptAndComesBackInANewWindow();
    void openingAVersionKeepsWhatWasTyped();
    void labelsMoveFromTheHistory();
    void variablesAreFoundAndFilledInWhenRunning();
    void valuesAreKeptAsScenariosOfThePrompt();
    void tagsAreTintedAndTemplateErrorsSquiggled();
    void foldersAndTagsFileThePrompts();
    void frontMatterDeclaresTypesAndDefaults();
    void rolesAreShownAndVariableNamesCompleted();
    void promptyFilesComeInAndGoOut();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<Store::Workspace> m_workspace;
    std::optional<Library::PromptLibrary> m_library;
    std::optional<Library::DraftStore> m_drafts;
    std::unique_ptr<Mock::SimulatorHost> m_simulator;
    std::unique_ptr<Providers::StreamHub> m_hub;
    std::unique_ptr<Credentials::CredentialStore> m_credentials;
    std::unique_ptr<Ui::MainWindow> m_window;
    Ui::LibraryPanel *m_panel = nullptr;
    Ui::PromptEditor *m_editor = nullptr;
    QLineEdit *m_search = nullptr;
};

void TestLibraryPanel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto workspace = Store::Workspace::open(m_dir->filePath(u"gui.lathe"_qs));
    QVERIFY2(workspace, qPrintable(workspace ? QString() : workspace.error().toString()));
    m_workspace.emplace(std::move(*workspace));
    m_library.emplace(m_workspace->database());
    m_drafts.emplace(m_workspace->database());
    QVERIFY(m_library->save(u"support/triage"_qs, promptOf(u"system:\nYou triage.\n\nuser:\n{{ticket}}"_qs),
                            u"first"_qs));
    QVERIFY(m_library->save(u"support/triage"_qs,
                            promptOf(u"system:\nYou triage tickets for Acme.\n\nuser:\n{{ticket}}"_qs),
                            u"name Acme"_qs));
    QVERIFY(m_library->setLabel(u"support/triage"_qs, 2, u"production"_qs));
    QVERIFY(m_library->save(u"writing/summarize"_qs, promptOf(u"Summarize {{text}} in three sentences."_qs),
                            u"first"_qs));

    m_simulator = std::make_unique<Mock::SimulatorHost>();
    const auto url = m_simulator->start(Mock::SimulatorOptions{});
    QVERIFY(url);
    m_hub = std::make_unique<Providers::StreamHub>(m_dir->filePath(u"ledger.jsonl"_qs));
    m_credentials = std::make_unique<Credentials::CredentialStore>();
    m_window =
        std::make_unique<Ui::MainWindow>(m_hub.get(), m_credentials.get(), *url, &*m_library, &*m_drafts);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_panel = m_window->libraryPanel();
    m_editor = m_window->findChild<Ui::PromptEditor *>(u"promptEditor"_qs);
    m_search = m_window->findChild<QLineEdit *>(u"librarySearch"_qs);
    QVERIFY(m_panel && m_editor && m_search);
}

void TestLibraryPanel::cleanup()
{
    m_window.reset();
    m_hub.reset();
    m_credentials.reset();
    m_simulator.reset();
    m_drafts.reset();
    m_library.reset();
    m_workspace.reset();
}

void TestLibraryPanel::listsPromptsVersionsAndTheirDiff()
{
    QCOMPARE(m_panel->shownPrompts(),
             (QStringList{u"support/triage v2 production@2"_qs, u"writing/summarize v1 "_qs}));
    m_panel->selectPrompt(u"support/triage"_qs);
    QCOMPARE(m_panel->shownVersions(), (QStringList{u"v2 production name Acme"_qs, u"v1  first"_qs}));
    QCOMPARE(m_panel->selectedVersion(), std::optional<int>(2));
    const QString diff = m_panel->shownDiff();
    QVERIFY2(diff.contains(u"v2 against v1"), qPrintable(diff));
    QVERIFY(diff.contains(u"− You triage."));
    QVERIFY(diff.contains(u"+ You triage tickets for Acme."));
    QVERIFY(diff.contains(u"Message 2 · user · unchanged"));
}

void TestLibraryPanel::searchesAsYouTypeAndEnterOpensTheBestMatch()
{
    m_search->setFocus();
    QTest::keyClicks(m_search, u"acme"_qs);
    QTRY_COMPARE(m_panel->shownPrompts(), QStringList{u"support/triage v2 production@2"_qs});
    QTest::keyClick(m_search, Qt::Key_Return);
    QCOMPARE(m_editor->text(), u"system:\nYou triage tickets for Acme.\n\nuser:\n{{ticket}}\n"_qs);
    QCOMPARE(m_window->windowTitle(), u"support/triage v2 – Lathe"_qs);
    QCOMPARE(QApplication::focusWidget(), m_editor);

    m_search->clear();
    QTest::keyClicks(m_search, u"nothing-like-this"_qs);
    QTRY_VERIFY(m_panel->shownPrompts().isEmpty());
}

void TestLibraryPanel::ctrlPFromTheEditorGoesToTheSearch()
{
    m_editor->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), m_editor);
    QTest::keyClick(m_editor, Qt::Key_P, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), m_search);
    // Down goes from the search to the list.
    QTest::keyClick(m_search, Qt::Key_Down);
    QCOMPARE(QApplication::focusWidget(), m_window->findChild<QTreeView *>(u"libraryPrompts"_qs));
}

void TestLibraryPanel::enterOnAVersionOpensThatVersion()
{
    m_panel->selectPrompt(u"support/triage"_qs);
    auto *versions = m_window->findChild<QTreeView *>(u"libraryVersions"_qs);
    QVERIFY(versions);
    versions->setFocus();
    QTest::keyClick(versions, Qt::Key_Down); // to v1
    QCOMPARE(m_panel->selectedVersion(), std::optional<int>(1));
    QVERIFY(m_panel->shownDiff().contains(u"the first version"));
    QTest::keyClick(versions, Qt::Key_Return);
    QCOMPARE(m_editor->text(), u"system:\nYou triage.\n\nuser:\n{{ticket}}\n"_qs);
    QCOMPARE(m_window->windowTitle(), u"support/triage v1 – Lathe"_qs);
}

void TestLibraryPanel::savingFromTheEditorAddsAVersionOnlyWhenSomethingChanged()
{
    m_editor->setText(u"Translate {{text}} into French."_qs);
    const auto saved = m_window->saveVersion(u"writing/translate"_qs, u"first try"_qs);
    QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));
    QVERIFY(saved->created);
    QCOMPARE(saved->version.content.messages.size(), std::size_t(1));
    QCOMPARE(saved->version.content.messages[0].role, u"user"_qs);
    QVERIFY(saved->version.content.parameters.contains("model"));
    QVERIFY(m_panel->shownPrompts().contains(u"writing/translate v1 "_qs));
    QCOMPARE(m_panel->selectedPrompt(), std::optional<QString>(u"writing/translate"_qs));
    QCOMPARE(m_window->windowTitle(), u"writing/translate v1 – Lathe"_qs);

    const auto again = m_window->saveVersion(u"writing/translate"_qs, u"nothing"_qs);
    QVERIFY(again);
    QVERIFY(!again->created);
    m_editor->setText(u"Translate {{text}} into {{language}}."_qs);
    const auto second = m_window->saveVersion(u"writing/translate"_qs, u"any language"_qs);
    QVERIFY(second && second->created);
    QCOMPARE(second->version.number, 2);
    QCOMPARE(m_panel->shownVersions().front(), u"v2  any language"_qs);
    QVERIFY2(m_panel->shownDiff().contains(u"+ Translate {{text}} into {{language}}."),
             qPrintable(m_panel->shownDiff()));
}

void TestLibraryPanel::unsavedTextIsKeptAndComesBackInANewWindow()
{
    QVERIFY(!m_drafts->load(u"main"_qs).value());
    m_editor->setFocus();
    m_editor->selectAll();
    QTest::keyClicks(m_editor, u"Never lose this."_qs);
    // Kept within a few seconds of typing, without saving a version.
    QTRY_VERIFY_WITH_TIMEOUT(m_drafts->load(u"main"_qs).value().has_value(), 5000);
    QCOMPARE(m_drafts->load(u"main"_qs).value()->text, u"Never lose this."_qs);

    // A new window over the workspace (as after a crash or a kill) has the text back.
    auto second = std::make_unique<Ui::MainWindow>(
        m_hub.get(), m_credentials.get(), QUrl(u"http://127.0.0.1:1/v1"_qs), &*m_library, &*m_drafts);
    auto *editor = second->findChild<Ui::PromptEditor *>(u"promptEditor"_qs);
    QVERIFY(editor);
    QCOMPARE(editor->text(), u"Never lose this."_qs);
    second.reset();

    // Saved as a version, the draft has nothing left to keep.
    QVERIFY(m_window->saveVersion(u"kept"_qs, u"from the draft"_qs));
    QVERIFY(!m_drafts->load(u"main"_qs).value());
}

void TestLibraryPanel::openingAVersionKeepsWhatWasTyped()
{
    m_editor->setText(u"Half-written idea"_qs);
    m_panel->selectPrompt(u"writing/summarize"_qs);
    auto *prompts = m_window->findChild<QTreeView *>(u"libraryPrompts"_qs);
    prompts->setFocus();
    QTest::keyClick(prompts, Qt::Key_Return);
    QCOMPARE(m_editor->text(), u"Summarize {{text}} in three sentences."_qs);
    QCOMPARE(m_drafts->load(u"main"_qs).value()->text, u"Half-written idea"_qs);
    m_editor->undo();
    QCOMPARE(m_editor->text(), u"Half-written idea"_qs);
}

void TestLibraryPanel::labelsMoveFromTheHistory()
{
    m_panel->selectVersion(u"support/triage"_qs, 1);
    const auto moved = m_panel->labelSelectedVersion(u"production"_qs);
    QVERIFY(moved);
    QCOMPARE(moved->fromVersion, std::optional<int>(2));
    QCOMPARE(m_panel->selectedVersion(), std::optional<int>(1)); // the selection stays
    QCOMPARE(m_panel->shownVersions(), (QStringList{u"v2  name Acme"_qs, u"v1 production first"_qs}));
    QVERIFY(m_panel->shownPrompts().contains(u"support/triage v2 production@1"_qs));
    // Every move is listed, newest first, under the diff.
    const QString diff = m_panel->shownDiff();
    QVERIFY2(diff.contains(u"Label moves"), qPrintable(diff));
    const qsizetype back = diff.indexOf(u"production: v2 → v1");
    const qsizetype first = diff.indexOf(u"production: new → v2");
    QVERIFY(back >= 0 && first > back);
    // Ctrl+R on an old version makes it the newest again, as a new version.
    m_panel->selectVersion(u"support/triage"_qs, 1);
    auto *versions = m_window->findChild<QTreeView *>(u"libraryVersions"_qs);
    versions->setFocus();
    QTest::keyClick(versions, Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(m_panel->selectedVersion(), std::optional<int>(3));
    QCOMPARE(m_library->resolve(u"support/triage@3"_qs)->hash,
             m_library->resolve(u"support/triage@1"_qs)->hash);
    QVERIFY2(m_panel->shownVersions().front().startsWith(u"v3 "),
             qPrintable(m_panel->shownVersions().front()));
    const auto refused = m_panel->labelSelectedVersion(u"Not A Label"_qs);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(u"lower-case"));
}

void TestLibraryPanel::variablesAreFoundAndFilledInWhenRunning()
{
    Ui::VariablesPanel *variables = m_window->variablesPanel();
    auto *response = m_window->findChild<QPlainTextEdit *>(u"responseText"_qs);
    QVERIFY(variables && response);
    m_editor->setText(u"Summarize for {{audience}}:\n{{#facts}}- {{.}}\n{{/facts}}{{source.title}}"_qs);
    QTRY_COMPARE(variables->shownNames(), (QStringList{u"audience"_qs, u"facts"_qs, u"source"_qs}));

    // A name without a value: nothing is sent, and the pane says which and where.
    m_editor->setFocus();
    QTest::keyClick(m_editor, Qt::Key_Return, Qt::ControlModifier);
    auto *banner = m_window->findChild<QLabel *>(u"responseBanner"_qs);
    QVERIFY(banner);
    QTRY_VERIFY2(banner->text().contains(u"No value is named \"audience\""), qPrintable(banner->text()));
    QVERIFY(banner->text().contains(u"message 1 (user):1:15"));
    QVERIFY(m_editor->isProblemAt(0, 14)); // and the tag without a value is squiggled

    variables->setValue(u"audience"_qs, u"lawyers"_qs);
    variables->setValue(u"facts"_qs, u"[\"one\", \"two\"]"_qs);
    variables->setValue(u"source"_qs, u"{\"title\": \"The memo\"}"_qs);
    QTest::keyClick(m_editor, Qt::Key_Return, Qt::ControlModifier);
    const QString sent = u"Summarize for lawyers:\n- one\n- two\nThe memo"_qs;
    const QString expected = Mock::simulateAnswer(u"lathe-sim"_qs, {{u"user"_qs, sent}}, std::nullopt).text();
    QTRY_COMPARE_WITH_TIMEOUT(response->toPlainText(), expected, 10000);

    // A template error shows in the panel with its place.
    m_editor->setText(u"Hello {{#unclosed}}"_qs);
    QTRY_VERIFY(variables->statusText().contains(u"message 1 (user):1:7"));
}

void TestLibraryPanel::valuesAreKeptAsScenariosOfThePrompt()
{
    Ui::VariablesPanel *variables = m_window->variablesPanel();
    auto *prompts = m_window->findChild<QTreeView *>(u"libraryPrompts"_qs);
    const auto open = [&](const QString &name) {
        m_panel->selectPrompt(name);
        prompts->setFocus();
        QTest::keyClick(prompts, Qt::Key_Return);
    };
    open(u"support/triage"_qs);
    QTRY_COMPARE(variables->shownNames(), QStringList{u"ticket"_qs});
    QCOMPARE(variables->currentScenario(), u"default"_qs);
    variables->setValue(u"ticket"_qs, u"My parcel is late."_qs);
    // Kept with the prompt about a second after the last edit.
    QTRY_VERIFY_WITH_TIMEOUT(!m_library->scenarios(u"support/triage"_qs).value().empty(), 5000);
    QCOMPARE(m_library->scenarios(u"support/triage"_qs).value()[0].values.at(u"ticket"_qs),
             u"My parcel is late."_qs);

    variables->addScenario(u"refund"_qs);
    variables->setValue(u"ticket"_qs, u"Refund me $900."_qs);
    open(u"writing/summarize"_qs); // keeps the edited scenario before switching
    QCOMPARE(m_library->scenarios(u"support/triage"_qs).value().size(), std::size_t(2));

    open(u"support/triage"_qs);
    QTRY_COMPARE(variables->shownNames(), QStringList{u"ticket"_qs});
    QCOMPARE(variables->currentScenario(), u"default"_qs);
    QVERIFY(variables->values() == (nlohmann::json{{"ticket", "My parcel is late."}}));
    auto *box = m_window->findChild<QComboBox *>(u"scenarioBox"_qs);
    QVERIFY(box);
    QCOMPARE(box->count(), 2);
}

void TestLibraryPanel::tagsAreTintedAndTemplateErrorsSquiggled()
{
    m_editor->setText(u"system:\nH\u00e9llo {{name}}\n\nuser:\n  {{#open}}"_qs);
    QTRY_VERIFY(m_editor->isTagAt(1, 8));
    // Columns count characters: the tag starts after "Héllo ", six of them (seven bytes).
    QVERIFY(m_editor->isTagAt(1, 6));
    QVERIFY(!m_editor->isTagAt(1, 5));
    QVERIFY(!m_editor->isTagAt(1, 2));
    // The error is in message 2 at its line 1, column 3: the editor's line 4, column 2.
    QTRY_VERIFY(m_editor->isProblemAt(4, 2));
    QVERIFY(!m_editor->isProblemAt(1, 8));
    m_editor->setText(u"Fine {{now}} {{#items}}{{.}}{{/items}}"_qs);
    QTRY_VERIFY(m_editor->isTagAt(0, 6));
    QVERIFY(!m_editor->isProblemAt(0, 6));
    QVERIFY(!m_editor->isSectionAt(0, 6));
    // Columns count characters: an emoji before a tag is one, not two UTF-16 units.
    m_editor->setText(u"\U0001F642 {{name}} x"_qs);
    QTRY_VERIFY(m_editor->isTagAt(0, 2));
    QVERIFY(m_editor->isTagAt(0, 9));
    QVERIFY(!m_editor->isTagAt(0, 1));
    QVERIFY(!m_editor->isTagAt(0, 10));
    m_editor->setText(u"Fine {{now}} {{#items}}{{.}}{{/items}}"_qs);
    QTRY_VERIFY(m_editor->isTagAt(0, 6));
    // Sections have their own tint.
    QVERIFY(m_editor->isSectionAt(0, 14));
    QVERIFY(!m_editor->isTagAt(0, 14));
    QVERIFY(m_editor->isTagAt(0, 24));
    QVERIFY(m_editor->isSectionAt(0, 29));
}

void TestLibraryPanel::foldersAndTagsFileThePrompts()
{
    // Without a query the names' "/" make folders, each prompt under its last part.
    auto *tree = m_window->findChild<QTreeView *>(u"libraryPrompts"_qs);
    QVERIFY(tree);
    const QAbstractItemModel *model = tree->model();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->index(0, 0).data().toString(), u"support"_qs);
    QCOMPARE(model->index(0, 0, model->index(0, 0)).data().toString(), u"triage"_qs);
    QCOMPARE(model->index(0, 0, model->index(1, 0)).data().toString(), u"summarize"_qs);
    QVERIFY(tree->isExpanded(model->index(0, 0)));

    // Ctrl+T on a prompt asks for its tags; the answer files it.
    m_panel->selectPrompt(u"writing/summarize"_qs);
    tree->setFocus();
    QTimer::singleShot(0, this, [] {
        auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->setTextValue(u"#eval, billing"_qs);
        dialog->accept();
    });
    QTest::keyClick(tree, Qt::Key_T, Qt::ControlModifier);
    QCOMPARE(m_library->tags(u"writing/summarize"_qs).value(), (QStringList{u"billing"_qs, u"eval"_qs}));
    QCOMPARE(m_panel->shownPrompts(),
             (QStringList{u"support/triage v2 production@2"_qs, u"writing/summarize v1  #billing #eval"_qs}));
    m_panel->selectPrompt(u"support/triage"_qs);
    QVERIFY(m_panel->setSelectedTags({u"billing"_qs}));

    // The tag box offers each tag with its count; choosing one filters, as "#tag" typed does.
    auto *tags = m_window->findChild<QComboBox *>(u"libraryTagFilter"_qs);
    QVERIFY(tags);
    QCOMPARE(tags->count(), 3);
    QCOMPARE(tags->itemText(1), u"#billing (2)"_qs);
    tags->setCurrentIndex(2);
    Q_EMIT tags->activated(2);
    QCOMPARE(m_panel->shownPrompts(), QStringList{u"writing/summarize v1  #billing #eval"_qs});
    tags->setCurrentIndex(0);
    Q_EMIT tags->activated(0);
    QCOMPARE(m_panel->shownPrompts().size(), 2);
    m_search->setFocus();
    QTest::keyClicks(m_search, u"#billing acme"_qs);
    QTRY_COMPARE(m_panel->shownPrompts(), QStringList{u"support/triage v2 production@2 #billing"_qs});
    m_search->clear();
    QTest::keyClicks(m_search, u"#eval acme"_qs);
    QTRY_VERIFY(m_panel->shownPrompts().isEmpty());

    // A tag that cannot be one changes nothing and says why.
    m_search->clear();
    QTRY_COMPARE(m_panel->shownPrompts().size(), 2);
    m_panel->selectPrompt(u"support/triage"_qs);
    const auto refused = m_panel->setSelectedTags({u"-bad"_qs});
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(u"-bad"));
    QCOMPARE(m_library->tags(u"support/triage"_qs).value(), QStringList{u"billing"_qs});
}

void TestLibraryPanel::frontMatterDeclaresTypesAndDefaults()
{
    Ui::VariablesPanel *variables = m_window->variablesPanel();
    auto *table = m_window->findChild<QTableWidget *>(u"variablesTable"_qs);
    auto *response = m_window->findChild<QPlainTextEdit *>(u"responseText"_qs);
    QVERIFY(variables && table && response);
    m_editor->setText(
        u"---\ninputs:\n  count:\n    type: integer\n    default: 3\n    description: how many\n"
        u"---\nuser:\nGive {{count}} ideas about {{topic}}."_qs);
    QTRY_COMPARE(variables->shownNames(), (QStringList{u"count"_qs, u"topic"_qs}));
    QCOMPARE(table->item(0, 1)->text(), u"integer = 3"_qs);
    QCOMPARE(table->item(0, 0)->toolTip(), u"how many"_qs);
    QCOMPARE(table->item(1, 1)->text(), QString());

    // The default fills in; the typed value is read as the declared type.
    variables->setValue(u"topic"_qs, u"tea"_qs);
    m_editor->setFocus();
    QTest::keyClick(m_editor, Qt::Key_Return, Qt::ControlModifier);
    const auto answerTo = [](const QString &sent) {
        return Mock::simulateAnswer(u"lathe-sim"_qs, {{u"user"_qs, sent}}, std::nullopt).text();
    };
    QTRY_COMPARE_WITH_TIMEOUT(response->toPlainText(), answerTo(u"Give 3 ideas about tea."_qs), 10000);
    variables->setValue(u"count"_qs, u"many"_qs);
    QTest::keyClick(m_editor, Qt::Key_Return, Qt::ControlModifier);
    auto *banner = m_window->findChild<QLabel *>(u"responseBanner"_qs);
    QTRY_VERIFY2(banner->text().contains(u"variables.count"), qPrintable(banner->text()));
    QVERIFY(banner->text().contains(u"expected a whole number, got the text \"many\""));

    // Saved, the declaration is part of the version, and opening it shows the front matter again.
    const auto saved = m_window->saveVersion(u"ideas"_qs, u"typed"_qs);
    QVERIFY2(saved, saved ? "" : qPrintable(saved.error().toString()));
    const auto declared = saved->version.content.variables;
    QCOMPARE(declared.size(), std::size_t(1));
    QCOMPARE(declared.at(u"count"_qs).type, Library::VariableType::Integer);
    QVERIFY(*declared.at(u"count"_qs).defaultValue == nlohmann::json(3));
    m_window->openVersion(saved->version);
    QVERIFY2(m_editor->text().startsWith(u"---\n"), qPrintable(m_editor->text()));
    QVERIFY(m_editor->text().contains(u"Give {{count}} ideas about {{topic}}."));
    // The model is the model field's, not the front matter's; the rest reads back the same.
    auto reread = Library::readPromptText(m_editor->text());
    QVERIFY(reread);
    QVERIFY(!reread->parameters.contains("model"));
    reread->parameters["model"] = saved->version.content.parameters["model"];
    QCOMPARE(reread->hash(), saved->version.content.hash());

    // What a version will not keep is said before it is saved.
    m_editor->setText(u"---\nauthors: [ada]\ntemplate: mustache\n---\nuser:\nhi"_qs);
    QTRY_VERIFY2(variables->statusText().contains(u"Front matter: authors"),
                 qPrintable(variables->statusText()));
    // A broken front matter is said in the dock and squiggled at its line.
    m_editor->setText(u"---\ninputs:\n  count: {type: integer\n---\nuser:\nhi"_qs);
    QTRY_VERIFY2(variables->statusText().contains(u"prompt:"), qPrintable(variables->statusText()));
    QVERIFY(variables->statusText().contains(u"prompt:3:1"));
    QTRY_VERIFY(m_editor->isProblemAt(2, 0));
}

void TestLibraryPanel::rolesAreShownAndVariableNamesCompleted()
{
    m_editor->setText(
        u"---\ninputs:\n  tone: {type: string}\n---\nsystem:\nBe {{tone}}.\n\nuser:\n{{question}}"_qs);
    // Each message's lines carry its role's colour, from its role line to the next one.
    QTRY_COMPARE(m_editor->roleShownAt(4), u"system"_qs);
    QCOMPARE(m_editor->roleShownAt(5), u"system"_qs);
    QCOMPARE(m_editor->roleShownAt(6), u"system"_qs);
    QCOMPARE(m_editor->roleShownAt(7), u"user"_qs);
    QCOMPARE(m_editor->roleShownAt(8), u"user"_qs);
    QCOMPARE(m_editor->roleShownAt(1), QString());
    QVERIFY(m_editor->isFrontMatterAt(0));
    QVERIFY(m_editor->isFrontMatterAt(3));
    QVERIFY(!m_editor->isFrontMatterAt(4));

    // "{{" offers the prompt's names; Enter puts one in and closes the tag.
    m_editor->setFocus();
    m_editor->setCursorPosition(8, 12);
    QTest::keyClick(m_editor, Qt::Key_Return);
    QTest::keyClicks(m_editor, u"{{"_qs);
    QTRY_VERIFY(m_editor->isListActive());
    QTest::keyClick(m_editor, Qt::Key_Return);
    QCOMPARE(m_editor->text(9), u"{{question}}"_qs);

    // Ctrl+Space inside a tag offers the names that start with what is typed.
    QTest::keyClicks(m_editor, u" {{#"_qs); // a section's sigil offers the names too
    QTRY_VERIFY(m_editor->isListActive());
    QTest::keyClick(m_editor, Qt::Key_Escape);
    QVERIFY(!m_editor->isListActive());
    QTest::keyClicks(m_editor, u"TO"_qs);
    QTest::keyClick(m_editor, Qt::Key_Space, Qt::ControlModifier);
    QTRY_VERIFY(m_editor->isListActive());
    QTest::keyClick(m_editor, Qt::Key_Return);
    QCOMPARE(m_editor->text(9), u"{{question}} {{#tone}}"_qs);
    // After an emoji, "{{" still opens the list, and the name lands where the caret is.
    QTest::keyClick(m_editor, Qt::Key_Return);
    m_editor->insert(u"\U0001F642 "_qs); // QTest types ASCII only
    m_editor->setCursorPosition(10, 2);  // after the emoji (one character) and the space
    QTest::keyClicks(m_editor, u"{{"_qs);
    QTRY_VERIFY(m_editor->isListActive());
    QTest::keyClick(m_editor, Qt::Key_Return);
    QCOMPARE(m_editor->text(10), u"\U0001F642 {{question}}"_qs);
    // Where no tag is open, Ctrl+Space offers nothing.
    QTest::keyClicks(m_editor, u" plain"_qs);
    QTest::keyClick(m_editor, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(!m_editor->isListActive());
}

void TestLibraryPanel::promptyFilesComeInAndGoOut()
{
    const QString in = m_dir->filePath(u"greeter.prompty"_qs);
    QFile file(in);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        "---\nname: greeter\ntags: [demo]\nmodel:\n  api: chat\n  connection:\n    api_key: sk-secret\n"
        "inputs:\n  who:\n    type: string\n    default: you\nsample:\n  who: Ada\ntemplate: mustache\n---\n"
        "system:\nBe kind.\n\nuser:\nHi {{who}}.\n");
    file.close();
    const auto imported = m_window->importPromptyFile(in, u"imports/greeter"_qs);
    QVERIFY2(imported, imported ? "" : qPrintable(imported.error().toString()));
    QCOMPARE(imported->saved.version.number, 1);
    // Filed with its tags and its sample, shown in the library, and open in the editor.
    QVERIFY(m_panel->shownPrompts().contains(u"imports/greeter v1  #demo"_qs));
    QCOMPARE(m_library->scenarios(u"imports/greeter"_qs)->front().values.at(u"who"_qs), u"Ada"_qs);
    QVERIFY2(m_editor->text().startsWith(u"---\n"), qPrintable(m_editor->text()));
    QVERIFY(m_editor->text().contains(u"Hi {{who}}."));
    QCOMPARE(m_window->windowTitle(), u"imports/greeter v1 – Lathe"_qs);

    const QString out = m_dir->filePath(u"out.prompty"_qs);
    const auto notes = m_window->exportPromptyFile(u"imports/greeter@1"_qs, out);
    QVERIFY2(notes, notes ? "" : qPrintable(notes.error().toString()));
    QVERIFY(notes->empty());
    const auto back = Library::readPromptyFile(out);
    QVERIFY(back);
    QCOMPARE(back->content.hash(), imported->saved.version.content.hash());
    QCOMPARE(back->tags, QStringList{u"demo"_qs});
    QCOMPARE(back->name, u"imports/greeter"_qs);
    QFile written(out);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QVERIFY(!written.readAll().contains("sk-secret")); // a key in the file is never kept

    // Importing again over an edited "sample" says it replaced it.
    QVERIFY(m_library->saveScenario(u"imports/greeter"_qs, {u"sample"_qs, {{u"who"_qs, u"Grace"_qs}}, {}}));
    const auto again = m_window->importPromptyFile(in, u"imports/greeter"_qs);
    QVERIFY(again);
    QVERIFY(!again->saved.created);
    QCOMPARE(again->notes.size(), std::size_t(1));
    QVERIFY(again->notes.front().what.contains(u"replaces"));
    QVERIFY(!m_window->exportPromptyFile(u"imports/greeter@7"_qs, out));
    QVERIFY(!m_window->importPromptyFile(m_dir->filePath(u"missing.prompty"_qs), u"x"_qs));
}

QTEST_MAIN(TestLibraryPanel)
#include "tst_librarypanel.moc"
