// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli prompt` on a real workspace file, and writers killed mid-save.

#include <random>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "CliProcess.h"
#include "TestFiles.h"
#include "library/PromptLibrary.h"
#include "store/Workspace.h"

using Lathe::Library::PromptLibrary;
using Lathe::Store::Workspace;
using Lathe::TestSupport::cliPath;
using Lathe::TestSupport::CliResult;
using Lathe::TestSupport::runCli;

class TestCliPrompt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void savesShowsLabelsAndDiffs();
    void errorsSayWhatAndExitNonZero();
    void writersKilledMidSaveLeaveAWholeWorkspace();

private:
    QString write(const QString &name, const QByteArray &content);
    CliResult prompt(QStringList arguments);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCliPrompt::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestCliPrompt::write(const QString &name, const QByteArray &content)
{
    return Lathe::TestSupport::writeTestFile(m_dir->path(), name, content);
}

CliResult TestCliPrompt::prompt(QStringList arguments)
{
    arguments.prepend(u"prompt"_qs);
    arguments << u"--workspace"_qs << m_dir->filePath(u"w.lathe"_qs) << u"--author"_qs << u"tester"_qs;
    return runCli(arguments);
}

void TestCliPrompt::savesShowsLabelsAndDiffs()
{
    const QByteArray first = "system:\nYou triage support tickets.\nBe brief.\n\nuser:\n{{ticket}}\n";
    const QString v1 = write(u"v1.txt"_qs, first);
    const QString v2 = write(
        u"v2.txt"_qs, "system:\nYou triage support tickets for Acme.\nBe brief.\n\nuser:\n{{ticket}}\n");
    QCOMPARE(prompt({u"save"_qs, u"triage"_qs, u"--file"_qs, v1, u"--message"_qs, u"first"_qs}).out,
             QByteArray("saved triage@1\n"));
    QCOMPARE(prompt({u"save"_qs, u"triage"_qs, u"--file"_qs, v1}).out,
             QByteArray("unchanged: triage@1 has this content\n"));
    QCOMPARE(
        prompt({u"save"_qs, u"triage"_qs, u"--file"_qs, v2, u"--message"_qs, u"name the company"_qs}).out,
        QByteArray("saved triage@2\n"));
    QCOMPARE(prompt({u"label"_qs, u"triage@1"_qs, u"production"_qs}).out,
             QByteArray("production: triage@1\n"));
    QCOMPARE(prompt({u"label"_qs, u"triage@2"_qs, u"production"_qs}).out,
             QByteArray("production: triage@1 -> triage@2\n"));
    QCOMPARE(prompt({u"list"_qs}).out, QByteArray("triage\t2\tproduction@2\n"));
    // show gives back exactly what was saved.
    QCOMPARE(prompt({u"show"_qs, u"triage@1"_qs}).out, first);
    const QList<QByteArray> history = prompt({u"history"_qs, u"triage"_qs}).out.split('\n');
    QVERIFY(history[0].startsWith("2\t") && history[0].endsWith("\ttester\tproduction\tname the company"));
    QVERIFY(history[1].startsWith("1\t") && history[1].endsWith("\ttester\t\tfirst"));
    QCOMPARE(
        prompt({u"diff"_qs, u"triage@1"_qs, u"triage@production"_qs}).out,
        QByteArray("--- triage@1\n+++ triage@2\n@@ message 1 (system)\n"
                   "-You triage support tickets.\n+You triage support tickets{+ for Acme+}.\n Be brief.\n"));
    const CliResult json = prompt({u"show"_qs, u"triage"_qs, u"--json"_qs});
    QCOMPARE(json.exitCode, 0);
    const auto parsed = nlohmann::json::parse(json.out.toStdString());
    QCOMPARE(parsed["version"].get<int>(), 2);
    QCOMPARE(parsed["labels"][0].get<std::string>(), std::string("production"));
    QCOMPARE(parsed["messages"][0]["role"].get<std::string>(), std::string("system"));
}

void TestCliPrompt::errorsSayWhatAndExitNonZero()
{
    const CliResult missing = prompt({u"show"_qs, u"nothing"_qs});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("There is no prompt named \"nothing\""));
    const QString bad = write(u"bad.txt"_qs, "\nHello there\nuser:\nhi\n");
    const CliResult early = prompt({u"save"_qs, u"p"_qs, u"--file"_qs, bad});
    QCOMPARE(early.exitCode, 2);
    QVERIFY2(early.err.contains(QString(bad + u":2:").toUtf8()), early.err.constData());
    const QString prompty = write(u"x.prompty"_qs, "---\nname: x\n---\nuser:\nhi\n");
    QCOMPARE(prompt({u"save"_qs, u"p"_qs, u"--file"_qs, prompty}).exitCode, 2);
    QCOMPARE(prompt({u"frobnicate"_qs}).exitCode, 2);
    QCOMPARE(prompt({u"label"_qs, u"p"_qs, u"production"_qs}).exitCode, 2);
    // A file that is not a workspace is refused and left alone.
    const QString notes = write(u"notes.txt"_qs, QByteArray(8192, 'n'));
    const CliResult refused = runCli({u"prompt"_qs, u"list"_qs, u"--workspace"_qs, notes});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY(refused.err.contains("not a SQLite database"));
    QFile file(notes);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray(8192, 'n'));
}

void TestCliPrompt::writersKilledMidSaveLeaveAWholeWorkspace()
{
    // Big versions make a save long enough that some kills land inside its transaction.
    const QString workspacePath = m_dir->filePath(u"killed.lathe"_qs);
    std::mt19937 random(27);
    QList<int> reported;
    for (int round = 0; round < 16; ++round) {
        QByteArray text = "system:\nround " + QByteArray::number(round) + "\n\nuser:\n";
        text += QByteArray(3 * 1024 * 1024, char('a' + round % 26)) + '\n';
        const QString file = write(QStringLiteral("round%1.txt").arg(round), text);
        QProcess writer;
        writer.start(cliPath(), {u"prompt"_qs, u"save"_qs, u"big"_qs, u"--file"_qs, file, u"--workspace"_qs,
                                 workspacePath});
        QVERIFY(writer.waitForStarted());
        QTest::qWait(int(5 + random() % 120));
        writer.kill();
        writer.waitForFinished();
        const QByteArray out = writer.readAllStandardOutput();
        if (out.startsWith("saved big@"))
            reported << out.mid(10).trimmed().toInt();
    }
    auto workspace = Workspace::open(workspacePath);
    QVERIFY2(workspace, qPrintable(workspace ? QString() : workspace.error().toString()));
    QCOMPARE(workspace->database().queryText("PRAGMA integrity_check").value(),
             std::optional<std::string>("ok"));
    PromptLibrary library(workspace->database());
    const auto history = library.history(u"big"_qs);
    if (!history) {
        QVERIFY(reported.isEmpty()); // nothing was ever committed
        return;
    }
    // Whole versions only, numbered without gaps, and every reported one among them.
    for (std::size_t i = 0; i < history->size(); ++i) {
        QCOMPARE(history->at(i).number, int(history->size() - i));
        QCOMPARE(history->at(i).content.messages.size(), std::size_t(2));
        QCOMPARE(history->at(i).content.messages[1].text.size(), 3 * 1024 * 1024);
    }
    for (int number : reported)
        QVERIFY(number <= int(history->size()));
    qInfo("%zu of 16 saves committed before their kill; %lld reported it", history->size(),
          qlonglong(reported.size()));
}

QTEST_GUILESS_MAIN(TestCliPrompt)
#include "tst_cli_prompt.moc"
