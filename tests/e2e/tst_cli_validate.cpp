// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli validate`, run as a real child process: verdicts and their exit codes, the error
// lines, JSON Lines input, drafts, format assertion, --map-uri, and every unreadable input.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "CliProcess.h"
#include "TestFiles.h"

using namespace Lathe::TestSupport;

class TestCliValidate : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    QTemporaryDir m_files;

    QString write(const QString &name, const QByteArray &content)
    {
        return Lathe::TestSupport::writeTestFile(m_files.path(), name, content);
    }

    CliResult validate(const QStringList &arguments, const QByteArray &input = {})
    {
        return runCli(QStringList{QStringLiteral("validate")} + arguments,
                      privateHomeEnvironment(m_home.path()), input);
    }

    QString orderSchema()
    {
        return write(QStringLiteral("order.json"),
                     "{\"type\": \"object\", \"required\": [\"id\"], \"additionalProperties\": false,\n"
                     " \"properties\": {\"id\": {\"type\": \"integer\"}, \"tags\": {\"type\": \"array\", "
                     "\"items\": {\"enum\": [\"a\", \"b\"]}}}}");
    }

private slots:
    void printsValidAndExitsZero()
    {
        const CliResult result =
            validate({QStringLiteral("--schema"), orderSchema()}, "{\"id\": 7, \"tags\": [\"a\"]}");
        QCOMPARE(result.out, QByteArray("valid\n"));
        QCOMPARE(result.err, QByteArray());
        QCOMPARE(result.exitCode, 0);
    }

    void printsOneLinePerErrorAndExitsOne()
    {
        const QString instance =
            write(QStringLiteral("bad.json"), "{\"tags\": [\"a\", \"z\"], \"extra\": true}");
        const CliResult result = validate({QStringLiteral("--schema"), orderSchema(), instance});
        QCOMPARE(result.exitCode, 1);
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0], QByteArray("invalid"));
        QCOMPARE(lines[1], QByteArray(" /required Is missing the required property \"id\"."));
        QCOMPARE(lines[2],
                 QByteArray("/extra /additionalProperties The property \"extra\" is not allowed here "
                            "(additionalProperties is false)."));
        QCOMPARE(lines[3], QByteArray("/tags/1 /properties/tags/items/enum Must be one of [\"a\",\"b\"]."));
    }

    void validatesEachJsonLineInOrder()
    {
        const QString lines = write(QStringLiteral("answers.jsonl"),
                                    "{\"id\": 1}\n{\"id\": \"x\"}\n{\"id\": 2,\n{\"id\": 3}\r\n");
        const CliResult result =
            validate({QStringLiteral("--schema"), orderSchema(), QStringLiteral("--jsonl"), lines});
        const QList<QByteArray> out = result.out.split('\n');
        QCOMPARE(out.size(), 5); // four verdicts and the final newline
        QCOMPARE(out[0], QByteArray("valid"));
        QCOMPARE(out[1], QByteArray("invalid\t/id /properties/id/type Must be integer, not string."));
        const QByteArray expected = QByteArray("error ") + lines.toUtf8() + ":3:10 (byte 31): Not valid JSON";
        QVERIFY2(out[2].startsWith(expected), out[2].constData());
        QCOMPARE(out[3], QByteArray("valid"));
        QCOMPARE(result.exitCode, 2); // a line that is not JSON outranks an invalid one
    }

    void unreadableInputsExitTwoNamingTheFileLineAndColumn_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("stderrPart");

        QTest::newRow("schema not JSON")
            << QStringList{QStringLiteral("--schema"), write(u"broken.json"_qs, "{\n  \"type\": \n}")}
            << QByteArray("1") << QByteArray("broken.json:3:1 (byte 13): Not valid JSON");
        QTest::newRow("instance not JSON") << QStringList{QStringLiteral("--schema"), orderSchema()}
                                           << QByteArray("{\"id\": 1,}") << QByteArray("stdin:1:10 (byte 9)");
        QTest::newRow("no such schema") << QStringList{QStringLiteral("--schema"), u"/nonexistent/s.json"_qs}
                                        << QByteArray("{}") << QByteArray("/nonexistent/s.json");
        QTest::newRow("invalid schema")
            << QStringList{QStringLiteral("--schema"), write(u"regex.json"_qs, "{\"pattern\": \"(\"}")}
            << QByteArray("\"x\"") << QByteArray("invalid schema: Invalid regular expression");
        QTest::newRow("unknown draft")
            << QStringList{QStringLiteral("--schema"), orderSchema(), u"--draft"_qs, u"5"_qs}
            << QByteArray("{}") << QByteArray("unknown draft '5'");
        QTest::newRow("unresolvable remote ref")
            << QStringList{QStringLiteral("--schema"),
                           write(u"remote.json"_qs, "{\"$ref\": \"https://example.com/x.json\"}")}
            << QByteArray("{}") << QByteArray("Cannot resolve the reference \"https://example.com/x.json\"");
    }

    void unreadableInputsExitTwoNamingTheFileLineAndColumn()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, stderrPart);
        const CliResult result = validate(arguments, input);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(stderrPart), result.err.constData());
        QCOMPARE(result.out, QByteArray());
    }

    void draftAppliesOnlyWithoutDollarSchema()
    {
        const QString schema =
            write(QStringLiteral("draft4.json"), "{\"maximum\": 5, \"exclusiveMaximum\": true}");
        QCOMPARE(
            validate({QStringLiteral("--schema"), schema, QStringLiteral("--draft"), QStringLiteral("4")},
                     "5")
                .out,
            QByteArray("invalid\n /maximum Must be less than 5, not 5.\n"));
        QCOMPARE(validate({QStringLiteral("--schema"), schema}, "5").exitCode, 2); // not a 2020-12 schema
        const QString declared =
            write(QStringLiteral("declared.json"),
                  "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"maximum\": 5, "
                  "\"exclusiveMaximum\": true}");
        QCOMPARE(validate({QStringLiteral("--schema"), declared, QStringLiteral("--draft"),
                           QStringLiteral("2020-12")},
                          "5")
                     .exitCode,
                 1);
    }

    void formatIsCheckedOnlyWhenAsked()
    {
        const QString schema = write(QStringLiteral("date.json"), "{\"format\": \"date\"}");
        QCOMPARE(validate({QStringLiteral("--schema"), schema}, "\"2024-02-30\"").out, QByteArray("valid\n"));
        const CliResult asserted = validate(
            {QStringLiteral("--schema"), schema, QStringLiteral("--format-assert")}, "\"2024-02-30\"");
        QCOMPARE(asserted.exitCode, 1);
        QVERIFY(asserted.out.startsWith("invalid\n /format "));
    }

    void mapsRemoteReferencesToAFolder()
    {
        write(QStringLiteral("remote/defs/name.json"), "{\"type\": \"string\", \"minLength\": 2}");
        const QString schema =
            write(QStringLiteral("uses-remote.json"),
                  "{\"properties\": {\"name\": {\"$ref\": \"https://schemas.example.com/defs/name.json\"}}}");
        const QStringList arguments{QStringLiteral("--schema"), schema, QStringLiteral("--map-uri"),
                                    u"https://schemas.example.com/="_qs +
                                        QDir(m_files.path()).filePath(u"remote"_qs)};
        QCOMPARE(validate(arguments, "{\"name\": \"Al\"}").out, QByteArray("valid\n"));
        const CliResult invalid = validate(arguments, "{\"name\": \"A\"}");
        QCOMPARE(invalid.exitCode, 1);
        QVERIFY(invalid.out.contains("/name /properties/name/$ref/minLength "));
    }

    void resolvesRelativeReferencesBesideTheSchemaFile()
    {
        write(QStringLiteral("sibling/common.json"), "{\"$defs\": {\"id\": {\"type\": \"integer\"}}}");
        const QString schema = write(QStringLiteral("sibling/main.json"),
                                     "{\"properties\": {\"id\": {\"$ref\": \"common.json#/$defs/id\"}}}");
        QCOMPARE(validate({QStringLiteral("--schema"), schema}, "{\"id\": 1}").out, QByteArray("valid\n"));
        QCOMPARE(validate({QStringLiteral("--schema"), schema}, "{\"id\": \"1\"}").exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestCliValidate)
#include "tst_cli_validate.moc"
