// SPDX-License-Identifier: GPL-3.0-or-later
// The response schema panel: its status line follows the text after a pause in typing, names
// the place of a problem, lists what OpenAI's strict mode would reject, and keeps its text and
// settings between sessions.
#include <QCheckBox>
#include <QLabel>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "editor/PromptEditor.h"
#include "schema/SchemaPanel.h"

using namespace Lathe;

class TestSchemaPanel : public QObject
{
    Q_OBJECT

private:
    static std::unique_ptr<Ui::SchemaPanel> shownPanel()
    {
        auto panel = std::make_unique<Ui::SchemaPanel>();
        panel->resize(560, 420);
        panel->show();
        if (!QTest::qWaitForWindowExposed(panel.get()))
            return nullptr;
        return panel;
    }

    /** Replaces the text and waits for the check of it. */
    static bool setSchema(Ui::SchemaPanel &panel, const QString &text)
    {
        QSignalSpy checked(&panel, &Ui::SchemaPanel::checked);
        panel.editor()->setText(text);
        return checked.wait(5000);
    }

    static QString strictMissingAdditional()
    {
        return QStringLiteral("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}}, "
                              "\"required\": [\"name\"]}");
    }

private Q_SLOTS:
    void initTestCase()
    {
        // QSettings needs an organisation; ctest gives every test a private HOME.
        QCoreApplication::setOrganizationName(QStringLiteral("LatheTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_schemapanel"));
    }

    void init() { QSettings().remove(QStringLiteral("responseSchema")); }

    void startsWithAnExampleThatIsValidAndStrictClean()
    {
        const auto panel = shownPanel();
        QVERIFY(panel);
        QTRY_COMPARE(panel->statusText(), QStringLiteral("Valid schema (draft 2020-12)"));
        QVERIFY(panel->editor()->text().contains(QStringLiteral("\"properties\"")));
        QVERIFY(panel->strictIssuesText().isEmpty());
        QVERIFY(!panel->findChild<QLabel *>(QStringLiteral("schemaStrictIssues"))->isVisible());
        const Structured::StructuredOutputPolicy policy = panel->policy();
        QCOMPARE(policy.attemptsPerTarget, 3);
        QVERIFY(policy.nativeEnforcement);
        QVERIFY(policy.acceptRepaired);
        const auto schema = panel->currentSchema();
        QVERIFY(schema);
        QVERIFY(schema->schema.isValid(
            nlohmann::json::parse("{\"summary\": \"s\", \"reasons\": [\"r\"], \"confidence\": 0.5}")));
        QVERIFY(!schema->schema.isValid(nlohmann::json::parse("{\"summary\": \"s\"}")));
    }

    void statusSaysWhetherAndWhereTheSchemaFails_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("status");

        QTest::newRow("valid, draft 7 by $schema")
            << QStringLiteral(
                   "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\"}")
            << QStringLiteral("Valid schema (draft 7)");
        QTest::newRow("JSON cut off on line 3")
            << QStringLiteral("{\n  \"type\": \"object\",\n  \"properties\": {\"a\": }\n}")
            << QStringLiteral("schema:3:23 (byte 44): Not valid JSON: ");
        QTest::newRow("unknown type in a property")
            << QStringLiteral("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"strin\"}}}")
            << QStringLiteral("#/properties/a/type: Unknown type");
        QTest::newRow("a boolean schema")
            << QStringLiteral("true") << QStringLiteral("#: A response schema is a JSON object");
        QTest::newRow("empty") << QString() << QStringLiteral("schema:1:1 (byte 0): Not valid JSON: ");
    }

    void statusSaysWhetherAndWhereTheSchemaFails()
    {
        QFETCH(QString, text);
        QFETCH(QString, status);
        const auto panel = shownPanel();
        QVERIFY(panel);
        QVERIFY(setSchema(*panel, text));
        QVERIFY2(panel->statusText().startsWith(status), qPrintable(panel->statusText()));
        const auto schema = panel->currentSchema();
        QCOMPARE(bool(schema), status.startsWith(QStringLiteral("Valid")));
    }

    void typingIsCheckedAfterAPauseNotOnEveryKey()
    {
        const auto panel = shownPanel();
        QVERIFY(panel);
        QTRY_COMPARE(panel->statusText(), QStringLiteral("Valid schema (draft 2020-12)"));
        QSignalSpy checked(panel.get(), &Ui::SchemaPanel::checked);
        panel->editor()->setFocus();
        QTest::keyClick(panel->editor(), Qt::Key_End, Qt::ControlModifier);
        QTest::keyClicks(panel->editor(), QStringLiteral("oops"));
        // The keys arrived faster than the pause: nothing has been checked yet.
        QCOMPARE(checked.count(), 0);
        QCOMPARE(panel->statusText(), QStringLiteral("Valid schema (draft 2020-12)"));
        QVERIFY(checked.wait(5000));
        QCOMPARE(checked.count(), 1);
        QVERIFY2(panel->statusText().contains(QStringLiteral("Not valid JSON")),
                 qPrintable(panel->statusText()));
    }

    void aRunChecksTextThatTheTimerHasNotReachedYet()
    {
        const auto panel = shownPanel();
        QVERIFY(panel);
        QTRY_COMPARE(panel->statusText(), QStringLiteral("Valid schema (draft 2020-12)"));
        panel->editor()->setText(QStringLiteral("{\"type\": \"integer\", \"minimum\": \"one\"}"));
        const auto schema = panel->currentSchema();
        QVERIFY(!schema);
        QVERIFY2(schema.error().where.contains(QStringLiteral("minimum")), qPrintable(schema.error().where));
        // The status line says the same at once, and the late timer does not repeat it.
        QVERIFY(panel->statusText().startsWith(QStringLiteral("#/minimum: ")));
    }

    void strictModeIssuesAreListedOnlyWhenTheProviderEnforces()
    {
        const auto panel = shownPanel();
        QVERIFY(panel);
        QVERIFY(setSchema(*panel, strictMissingAdditional()));
        QCOMPARE(panel->statusText(), QStringLiteral("Valid schema (draft 2020-12)"));
        auto *issues = panel->findChild<QLabel *>(QStringLiteral("schemaStrictIssues"));
        QVERIFY(issues->isVisible());
        QVERIFY2(issues->text().contains(QStringLiteral("without <i>strict</i>")),
                 qPrintable(issues->text()));
        QVERIFY2(panel->strictIssuesText().startsWith(QStringLiteral("(root): ")),
                 qPrintable(panel->strictIssuesText()));
        QVERIFY(panel->strictIssuesText().contains(QStringLiteral("\"additionalProperties\": false")));

        panel->findChild<QRadioButton *>(QStringLiteral("schemaPromptOnly"))->click();
        QVERIFY(!issues->isVisible());
        QVERIFY(!panel->policy().nativeEnforcement);
        panel->findChild<QRadioButton *>(QStringLiteral("schemaNative"))->click();
        QVERIFY(issues->isVisible());

        QVERIFY(setSchema(*panel, QStringLiteral("{\"type\": \"object\", \"properties\": {}, "
                                                 "\"additionalProperties\": false}")));
        QVERIFY(!issues->isVisible());
        QVERIFY(panel->strictIssuesText().isEmpty());
    }

    void schemaAndSettingsAreKeptForTheNextSession()
    {
        const QString text = strictMissingAdditional();
        {
            const auto panel = shownPanel();
            QVERIFY(panel);
            QVERIFY(setSchema(*panel, text));
            panel->findChild<QRadioButton *>(QStringLiteral("schemaPromptOnly"))->click();
            panel->findChild<QSpinBox *>(QStringLiteral("schemaAttempts"))->setValue(5);
            panel->findChild<QCheckBox *>(QStringLiteral("schemaAcceptRepaired"))->setChecked(false);
        }
        const auto panel = shownPanel();
        QVERIFY(panel);
        QCOMPARE(panel->editor()->text(), text);
        const Structured::StructuredOutputPolicy policy = panel->policy();
        QVERIFY(!policy.nativeEnforcement);
        QCOMPARE(policy.attemptsPerTarget, 5);
        QVERIFY(!policy.acceptRepaired);
        auto *attempts = panel->findChild<QSpinBox *>(QStringLiteral("schemaAttempts"));
        QCOMPARE(attempts->minimum(), 1);
        QCOMPARE(attempts->maximum(), 10);
    }
};

QTEST_MAIN(TestSchemaPanel)
#include "tst_schemapanel.moc"
