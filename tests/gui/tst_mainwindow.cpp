// SPDX-License-Identifier: GPL-3.0-or-later
// The main window end to end: keys typed into the real editor reach the in-process simulator
// through the real network thread, and the answer streams back into the pane.
#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSet>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>

#include "catalog/UsageCost.h"
#include "credentials/CredentialStore.h"
#include "editor/PromptEditor.h"
#include "ledger/RequestLedger.h"
#include "mainwindow/MainWindow.h"
#include "mainwindow/PromptBudgetIndicator.h"
#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorHost.h"
#include "panes/JsonAnswerView.h"
#include "panes/ResponsePane.h"
#include "providers/StreamHub.h"
#include "schema/SchemaPanel.h"
#include "settings/ModelPricesDialog.h"
#include "tokens/BpeEncoding.h"

using namespace Lathe;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        explicit Fixture(double tokensPerSecond)
        {
            Mock::SimulatorOptions options;
            options.tokensPerSecond = tokensPerSecond;
            options.firstTokenDelayMs = 50;
            const auto url = simulator.start(options);
            QVERIFY2(url, "the simulator must start");
            simulatorUrl = *url;
            window = std::make_unique<Ui::MainWindow>(&hub, &credentials, *url);
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
            editor = window->findChild<Ui::PromptEditor *>(QStringLiteral("promptEditor"));
            response = window->findChild<QPlainTextEdit *>(QStringLiteral("responseText"));
            QVERIFY(editor && response);
        }

        void typePrompt(const QString &prompt)
        {
            editor->setFocus();
            editor->selectAll();
            QTest::keyClick(editor, Qt::Key_Delete);
            QTest::keyClicks(editor, prompt);
            QCOMPARE(editor->text(), prompt);
        }

        /** Turns structured output on with Ctrl+Shift+J and puts `schema` in the panel. */
        Ui::SchemaPanel *useSchema(const QString &schema)
        {
            QTest::keyClick(editor, Qt::Key_J, Qt::ControlModifier | Qt::ShiftModifier);
            auto *panel = window->findChild<Ui::SchemaPanel *>(QStringLiteral("schemaPanel"));
            if (panel && window->isStructuredOutputOn() && panel->isVisible())
                panel->editor()->setText(schema);
            return panel;
        }

        /** Picks the preset `id` and points it at the simulator's OpenAI-compatible API. */
        void useRemotePreset(const QString &id)
        {
            auto *providers = window->findChild<QComboBox *>(QStringLiteral("providerBox"));
            const int index = providers->findData(id);
            QVERIFY(index >= 0);
            providers->setCurrentIndex(index);
            window->findChild<QLineEdit *>(QStringLiteral("baseUrlEdit"))->setText(simulatorUrl.toString());
            window->findChild<QLineEdit *>(QStringLiteral("modelEdit"))->setText(QStringLiteral("lathe-sim"));
        }

        Mock::SimulatorHost simulator;
        QUrl simulatorUrl;
        Providers::StreamHub hub{Ledger::RequestLedger::defaultPath()};
        Credentials::CredentialStore credentials;
        std::unique_ptr<Ui::MainWindow> window;
        Ui::PromptEditor *editor = nullptr;
        QPlainTextEdit *response = nullptr;
    };

    static QString reviewSchema()
    {
        return QStringLiteral(
            "{\"type\": \"object\", \"properties\": {\"title\": {\"type\": \"string\"}, "
            "\"stars\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 5}, "
            "\"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}, "
            "\"required\": [\"title\", \"stars\", \"tags\"], \"additionalProperties\": false}");
    }

    static QString expectedAnswer(const QString &prompt)
    {
        return Mock::simulateAnswer(QStringLiteral("lathe-sim"), {{QStringLiteral("user"), prompt}},
                                    std::nullopt)
            .text();
    }

private Q_SLOTS:
    void ctrlEnterStreamsTheAnswerIntoThePane()
    {
        Fixture fixture(400);
        const QString prompt = QStringLiteral("Why does streaming feel faster?");
        fixture.typePrompt(prompt);
        const QString expected = expectedAnswer(prompt);

        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);

        // Sample what the pane shows while the answer arrives: a streamed answer appears in
        // several growing pieces, each a prefix of the whole, never all at once.
        QSet<qsizetype> lengthsSeen;
        QElapsedTimer clock;
        clock.start();
        while (fixture.response->toPlainText() != expected && clock.elapsed() < 15000) {
            const QString shown = fixture.response->toPlainText();
            QVERIFY2(expected.startsWith(shown), qPrintable(shown));
            if (!shown.isEmpty())
                lengthsSeen.insert(shown.size());
            QTest::qWait(5);
        }
        QCOMPARE(fixture.response->toPlainText(), expected);
        QVERIFY2(lengthsSeen.size() >= 3, "the answer should arrive in several frames");

        auto *stats = fixture.window->findChild<QLabel *>(QStringLiteral("statsLabel"));
        QTRY_VERIFY(stats->text().contains(QStringLiteral("TTFT")));
        QVERIFY(stats->text().contains(QStringLiteral("tok/s")));
    }

    void escapeStopsTheAnswerAndKeepsItsText()
    {
        Fixture fixture(40);
        const QString prompt = QStringLiteral("Tell me a long story");
        fixture.typePrompt(prompt);
        const QString expected = expectedAnswer(prompt);

        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(fixture.response->toPlainText().size() > 20, 10000);
        QTest::keyClick(fixture.editor, Qt::Key_Escape);

        const QString atStop = fixture.response->toPlainText();
        QVERIFY(expected.startsWith(atStop));
        QVERIFY(atStop.size() < expected.size());
        // Nothing that was still on its way may reach the pane after the stop.
        QTest::qWait(400);
        QCOMPARE(fixture.response->toPlainText(), atStop);
        auto *stop = fixture.window->findChild<QAction *>(QStringLiteral("stopAction"));
        QVERIFY(!stop->isEnabled());
    }

    void failedRequestShowsTheErrorInlineAndKeepsPartialText()
    {
        Fixture fixture(400);
        auto *model = fixture.window->findChild<QLineEdit *>(QStringLiteral("modelEdit"));
        model->setText(QStringLiteral("lathe-sim+reset-mid-stream:12"));
        const QString prompt = QStringLiteral("Cut me off");
        fixture.typePrompt(prompt);

        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        auto *banner = fixture.window->findChild<QLabel *>(QStringLiteral("responseBanner"));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        QVERIFY2(banner->text().contains(QStringLiteral("stream ended before completion")),
                 qPrintable(banner->text()));
        const QStringList tokens = Mock::simulateAnswer(QStringLiteral("lathe-sim"),
                                                        {{QStringLiteral("user"), prompt}}, std::nullopt)
                                       .tokens;
        QCOMPARE(fixture.response->toPlainText(), tokens.mid(0, 12).join(QString()));
    }

    void retriesAreListedInThePane()
    {
        Fixture fixture(0);
        auto *model = fixture.window->findChild<QLineEdit *>(QStringLiteral("modelEdit"));
        model->setText(QStringLiteral("lathe-sim+http-503:20*1"));
        fixture.typePrompt(QStringLiteral("Try again"));
        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        auto *pane = fixture.window->findChild<Ui::ResponsePane *>(QStringLiteral("responsePane"));
        auto *attempts = fixture.window->findChild<QLabel *>(QStringLiteral("responseAttempts"));
        QTRY_VERIFY_WITH_TIMEOUT(pane->attemptsText().contains(QStringLiteral("attempt 2")), 10000);
        const QStringList lines = pane->attemptsText().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].startsWith(QStringLiteral("\u2717 attempt 1")) &&
                     lines[0].contains(QStringLiteral("503")) &&
                     lines[0].contains(QStringLiteral("retrying in 20 ms")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[1].startsWith(QStringLiteral("\u2713 attempt 2")), qPrintable(lines[1]));
        QVERIFY(attempts->isVisible());
    }

    void aMissingKeySaysWhereToPutIt()
    {
        qunsetenv("OPENAI_API_KEY");
        Fixture fixture(0);
        fixture.useRemotePreset(QStringLiteral("openai"));
        fixture.typePrompt(QStringLiteral("Hello?"));
        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        auto *banner = fixture.window->findChild<QLabel *>(QStringLiteral("responseBanner"));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        const QString service = Credentials::keychainServiceFor(fixture.simulatorUrl);
        QVERIFY2(banner->text().startsWith(
                     QStringLiteral("No API key for %1: set OPENAI_API_KEY or store one in the "
                                    "keychain")
                         .arg(service)),
                 qPrintable(banner->text()));
        QVERIFY(banner->text().contains(QStringLiteral("Set API Key")));
        QVERIFY(fixture.response->toPlainText().isEmpty());
    }

    void theKeyReachesTheProviderButNeverTheLedger()
    {
        const QByteArray key = "sk-gui-planted-key-5f0c1e2d3b4a";
        qputenv("OPENAI_API_KEY", key);
        Fixture fixture(0);
        fixture.useRemotePreset(QStringLiteral("openai"));
        const QString prompt = QStringLiteral("Is my key safe?");
        fixture.typePrompt(prompt);
        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(fixture.response->toPlainText(), expectedAnswer(prompt), 10000);
        qunsetenv("OPENAI_API_KEY");

        QFile ledger(Ledger::RequestLedger::defaultPath());
        QTRY_VERIFY_WITH_TIMEOUT(ledger.exists(), 5000);
        QVERIFY(ledger.open(QIODevice::ReadOnly));
        const QByteArray written = ledger.readAll();
        QVERIFY(written.contains("Is my key safe?"));
        QVERIFY(written.contains("\"Bearer [redacted]\"") ||
                written.contains("[\"Authorization\",\"[redacted]\"]"));
        QVERIFY(!written.contains(key));
    }

    void theBudgetFollowsTheTypingAndTheModel()
    {
        Fixture fixture(2000);
        auto *model = fixture.window->findChild<QLineEdit *>(QStringLiteral("modelEdit"));
        const Ui::PromptBudgetIndicator *budget = fixture.window->promptBudget();
        model->setText(QStringLiteral("gpt-4o"));
        fixture.typePrompt(QStringLiteral("hello world"));
        // 2 o200k tokens and 7 of a user message's framing; $2.50 per million; 9 + 16,384
        // reserved output tokens of 128k.
        const QString sep = QStringLiteral(" \u00B7 ");
        QTRY_COMPARE_WITH_TIMEOUT(
            budget->summaryText(),
            QStringList({u"gpt-4o"_qs, u"9 tokens"_qs, Catalog::formatUsd(9 * 2.5e-06), u"13% of 128k"_qs})
                .join(sep),
            10000);
        QCOMPARE(budget->gaugeState(), QStringLiteral("ok"));
        // The catalog, parsed off the GUI thread, now completes model names too.
        QVERIFY(model->completer()->model()->rowCount() > 2000);
        QTest::keyClicks(fixture.editor, QStringLiteral(" again"));
        QTRY_VERIFY(
            budget->summaryText().startsWith(QStringLiteral("gpt-4o") + sep + QStringLiteral("10 tokens")));

        // gpt-4's 8k window cannot hold 4,500 words plus its 4,096 output tokens.
        model->setText(QStringLiteral("gpt-4"));
        const QString words = QStringLiteral("word ").repeated(4500);
        fixture.editor->setText(words);
        QTRY_COMPARE(budget->gaugeState(), QStringLiteral("over"));
        const auto cl100k = Tokens::BpeEncoding::load(Tokens::Encoding::Cl100kBase);
        QVERIFY(cl100k);
        const QString count = QLocale().toString(qint64(cl100k->encode(words).size()) + 7);
        QVERIFY2(budget->summaryText().contains(count + QStringLiteral(" tokens")),
                 qPrintable(budget->summaryText()));

        model->setText(QStringLiteral("claude-sonnet-4-5"));
        QTRY_VERIFY2(budget->summaryText().contains(QStringLiteral("\u2248")),
                     qPrintable(budget->summaryText()));

        model->setText(QStringLiteral("a-model-nobody-prices"));
        QTRY_VERIFY2(budget->summaryText().contains(QStringLiteral("no price")),
                     qPrintable(budget->summaryText()));
        QCOMPARE(budget->gaugeState(), QStringLiteral("none"));
    }

    void aFinishedRunShowsItsUsageBesideTheEstimateAndCalibrates()
    {
        // Earlier tests' runs taught the calibration too; this one starts from nothing.
        QFile::remove(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                      QStringLiteral("/lathe/token-calibration.json"));
        Fixture fixture(2000);
        const QString prompt = QStringLiteral("Count my tokens, please.");
        fixture.typePrompt(prompt);
        const Ui::PromptBudgetIndicator *budget = fixture.window->promptBudget();
        // Until the rank files have loaded it says "counting tokens…".
        QTRY_VERIFY_WITH_TIMEOUT(budget->summaryText().contains(QStringLiteral("\u2248")), 10000);
        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(fixture.response->toPlainText(), expectedAnswer(prompt), 10000);

        // The simulator counts with its own tokenizer, which Lathe's o200k count approximates.
        const qint64 reported = Mock::simulatedPromptTokens({{QStringLiteral("user"), prompt}});
        const auto o200k = Tokens::BpeEncoding::load(Tokens::Encoding::O200kBase);
        QVERIFY(o200k);
        const qint64 counted = qint64(o200k->encode(prompt).size()) + 7;
        auto *pane = fixture.window->findChild<Ui::ResponsePane *>(QStringLiteral("responsePane"));
        QTRY_VERIFY(!pane->usageText().isEmpty());
        const QString usage = pane->usageText();
        QVERIFY2(usage.startsWith(QStringLiteral("%1 in \u2192 ").arg(reported)), qPrintable(usage));
        QVERIFY2(usage.contains(QStringLiteral("no price")), qPrintable(usage)); // lathe-sim has none
        QVERIFY2(usage.endsWith(QStringLiteral("estimated \u2248%1 in").arg(counted)), qPrintable(usage));

        // The next estimate for the same text is scaled by what the run taught.
        QTRY_VERIFY(budget->summaryText().contains(QStringLiteral("\u2248%1 tokens").arg(reported)));
    }

    void userPricesPriceAModelTheTableDoesNotKnow()
    {
        const QString saved = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                              QStringLiteral("/lathe/model-prices.json");
        QFile::remove(saved); // a run of this test before
        Fixture fixture(2000);
        auto *model = fixture.window->findChild<QLineEdit *>(QStringLiteral("modelEdit"));
        model->setText(QStringLiteral("acme-llm"));
        fixture.typePrompt(QStringLiteral("hello world"));
        const Ui::PromptBudgetIndicator *budget = fixture.window->promptBudget();
        QTRY_VERIFY_WITH_TIMEOUT(budget->summaryText().contains(QStringLiteral("no price")), 10000);

        fixture.window->findChild<QAction *>(QStringLiteral("modelPricesAction"))->trigger();
        auto *dialog =
            fixture.window->findChild<Ui::ModelPricesDialog *>(QStringLiteral("modelPricesDialog"));
        QVERIFY(dialog);
        dialog->addModel(QStringLiteral("acme-llm"));
        dialog->setLastRowCell(Ui::ModelPricesDialog::InputPrice, QStringLiteral("-3"));
        auto *problem = dialog->findChild<QLabel *>(QStringLiteral("modelPricesProblem"));
        QCOMPARE(problem->text(), QStringLiteral("acme-llm, Input $/1M: \"-3\" is not a price."));
        dialog->setLastRowCell(Ui::ModelPricesDialog::InputPrice, QStringLiteral("1000"));
        dialog->setLastRowCell(Ui::ModelPricesDialog::ContextWindow, QStringLiteral("100"));
        QVERIFY(problem->text().isEmpty());
        dialog->accept();

        // 2 o200k tokens + 7 of framing, approximate for a model without a public tokenizer, at
        // $1,000 per million; 9 of a 100-token window.
        QTRY_VERIFY2(budget->summaryText().contains(
                         QStringLiteral("\u22489 tokens \u00B7 \u2248$0.0090 \u00B7 9% of 100")),
                     qPrintable(budget->summaryText()));
        QFile file(saved);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("\"name\": \"acme-llm\""));
    }

    void ctrlShiftCAsksAnthropicForTheExactCount()
    {
        Fixture fixture(2000);
        auto *providers = fixture.window->findChild<QComboBox *>(QStringLiteral("providerBox"));
        providers->setCurrentIndex(providers->findData(QStringLiteral("simulator-anthropic")));
        fixture.window->findChild<QLineEdit *>(QStringLiteral("modelEdit"))
            ->setText(QStringLiteral("claude-sonnet-4-5"));
        const QString prompt = QStringLiteral("How many tokens is this, exactly?");
        fixture.typePrompt(prompt);
        QTRY_VERIFY_WITH_TIMEOUT(
            fixture.window->promptBudget()->summaryText().contains(QStringLiteral("\u2248")), 10000);
        QTest::keyClick(fixture.editor, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        const qint64 exact = Mock::simulatedPromptTokens({{QStringLiteral("user"), prompt}});
        const QString expected = QStringLiteral("claude-sonnet-4-5 counts %1 input tokens.").arg(exact);
        QTRY_VERIFY2_WITH_TIMEOUT(fixture.window->statusBar()->currentMessage().startsWith(expected),
                                  qPrintable(fixture.window->statusBar()->currentMessage()), 10000);

        // Gemini counts too; OpenAI-compatible servers do not, and the window says so.
        providers->setCurrentIndex(providers->findData(QStringLiteral("simulator")));
        QTest::keyClick(fixture.editor, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(fixture.window->statusBar()->currentMessage().startsWith(
            QStringLiteral("Only Anthropic and Gemini")));
    }

    void aStructuredRunReAsksAfterAViolationAndEndsMatchingTheSchema()
    {
        Fixture fixture(60);
        auto *model = fixture.window->findChild<QLineEdit *>(QStringLiteral("modelEdit"));
        model->setText(QStringLiteral("lathe-sim+schema-violation*1"));
        const QString prompt = QStringLiteral("Review the streaming UI.");
        fixture.typePrompt(prompt);
        Ui::SchemaPanel *panel = fixture.useSchema(reviewSchema());
        QVERIFY(panel && panel->isVisible() && fixture.window->isStructuredOutputOn());
        auto *pane = fixture.window->findChild<Ui::ResponsePane *>(QStringLiteral("responsePane"));
        auto *json = fixture.window->findChild<Ui::JsonAnswerView *>(QStringLiteral("jsonAnswerView"));
        QVERIFY(pane && json);

        QTest::keyClick(panel->editor(), Qt::Key_Return, Qt::ControlModifier);

        // While an answer streams, the JSON tab shows the value so far, closed and valid at
        // every frame, in several steps; the second answer says which attempt it is.
        QSet<QString> valuesSeen;
        bool sawSecondAttempt = false;
        QElapsedTimer clock;
        clock.start();
        while (!pane->headerText().contains(QStringLiteral("matches the schema")) &&
               clock.elapsed() < 20000) {
            const QString shown = json->jsonText();
            if (!shown.isEmpty()) {
                QVERIFY2(nlohmann::json::accept(shown.toStdString()), qPrintable(shown));
                valuesSeen.insert(shown);
            }
            sawSecondAttempt |= pane->headerText().startsWith(QStringLiteral("attempt 2 of 3 on 127.0.0.1/"));
            QTest::qWait(5);
        }
        QVERIFY2(pane->headerText() ==
                     QStringLiteral("lathe-sim+schema-violation*1 · matches the schema after 2 attempts"),
                 qPrintable(pane->headerText()));
        QVERIFY(sawSecondAttempt);
        QVERIFY2(valuesSeen.size() >= 3, "the JSON should grow over several frames");

        const QStringList lines = pane->attemptsText().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QVERIFY2(
            lines[0].startsWith(QStringLiteral("\u2717 127.0.0.1/lathe-sim+schema-violation*1 · attempt 1 · "
                                               "1 violation \u2014 (root): Is missing the required "
                                               "property \"title\".")) &&
                lines[0].contains(QStringLiteral(" out · no price")) &&
                lines[0].contains(QStringLiteral("\u2192 re-asking with 1 error")),
            qPrintable(lines[0]));
        QVERIFY2(
            lines[1].startsWith(QStringLiteral("\u2713 127.0.0.1/lathe-sim+schema-violation*1 · attempt 2 · "
                                               "matched the schema")),
            qPrintable(lines[1]));
        QCOMPARE(json->verdictText(), QStringLiteral("Matches the schema"));

        // The accepted value is the simulator's instance of the schema.
        const auto expected =
            Mock::simulateStructuredAnswer(QStringLiteral("lathe-sim"), {{QStringLiteral("user"), prompt}},
                                           nlohmann::ordered_json::parse(reviewSchema().toStdString()),
                                           QString(), Mock::StructuredAnswerFlaw::None, std::nullopt);
        QVERIFY(expected);
        const nlohmann::json shown = nlohmann::json::parse(json->jsonText().toStdString());
        QVERIFY2(shown == nlohmann::json::parse(expected->text().toStdString()), shown.dump().c_str());
        QCOMPARE(fixture.response->toPlainText(), expected->text());
        QVERIFY2(pane->usageText().startsWith(QStringLiteral("2 answers: ")), qPrintable(pane->usageText()));
        auto *stats = fixture.window->findChild<QLabel *>(QStringLiteral("statsLabel"));
        QVERIFY2(stats->text().endsWith(QStringLiteral("2 attempts")), qPrintable(stats->text()));
    }

    void anInvalidSchemaBlocksTheRunAndSaysWhere()
    {
        Fixture fixture(400);
        const QString prompt = QStringLiteral("Blocked by the schema, then sent as text");
        fixture.typePrompt(prompt);
        // The ledger records every request that leaves; earlier tests and runs have filled it.
        const QString ledgerPath = Ledger::RequestLedger::defaultPath();
        const qint64 ledgerBefore = QFileInfo(ledgerPath).size();
        Ui::SchemaPanel *panel = fixture.useSchema(
            QStringLiteral("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"strin\"}}}"));
        QVERIFY(panel);
        // At once, before the panel's own check has run: Run checks what is on screen.
        QTest::keyClick(panel->editor(), Qt::Key_Return, Qt::ControlModifier);
        auto *banner = fixture.window->findChild<QLabel *>(QStringLiteral("responseBanner"));
        QVERIFY(banner->isVisible());
        QVERIFY2(
            banner->text().startsWith(QStringLiteral("Nothing was sent: the response schema has a problem.\n"
                                                     "#/properties/a/type: Unknown type")),
            qPrintable(banner->text()));
        QVERIFY(!fixture.window->findChild<QAction *>(QStringLiteral("stopAction"))->isEnabled());
        QTest::qWait(300);
        QVERIFY(fixture.response->toPlainText().isEmpty());
        QCOMPARE(QFileInfo(ledgerPath).size(), ledgerBefore);

        // Ctrl+Shift+J again turns structured output off, and the same prompt runs as text.
        QTest::keyClick(panel->editor(), Qt::Key_J, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!fixture.window->isStructuredOutputOn());
        QVERIFY(panel->isHidden());
        QTest::keyClick(fixture.editor, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(fixture.response->toPlainText(), expectedAnswer(prompt), 10000);
        QVERIFY(!banner->isVisible());
        QTRY_VERIFY(QFileInfo(ledgerPath).size() > ledgerBefore);
    }

    void escapeStopsAStructuredRun()
    {
        Fixture fixture(20);
        fixture.typePrompt(QStringLiteral("A slow structured answer"));
        Ui::SchemaPanel *panel = fixture.useSchema(reviewSchema());
        QVERIFY(panel);
        QTest::keyClick(panel->editor(), Qt::Key_Return, Qt::ControlModifier);
        auto *pane = fixture.window->findChild<Ui::ResponsePane *>(QStringLiteral("responsePane"));
        auto *json = fixture.window->findChild<Ui::JsonAnswerView *>(QStringLiteral("jsonAnswerView"));
        QTRY_VERIFY_WITH_TIMEOUT(json->jsonText().contains(QStringLiteral("\"title\"")), 10000);
        QTest::keyClick(panel->editor(), Qt::Key_Escape);
        QVERIFY2(pane->headerText().endsWith(QStringLiteral(" · stopped")), qPrintable(pane->headerText()));
        const QString atStop = json->jsonText();
        QTest::qWait(400);
        QCOMPARE(json->jsonText(), atStop);
        QVERIFY(!fixture.window->findChild<QAction *>(QStringLiteral("stopAction"))->isEnabled());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
