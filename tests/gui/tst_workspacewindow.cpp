// SPDX-License-Identifier: GPL-3.0-or-later
// Switching workspaces in the real window: the file is opened first, the old window keeps its
// unsaved text in its own workspace, the new one takes its place and size, and the recent list
// follows. A file that cannot be opened changes nothing.
#include <QApplication>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "credentials/CredentialStore.h"
#include "editor/PromptEditor.h"
#include "library/DraftStore.h"
#include "library/LibraryPanel.h"
#include "library/PromptLibrary.h"
#include "mainwindow/MainWindow.h"
#include "mock/SimulatorHost.h"
#include "providers/StreamHub.h"
#include "store/Workspace.h"
#include "workspace/RecentWorkspaces.h"
#include "workspace/WorkspaceWindow.h"

using namespace Lathe;
using Missing = Ui::WorkspaceWindow::Missing;

class TestWorkspaceWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void switchingKeepsEachWorkspacesDraftAndTheWindowsPlace();
    void aFileThatCannotBeOpenedChangesNothing();
    void newRefusesAnExistingFileAndOpenAMissingOne();
    void theRecentListIsNewestFirstWithoutDuplicatesOrGoneFiles();
    void theFileMenuOffersTheRecentWorkspaces();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    QString editorText() const;
    void type(const QString &text);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Mock::SimulatorHost> m_simulator;
    std::unique_ptr<Providers::StreamHub> m_hub;
    std::unique_ptr<Credentials::CredentialStore> m_credentials;
    std::unique_ptr<Ui::WorkspaceWindow> m_windows;
};

void TestWorkspaceWindow::initTestCase()
{
    // The recent list lives in the settings: the test's own, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(u"LatheTest"_qs);
    QApplication::setApplicationName(u"tst_workspacewindow"_qs);
}

void TestWorkspaceWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QSettings settings;
    Ui::RecentWorkspaces(settings).clear();
    m_simulator = std::make_unique<Mock::SimulatorHost>();
    const auto url = m_simulator->start(Mock::SimulatorOptions{});
    QVERIFY(url);
    m_hub = std::make_unique<Providers::StreamHub>(path(u"ledger.jsonl"_qs));
    m_credentials = std::make_unique<Credentials::CredentialStore>();
    m_windows = std::make_unique<Ui::WorkspaceWindow>(m_hub.get(), m_credentials.get(), *url);
}

void TestWorkspaceWindow::cleanup()
{
    m_windows.reset();
    m_hub.reset();
    m_credentials.reset();
    m_simulator.reset();
}

QString TestWorkspaceWindow::editorText() const
{
    return m_windows->window()->findChild<Ui::PromptEditor *>(u"promptEditor"_qs)->text();
}

void TestWorkspaceWindow::type(const QString &text)
{
    auto *editor = m_windows->window()->findChild<Ui::PromptEditor *>(u"promptEditor"_qs);
    editor->selectAll();
    editor->replaceSelectedText(text);
}

void TestWorkspaceWindow::switchingKeepsEachWorkspacesDraftAndTheWindowsPlace()
{
    QVERIFY(m_windows->open(path(u"a.lathe"_qs), Missing::Create));
    Ui::MainWindow *first = m_windows->window();
    QVERIFY(QTest::qWaitForWindowExposed(first));
    QCOMPARE(first->findChild<QLabel *>(u"workspaceLabel"_qs)->text(), u"a.lathe"_qs);
    type(u"typed in a, not saved"_qs);
    first->resize(1000, 640);

    // The request comes from the window's menu, so it is handled once the menu has returned.
    // (A spy, not the old pointer: the new window may be built where the old one was.)
    QSignalSpy replaced(m_windows.get(), &Ui::WorkspaceWindow::windowReplaced);
    Q_EMIT first->workspaceRequested(path(u"b.lathe"_qs), true);
    QCOMPARE(replaced.count(), 0);
    QTRY_COMPARE(replaced.count(), 1);
    Ui::MainWindow *second = m_windows->window();
    QVERIFY(QFileInfo::exists(path(u"b.lathe"_qs)));
    QCOMPARE(m_windows->workspacePath(), path(u"b.lathe"_qs));
    QCOMPARE(second->findChild<QLabel *>(u"workspaceLabel"_qs)->text(), u"b.lathe"_qs);
    QCOMPARE(second->size(), QSize(1000, 640));
    QVERIFY(!editorText().contains(u"typed in a")); // b has no draft: the starting example shows
    QVERIFY(second->libraryPanel());

    // a's text was kept in a, where the window that comes back over a finds it.
    {
        auto workspace = Store::Workspace::open(path(u"a.lathe"_qs));
        QVERIFY(workspace);
        Library::DraftStore drafts(workspace->database());
        const auto draft = drafts.load(u"main"_qs);
        QVERIFY(draft && *draft);
        QCOMPARE((*draft)->text, u"typed in a, not saved"_qs);
    }
    QVERIFY(m_windows->open(path(u"a.lathe"_qs), Missing::Refuse));
    QCOMPARE(editorText(), u"typed in a, not saved"_qs);
    QSettings settings;
    QCOMPARE(Ui::RecentWorkspaces(settings).paths(), (QStringList{path(u"a.lathe"_qs), path(u"b.lathe"_qs)}));

    // Opening the workspace already open, by any path to it, changes nothing.
    replaced.clear();
    QVERIFY(m_windows->open(path(u"a.lathe"_qs), Missing::Refuse));
    QVERIFY(QFile::link(path(u"a.lathe"_qs), path(u"link.lathe"_qs)));
    QVERIFY(m_windows->open(path(u"link.lathe"_qs), Missing::Refuse));
    QCOMPARE(replaced.count(), 0);
}

void TestWorkspaceWindow::aFileThatCannotBeOpenedChangesNothing()
{
    QVERIFY(m_windows->open(path(u"a.lathe"_qs), Missing::Create));
    Ui::MainWindow *shown = m_windows->window();
    type(u"still here"_qs);
    QFile junk(path(u"junk.lathe"_qs));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    const auto refused = m_windows->open(path(u"junk.lathe"_qs), Missing::Refuse);
    QVERIFY(!refused);
    QVERIFY2(refused.error().toString().contains(u"junk.lathe"), qPrintable(refused.error().toString()));
    QCOMPARE(m_windows->window(), shown);
    QCOMPARE(m_windows->workspacePath(), path(u"a.lathe"_qs));
    QCOMPARE(editorText(), u"still here"_qs);
    QCOMPARE(junk.size(), 4096); // and the file is left as it was
    QSettings settings;
    QCOMPARE(Ui::RecentWorkspaces(settings).paths(), QStringList{path(u"a.lathe"_qs)});
}

void TestWorkspaceWindow::newRefusesAnExistingFileAndOpenAMissingOne()
{
    QVERIFY(m_windows->open(path(u"a.lathe"_qs), Missing::Create));
    const auto existing = m_windows->open(path(u"a.lathe"_qs), Missing::Only);
    QVERIFY(!existing);
    QVERIFY(existing.error().message.contains(u"already there"));
    const auto missing = m_windows->open(path(u"nowhere.lathe"_qs), Missing::Refuse);
    QVERIFY(!missing);
    QVERIFY(missing.error().message.contains(u"no such file"));
    QVERIFY(!QFileInfo::exists(path(u"nowhere.lathe"_qs)));
    QCOMPARE(m_windows->workspacePath(), path(u"a.lathe"_qs));
}

void TestWorkspaceWindow::theRecentListIsNewestFirstWithoutDuplicatesOrGoneFiles()
{
    QSettings settings;
    Ui::RecentWorkspaces recent(settings);
    for (int i = 0; i < Ui::RecentWorkspaces::kMaximum + 3; ++i) {
        QFile file(path(QStringLiteral("w%1.lathe").arg(i)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        recent.add(file.fileName());
    }
    recent.add(path(u"w9.lathe"_qs));
    QStringList paths = recent.paths();
    QCOMPARE(paths.size(), Ui::RecentWorkspaces::kMaximum);
    QCOMPARE(paths.front(), path(u"w9.lathe"_qs));
    QCOMPARE(paths.at(1), path(u"w10.lathe"_qs));
    QCOMPARE(paths.count(path(u"w9.lathe"_qs)), 1);
    QVERIFY(QFile::remove(path(u"w10.lathe"_qs)));
    paths = recent.paths();
    QVERIFY(!paths.contains(path(u"w10.lathe"_qs)));
    QCOMPARE(paths.size(), Ui::RecentWorkspaces::kMaximum - 1);
}

void TestWorkspaceWindow::theFileMenuOffersTheRecentWorkspaces()
{
    QVERIFY(m_windows->open(path(u"a.lathe"_qs), Missing::Create));
    QVERIFY(m_windows->open(path(u"b.lathe"_qs), Missing::Only));
    auto *menu = m_windows->window()->findChild<QMenu *>(u"recentWorkspacesMenu"_qs);
    QVERIFY(menu);
    Q_EMIT menu->aboutToShow();
    const QList<QAction *> actions = menu->actions();
    QVERIFY(actions.size() >= 2);
    QVERIFY2(actions[0]->text().startsWith(u"&1 b.lathe"), qPrintable(actions[0]->text()));
    QVERIFY(actions[1]->text().startsWith(u"&2 a.lathe"));
    QSignalSpy replaced(m_windows.get(), &Ui::WorkspaceWindow::windowReplaced);
    actions[1]->trigger();
    QTRY_COMPARE(replaced.count(), 1);
    QCOMPARE(m_windows->workspacePath(), path(u"a.lathe"_qs));
}

QTEST_MAIN(TestWorkspaceWindow)
#include "tst_workspacewindow.moc"
