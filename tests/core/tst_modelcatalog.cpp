// SPDX-License-Identifier: GPL-3.0-or-later
// The model catalog: name matching against the carried LiteLLM table, parsing errors, user
// models on top, and the input estimate built from it.
#include <QFile>
#include <QtTest>

#include "catalog/InputEstimate.h"
#include "catalog/ModelCatalog.h"

using namespace Lathe;
using namespace Lathe::Catalog;

class TestModelCatalog : public QObject
{
    Q_OBJECT

private slots:
    void theBundledTableLoads()
    {
        const ModelCatalog &catalog = ModelCatalog::bundled();
        // 2,983 models in the carried snapshot; a few have fields that are not prices.
        QVERIFY2(catalog.size() > 2900, qPrintable(QString::number(catalog.size())));
        QVERIFY2(catalog.warnings().size() < 20, qPrintable(catalog.warnings().join(u'\n')));
        QCOMPARE(catalog.snapshotDate(), QStringLiteral("2026-07-24"));
        QVERIFY(!catalog.find(u"sample_spec"));
        QVERIFY(catalog.chatModelNames().contains(QStringLiteral("gpt-4o")));
        QVERIFY(!catalog.chatModelNames().contains(QStringLiteral("text-embedding-3-small")));
    }

    void findsWhatUsersType_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("hint");
        QTest::addColumn<QString>("matched"); // empty: no entry

        QTest::newRow("exact") << "gpt-4o"
                               << ""
                               << "gpt-4o";
        QTest::newRow("any case, spaces") << "  GPT-4o "
                                          << ""
                                          << "gpt-4o";
        QTest::newRow("a dated variant the table has") << "gpt-4o-2024-08-06"
                                                       << ""
                                                       << "gpt-4o-2024-08-06";
        QTest::newRow("a dated variant it does not have") << "gpt-4o-2099-01-01"
                                                          << ""
                                                          << "gpt-4o";
        QTest::newRow("provider prefix") << "openai/gpt-4o-mini"
                                         << ""
                                         << "gpt-4o-mini";
        QTest::newRow("router prefixes") << "myproxy/openai/o3"
                                         << ""
                                         << "o3";
        QTest::newRow("Vertex @date") << "claude-sonnet-4-5@20990101"
                                      << ""
                                      << "claude-sonnet-4-5";
        QTest::newRow("Anthropic dated") << "claude-sonnet-4-5-20250929"
                                         << "anthropic"
                                         << "claude-sonnet-4-5-20250929";
        QTest::newRow("-latest") << "claude-haiku-4-5-latest"
                                 << "anthropic"
                                 << "claude-haiku-4-5";
        QTest::newRow("the hint picks Gemini's API over Vertex") << "gemini-2.5-pro"
                                                                 << "gemini"
                                                                 << "gemini/gemini-2.5-pro";
        QTest::newRow("Gemini resource name") << "models/gemini-2.5-pro"
                                              << "gemini"
                                              << "gemini/gemini-2.5-pro";
        QTest::newRow("without a hint the bare key") << "gemini-2.5-pro"
                                                     << ""
                                                     << "gemini-2.5-pro";
        QTest::newRow("fine-tune at its own price") << "ft:gpt-4o-mini-2024-07-18:acme::9abc"
                                                    << ""
                                                    << "ft:gpt-4o-mini-2024-07-18";
        QTest::newRow("unknown fine-tune: no base-model guess") << "ft:gpt-4o-mini-2099-01-01:acme::9abc"
                                                                << ""
                                                                << "";
        QTest::newRow("Ollama model") << "llama3.1"
                                      << "ollama"
                                      << "ollama/llama3.1";
        QTest::newRow("unknown model") << "my-local-finetune-7b"
                                       << "openai"
                                       << "";
        QTest::newRow("empty") << ""
                               << ""
                               << "";
    }

    void findsWhatUsersType()
    {
        QFETCH(QString, typed);
        QFETCH(QString, hint);
        QFETCH(QString, matched);
        const auto model = ModelCatalog::bundled().find(typed, hint);
        QCOMPARE(model ? model->name : QString(), matched);
    }

    void readsPricesAndLimits()
    {
        const auto gpt4o = ModelCatalog::bundled().find(u"gpt-4o");
        QVERIFY(gpt4o);
        QCOMPARE(gpt4o->provider, QStringLiteral("openai"));
        QCOMPARE(gpt4o->mode, QStringLiteral("chat"));
        QCOMPARE(*gpt4o->prices.input, 2.5e-06);
        QCOMPARE(*gpt4o->prices.output, 1e-05);
        QCOMPARE(*gpt4o->prices.cacheRead, 1.25e-06);
        QVERIFY(!gpt4o->prices.cacheWrite);
        QCOMPARE(gpt4o->maxInputTokens, 128000);
        QCOMPARE(gpt4o->maxOutputTokens, 16384);
        QCOMPARE(gpt4o->longContextThreshold, 0);

        const auto sonnet = ModelCatalog::bundled().find(u"claude-sonnet-4-5");
        QVERIFY(sonnet);
        QCOMPARE(*sonnet->prices.cacheWrite, 3.75e-06);
        QCOMPARE(sonnet->longContextThreshold, 200000);
        QCOMPARE(*sonnet->longContextPrices.input, 6e-06);
        QCOMPARE(*sonnet->longContextPrices.output, 2.25e-05);
        QCOMPARE(*sonnet->pricesFor(200000).input, 3e-06);
        QCOMPARE(*sonnet->pricesFor(200001).input, 6e-06);

        const auto local = ModelCatalog::bundled().find(u"llama3", u"ollama");
        QVERIFY(local);
        QVERIFY(local->hasPrice()); // a known zero is a price, unlike an unknown one
        QCOMPARE(*local->prices.input, 0.0);
    }

    void badEntriesAreNamedAndTheRestKept()
    {
        QFile file(QStringLiteral(LATHE_TEST_DATA "/catalog/broken_prices.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto catalog = ModelCatalog::fromLiteLlmJson(
            file.readAll(), QStringLiteral("broken_prices.json"), QStringLiteral("2026-01-01"));
        QVERIFY(catalog);
        QCOMPARE(catalog->size(), 2);
        QVERIFY(catalog->find(u"good-model"));
        const auto inputOnly = catalog->find(u"input-only");
        QVERIFY(inputOnly);
        QVERIFY(!inputOnly->hasPrice());
        const QString warnings = catalog->warnings().join(u'\n');
        QCOMPARE(catalog->warnings().size(), 3);
        QVERIFY2(warnings.contains(QStringLiteral("broken_prices.json: model \"string-price\", field "
                                                  "input_cost_per_token: not a price: \"0.000001\"")),
                 qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("\"negative-price\", field input_cost_per_token")),
                 qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("\"not-an-object\" is not an object")),
                 qPrintable(warnings));
    }

    void malformedJsonNamesTheByte()
    {
        const auto catalog = ModelCatalog::fromLiteLlmJson("{\"a\": {\"input_cost_per_token\": 1e-6,}}",
                                                           QStringLiteral("prices.json"), {});
        QVERIFY(!catalog);
        QCOMPARE(catalog.error().code, ErrorCode::Protocol);
        QCOMPARE(catalog.error().where, QStringLiteral("prices.json, byte 37"));

        const auto notObject = ModelCatalog::fromLiteLlmJson("[1]", QStringLiteral("prices.json"), {});
        QVERIFY(!notObject);
        QCOMPARE(notObject.error().where, QStringLiteral("prices.json"));
    }

    void userModelsGoOnTop()
    {
        ModelInfo cheaper = *ModelCatalog::bundled().find(u"gpt-4o");
        cheaper.prices.input = 1e-06;
        cheaper.source = ModelSource::Override;
        ModelInfo custom;
        custom.name = QStringLiteral("Acme-LLM");
        custom.prices.input = 4e-07;
        custom.prices.output = 8e-07;
        custom.maxInputTokens = 32000;
        custom.source = ModelSource::Custom;

        const ModelCatalog catalog = ModelCatalog::bundled().withUserModels({cheaper, custom});
        QCOMPARE(*catalog.find(u"gpt-4o")->prices.input, 1e-06);
        QCOMPARE(catalog.find(u"gpt-4o")->source, ModelSource::Override);
        // Dated variants of an overridden model still match it.
        QCOMPARE(*catalog.find(u"gpt-4o-2099-12-31")->prices.input, 1e-06);
        QCOMPARE(catalog.find(u"acme-llm")->source, ModelSource::Custom);
        QVERIFY(catalog.chatModelNames().contains(QStringLiteral("Acme-LLM")));
        // The shared bundled catalog is unchanged.
        QCOMPARE(*ModelCatalog::bundled().find(u"gpt-4o")->prices.input, 2.5e-06);
    }

    void estimatesInputForExactAndApproximateModels()
    {
        const ModelCatalog &catalog = ModelCatalog::bundled();
        const CountingPlan openAi = countingPlanFor(u"gpt-4o-mini");
        QCOMPARE(openAi.encoding, Tokens::Encoding::O200kBase);
        QVERIFY(!openAi.approximate);
        const InputEstimate exact = estimateInput(u"gpt-4o-mini", 1000, openAi, catalog, u"openai", 1.3);
        QCOMPARE(exact.tokens, 1000); // the calibration applies only to approximate counts
        QVERIFY(!exact.approximate);
        QCOMPARE(*exact.costUsd, 1000 * 1.5e-07);
        QCOMPARE(exact.contextWindow, 128000);
        QCOMPARE(exact.maxOutputTokens, 16384);
        QCOMPARE(*exact.contextShare(), (1000.0 + 16384.0) / 128000.0);
        QVERIFY(!exact.exceedsContext());

        const CountingPlan claude = countingPlanFor(u"claude-sonnet-4-5");
        QVERIFY(claude.approximate);
        const InputEstimate approx =
            estimateInput(u"claude-sonnet-4-5", 1000, claude, catalog, u"anthropic", 1.15,
                          /*requestMaxOutputTokens=*/2000);
        QCOMPARE(approx.tokens, 1150);
        QVERIFY(approx.approximate);
        QCOMPARE(approx.maxOutputTokens, 2000);
        QCOMPARE(*approx.costUsd, 1150 * 3e-06);

        const InputEstimate tooBig =
            estimateInput(u"gpt-4", 8000, countingPlanFor(u"gpt-4"), catalog, u"openai");
        QCOMPARE(tooBig.contextWindow, 8192);
        QVERIFY(tooBig.exceedsContext()); // 8000 + its 4096 output tokens

        const InputEstimate unknown =
            estimateInput(u"mystery-model", 500, countingPlanFor(u"mystery-model"), catalog, u"openai");
        QVERIFY(!unknown.model);
        QVERIFY(!unknown.costUsd);
        QVERIFY(!unknown.contextShare());
        QVERIFY(!unknown.exceedsContext());
    }
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_modelcatalog.moc"
