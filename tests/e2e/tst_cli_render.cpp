// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli render`: the real binary renders Mustache templates from files, byte for byte.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "CliProcess.h"
#include "TestFiles.h"

using Lathe::TestSupport::CliResult;
using Lathe::TestSupport::runCli;

class TestCliRender : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void rendersByteForByteWithPartials();
    void strictTurnsAMissingNameIntoAnErrorWithItsPlace();
    void templateErrorsNameFileLineAndColumn();
    void escapesHtmlOnlyWhenAsked();
    void partialsCannotLeaveTheirFolder();
    void badDataIsAnErrorNamingTheFile();

private:
    QString write(const QString &name, const QByteArray &content);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCliRender::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir(m_dir->path()).mkpath(u"partials/shared"_qs));
}

QString TestCliRender::write(const QString &name, const QByteArray &content)
{
    return Lathe::TestSupport::writeTestFile(m_dir->path(), name, content);
}

void TestCliRender::rendersByteForByteWithPartials()
{
    const QString templatePath = write(u"prompt.mustache"_qs, "You triage tickets for {{company}}.\r\n"
                                                              "{{#rules}}\r\n"
                                                              "  {{> shared/rule}}\r\n"
                                                              "{{/rules}}\r\n"
                                                              "Ticket: {{{ticket}}} \xE2\x82\xAC");
    write(u"partials/shared/rule.mustache"_qs, "- {{.}}\n");
    const QString data =
        write(u"data.json"_qs, R"({"company": "Acme", "rules": ["be brief", "cite the order"],
                                               "ticket": "<b>late</b>"})");
    const CliResult result = runCli({u"render"_qs, u"--template"_qs, templatePath, u"--data"_qs, data,
                                     u"--partials"_qs, m_dir->filePath(u"partials"_qs)});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err, QByteArray());
    QCOMPARE(result.out, QByteArray("You triage tickets for Acme.\r\n"
                                    "  - be brief\n"
                                    "  - cite the order\n"
                                    "Ticket: <b>late</b> \xE2\x82\xAC"));
}

void TestCliRender::strictTurnsAMissingNameIntoAnErrorWithItsPlace()
{
    const QString templatePath = write(u"t.mustache"_qs, "Hi {{user.name}},\n{{greeting}}");
    const QString data = write(u"d.json"_qs, R"({"user": {"name": "Ada"}})");
    const CliResult lenient = runCli({u"render"_qs, u"--template"_qs, templatePath, u"--data"_qs, data});
    QCOMPARE(lenient.exitCode, 0);
    QCOMPARE(lenient.out, QByteArray("Hi Ada,\n"));
    const CliResult strict =
        runCli({u"render"_qs, u"--template"_qs, templatePath, u"--data"_qs, data, u"--strict"_qs});
    QCOMPARE(strict.exitCode, 2);
    QCOMPARE(strict.out, QByteArray());
    QVERIFY2(strict.err.contains(QString(templatePath + u":2:1: No value is named \"greeting\".").toUtf8()),
             strict.err.constData());
}

void TestCliRender::templateErrorsNameFileLineAndColumn()
{
    const QString templatePath = write(u"broken.mustache"_qs, "line one\n  {{#items}}\n{{/item}}\n");
    const CliResult result = runCli({u"render"_qs, u"--template"_qs, templatePath});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QString(templatePath + u":3:1:").toUtf8()), result.err.constData());
    QVERIFY(result.err.contains("opened at"));
    const CliResult fromStdin = runCli({u"render"_qs, u"--template"_qs, u"-"_qs},
                                       QProcessEnvironment::systemEnvironment(), "{{=<% %>=}}<% name");
    QCOMPARE(fromStdin.exitCode, 2);
    QVERIFY2(fromStdin.err.contains("stdin:1:12:"), fromStdin.err.constData());
}

void TestCliRender::escapesHtmlOnlyWhenAsked()
{
    const QString templatePath = write(u"t.mustache"_qs, "{{x}}|{{{x}}}");
    const QString data = write(u"d.json"_qs, R"({"x": "a < b & \"c\""})");
    QCOMPARE(runCli({u"render"_qs, u"--template"_qs, templatePath, u"--data"_qs, data}).out,
             QByteArray("a < b & \"c\"|a < b & \"c\""));
    QCOMPARE(
        runCli({u"render"_qs, u"--template"_qs, templatePath, u"--data"_qs, data, u"--escape-html"_qs}).out,
        QByteArray("a &lt; b &amp; &quot;c&quot;|a < b & \"c\""));
}

void TestCliRender::partialsCannotLeaveTheirFolder()
{
    write(u"secret.mustache"_qs, "SECRET");
    const QString templatePath = write(u"t.mustache"_qs, "[{{> ../secret}}][{{> /etc/passwd}}]");
    const QStringList arguments{u"render"_qs, u"--template"_qs, templatePath, u"--partials"_qs,
                                m_dir->filePath(u"partials"_qs)};
    const CliResult lenient = runCli(arguments);
    QCOMPARE(lenient.exitCode, 0);
    QCOMPARE(lenient.out, QByteArray("[][]"));
    const CliResult strict = runCli(arguments + QStringList{u"--strict"_qs});
    QCOMPARE(strict.exitCode, 2);
    QVERIFY(strict.err.contains("no partial named \"../secret\""));
}

void TestCliRender::badDataIsAnErrorNamingTheFile()
{
    const QString templatePath = write(u"t.mustache"_qs, "{{a}}");
    const QString data = write(u"d.json"_qs, "{\"a\": 1,\n \"b\": }");
    const CliResult result = runCli({u"render"_qs, u"--template"_qs, templatePath, u"--data"_qs, data});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QString(data + u":2:7").toUtf8()), result.err.constData());
}

QTEST_GUILESS_MAIN(TestCliRender)
#include "tst_cli_render.moc"
