// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON view of a structured answer: the value so far, drawn only when asked (once per
// frame), the violations that are already certain while it streams, and the verdict on the
// whole answer with its repairs.
#include <QTest>

#include "panes/JsonAnswerView.h"
#include "schema/JsonRepair.h"
#include "structured/StructuredRun.h"

using namespace Lathe;

class TestJsonAnswerView : public QObject
{
    Q_OBJECT

private:
    static Schema::JsonSchema compile(const char *schema)
    {
        return Schema::JsonSchema::compile(nlohmann::json::parse(schema)).value();
    }

    static Schema::JsonSchema reviewSchema()
    {
        return compile("{\"type\": \"object\", \"properties\": {\"title\": {\"type\": \"string\"}, "
                       "\"stars\": {\"type\": \"integer\"}}, \"required\": [\"title\", \"stars\"]}");
    }

    static nlohmann::json shownValue(const Ui::JsonAnswerView &view)
    {
        return nlohmann::json::parse(view.jsonText().toStdString(), nullptr, false);
    }

private Q_SLOTS:
    void drawsOnlyWhenRefreshed()
    {
        Ui::JsonAnswerView view;
        view.begin(reviewSchema());
        view.appendText(QStringLiteral("Here you are:\n```json\n{\"title\": \"Fa"));
        QVERIFY(view.jsonText().isEmpty());
        view.refresh();
        QVERIFY(shownValue(view) == nlohmann::json::parse("{\"title\": \"Fa\"}"));
        // Missing "stars" is not certain yet: more text may bring it.
        QCOMPARE(view.verdictText(), QStringLiteral("No violations so far"));
    }

    void aViolationShowsAsSoonAsItIsCertain()
    {
        Ui::JsonAnswerView view;
        view.begin(reviewSchema());
        view.appendText(QStringLiteral("{\"stars\": \"five\", \"ti"));
        view.refresh();
        QVERIFY(shownValue(view) == nlohmann::json::parse("{\"stars\": \"five\"}"));
        const QString verdict = view.verdictText();
        QVERIFY2(verdict.startsWith(QStringLiteral("/stars: ")) && !verdict.contains(QLatin1Char('\n')),
                 qPrintable(verdict));

        view.appendText(QStringLiteral("tle\": \"Fast\"}"));
        view.refresh();
        QVERIFY(shownValue(view) == nlohmann::json::parse("{\"stars\": \"five\", \"title\": \"Fast\"}"));
        QCOMPARE(view.verdictText(), verdict);
    }

    void aWholeValidAnswerMatches()
    {
        Ui::JsonAnswerView view;
        view.begin(reviewSchema());
        view.appendText(QStringLiteral("{\"title\": \"Fast\", \"stars\": 4}"));
        view.refresh();
        QCOMPARE(view.verdictText(), QStringLiteral("Matches the schema"));

        view.clear();
        QVERIFY(view.jsonText().isEmpty());
        QVERIFY(view.verdictText().isEmpty());
    }

    void textThatIsNotStrictJsonSaysWhere()
    {
        Ui::JsonAnswerView view;
        view.begin(reviewSchema());
        view.appendText(QStringLiteral("{\"title\": \"Fast\",}"));
        view.refresh();
        QVERIFY2(view.verdictText().startsWith(QStringLiteral("Not strict JSON so far: ")) &&
                     view.verdictText().contains(QStringLiteral("line 1, column 18")),
                 qPrintable(view.verdictText()));
        QVERIFY(shownValue(view) == nlohmann::json::parse("{\"title\": \"Fast\"}"));
    }

    void manyViolationsAreCountedNotListed()
    {
        Ui::JsonAnswerView view;
        view.begin(compile("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}"));
        QStringList items;
        for (int i = 0; i < Ui::JsonAnswerView::kMaxListedViolations + 5; ++i)
            items << QStringLiteral("\"x\"");
        view.appendText(QLatin1Char('[') + items.join(QLatin1Char(',')) + QLatin1Char(']'));
        view.refresh();
        const QStringList lines = view.verdictText().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), Ui::JsonAnswerView::kMaxListedViolations + 1);
        QVERIFY2(lines.first().startsWith(QStringLiteral("/0: ")), qPrintable(lines.first()));
        QCOMPARE(lines.last(), QStringLiteral("… and 5 more"));
    }

    void theVerdictShowsTheRepairedValueAndItsFixes()
    {
        Ui::JsonAnswerView view;
        view.begin(reviewSchema());
        const std::string text = "{\"title\": \"Fast\", \"stars\": 4,}";
        view.appendText(QString::fromStdString(text));
        view.refresh();
        QVERIFY(view.verdictText().startsWith(QStringLiteral("Not strict JSON so far: ")));

        auto repaired = Schema::parseLenient(text);
        QVERIFY(repaired && repaired->repaired && repaired->fixes.size() == 1);
        Structured::StructuredAttempt attempt;
        attempt.value = repaired->value;
        attempt.repaired = true;
        attempt.fixes = repaired->fixes;
        attempt.accepted = true;
        view.showVerdict(attempt);
        QVERIFY(shownValue(view) == repaired->value);
        QCOMPARE(view.verdictText(), QStringLiteral("Matches the schema\nRepaired: ") +
                                         Schema::describeFix(repaired->fixes.front()));
    }

    void anAnswerThatIsNotJsonSaysWhy()
    {
        Ui::JsonAnswerView view;
        view.begin(reviewSchema());
        Structured::StructuredAttempt attempt;
        attempt.readError =
            Error(ErrorCode::Protocol, QStringLiteral("No JSON value found"), QStringLiteral("byte 0"));
        view.showVerdict(attempt);
        QCOMPARE(view.verdictText(), QStringLiteral("Not JSON: No JSON value found (byte 0)"));
    }
};

QTEST_MAIN(TestJsonAnswerView)
#include "tst_jsonanswerview.moc"
