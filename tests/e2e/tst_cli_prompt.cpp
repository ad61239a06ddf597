// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli prompt` on a real workspace file, and writers killed mid-save.

#include <algorithm>
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
    void exportsAndImportsPromptyFiles();
    void promptyNotesGoToStderrAndSecretsAreNeverEchoed();
    void brokenPromptyFilesExitTwoNamingLineAndColumn();
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

void TestCliPrompt::exportsAndImportsPromptyFiles()
{
    const QString body = write(u"triage.txt"_qs, "system:\nYou triage tickets.\n\nuser:\n{{ticket}}\n");
    QCOMPARE(prompt({u"save"_qs, u"triage"_qs, u"--file"_qs, body}).exitCode, 0);
    {
        auto workspace = Workspace::open(m_dir->filePath(u"w.lathe"_qs));
        QVERIFY(workspace);
        PromptLibrary library(workspace->database());
        QVERIFY(library.setTags(u"triage"_qs, {u"support"_qs}));
        QVERIFY(
            library.saveScenario(u"triage"_qs, {u"default"_qs, {{u"ticket"_qs, u"Printer on fire"_qs}}, {}}));
    }
    const QString file = m_dir->filePath(u"triage.prompty"_qs);
    const CliResult exported = prompt({u"export"_qs, u"triage@1"_qs, u"--prompty"_qs, file});
    QCOMPARE(exported.exitCode, 0);
    QCOMPARE(exported.out, QString(u"exported triage@1 to "_qs + file + u'\n').toUtf8());
    QVERIFY2(exported.err.isEmpty(), exported.err.constData());
    // Stdout gives the same bytes as the file.
    const CliResult printed = prompt({u"export"_qs, u"triage"_qs, u"--prompty"_qs, u"-"_qs});
    QCOMPARE(printed.exitCode, 0);
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(printed.out, written.readAll());
    QVERIFY(printed.out.startsWith("---\nname: triage\ntags:\n  - support\nmodel:\n  api: chat\n"));
    QVERIFY(printed.out.contains("sample:\n  ticket: Printer on fire\ntemplate: mustache\n---\nsystem:\n"));

    // Into another name: the same content, the tags, the sample as a scenario.
    QCOMPARE(prompt({u"import"_qs, u"--prompty"_qs, file, u"--name"_qs, u"copy"_qs}).out,
             QByteArray("saved copy@1\n"));
    QCOMPARE(prompt({u"import"_qs, u"--prompty"_qs, file, u"--name"_qs, u"copy"_qs}).out,
             QByteArray("unchanged: copy@1 has this content\n"));
    // Without --name, the file's name field names it: the same content as triage@1.
    QCOMPARE(prompt({u"import"_qs, u"--prompty"_qs, file}).out,
             QByteArray("unchanged: triage@1 has this content\n"));
    QCOMPARE(prompt({u"show"_qs, u"copy"_qs}).out, prompt({u"show"_qs, u"triage"_qs}).out);
    auto workspace = Workspace::open(m_dir->filePath(u"w.lathe"_qs));
    QVERIFY(workspace);
    PromptLibrary library(workspace->database());
    QCOMPARE(library.tags(u"copy"_qs).value(), QStringList{u"support"_qs});
    const auto scenarios = library.scenarios(u"copy"_qs);
    QVERIFY(scenarios && scenarios->size() == 1);
    QCOMPARE(scenarios->front().name, u"sample"_qs);
    QCOMPARE(scenarios->front().values.at(u"ticket"_qs), u"Printer on fire"_qs);

    // A file without a name field takes its base name; save takes a whole .prompty file too.
    const QString unnamed =
        write(u"summarize.prompty"_qs, "---\ntemplate: mustache\n---\nuser:\nSum up {{text}}\n");
    QCOMPARE(prompt({u"import"_qs, u"--prompty"_qs, unnamed}).out, QByteArray("saved summarize@1\n"));
    QCOMPARE(prompt({u"save"_qs, u"other"_qs, u"--file"_qs, unnamed}).out, QByteArray("saved other@1\n"));
    QCOMPARE(prompt({u"show"_qs, u"other"_qs}).out, QByteArray("user:\nSum up {{text}}\n"));
}

void TestCliPrompt::promptyNotesGoToStderrAndSecretsAreNeverEchoed()
{
    const QString file = write(u"v1.prompty"_qs, "---\n"
                                                 "name: with-secrets\n"
                                                 "authors: [someone]\n"
                                                 "model:\n"
                                                 "  configuration:\n"
                                                 "    type: azure_openai\n"
                                                 "    azure_endpoint: https://secret-host.example.com\n"
                                                 "    api_key: sk-do-not-print-me\n"
                                                 "    azure_deployment: gpt-4o\n"
                                                 "  connection:\n"
                                                 "    apiKey: sk-nor-me\n"
                                                 "template: jinja2\n"
                                                 "---\n"
                                                 "user:\n"
                                                 "{% if x %}hi{% endif %}\n");
    const CliResult imported = prompt({u"import"_qs, u"--prompty"_qs, file});
    QCOMPARE(imported.exitCode, 0);
    QCOMPARE(imported.out, QByteArray("saved with-secrets@1\n"));
    const QStringList lines = imported.errLines();
    for (const QString &where :
         {u"authors"_qs, u"model.configuration.type"_qs, u"model.configuration.azure_endpoint"_qs,
          u"model.configuration.api_key"_qs, u"model.connection"_qs, u":15: template"_qs}) {
        const bool found = std::any_of(lines.begin(), lines.end(), [&](const QString &line) {
            return line.startsWith(u"lathe-cli prompt: note: "_qs + file) && line.contains(where + u": ");
        });
        QVERIFY2(found, qPrintable(where + u" not in\n" + lines.join(u'\n')));
    }
    QVERIFY(!imported.err.contains("sk-do-not"));
    QVERIFY(!imported.err.contains("sk-nor"));
    QVERIFY(!imported.err.contains("secret-host"));
    // The deployment names the model; nothing of the connection is kept in the workspace.
    const CliResult json = prompt({u"show"_qs, u"with-secrets"_qs, u"--json"_qs});
    QVERIFY(json.out.contains("\"model\":\"gpt-4o\"") || json.out.contains("\"model\": \"gpt-4o\""));
    QVERIFY(!json.out.contains("sk-") && !json.out.contains("secret-host"));
    const CliResult exported = prompt({u"export"_qs, u"with-secrets"_qs, u"--prompty"_qs, u"-"_qs});
    QVERIFY(!exported.out.contains("sk-") && !exported.out.contains("secret-host"));
}

void TestCliPrompt::brokenPromptyFilesExitTwoNamingLineAndColumn()
{
    const QString broken =
        write(u"broken.prompty"_qs, "---\nname: x\nmodel:\n  parameters: [1, 2\n---\nuser:\nhi\n");
    const CliResult imported = prompt({u"import"_qs, u"--prompty"_qs, broken});
    QCOMPARE(imported.exitCode, 2);
    QVERIFY2(imported.err.contains(QString(broken + u":4:1: front matter: not valid YAML").toUtf8()),
             imported.err.constData());
    const QString badType =
        write(u"type.prompty"_qs, "---\ninputs:\n  n:\n    type: date\n---\nuser:\n{{n}}\n");
    const CliResult typed = prompt({u"save"_qs, u"t"_qs, u"--file"_qs, badType});
    QCOMPARE(typed.exitCode, 2);
    QVERIFY2(typed.err.contains(QString(badType + u":4:11: inputs.n.type: unknown type \"date\"").toUtf8()),
             typed.err.constData());
    const QString notUtf8 = write(u"latin1.prompty"_qs, "user:\ncaf\xe9\n");
    const CliResult encoded = prompt({u"import"_qs, u"--prompty"_qs, notUtf8});
    QCOMPARE(encoded.exitCode, 2);
    QVERIFY2(encoded.err.contains(QString(notUtf8 + u": not UTF-8 at byte 9").toUtf8()),
             encoded.err.constData());
    QCOMPARE(prompt({u"import"_qs, u"--prompty"_qs, write(u"bad@name.prompty"_qs, "user:\nhi\n")}).exitCode,
             2);
    QCOMPARE(prompt({u"export"_qs, u"nothing"_qs, u"--prompty"_qs, u"-"_qs}).exitCode, 1);
    QCOMPARE(prompt({u"export"_qs, u"nothing"_qs}).exitCode, 2);
    QCOMPARE(prompt({u"list"_qs}).out, QByteArray());
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
