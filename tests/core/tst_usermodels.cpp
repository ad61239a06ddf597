// SPDX-License-Identifier: GPL-3.0-or-later
// The user's model prices: the file format, its errors, and how they sit on the bundled table.
#include <QTemporaryDir>
#include <QtTest>

#include "catalog/UserModels.h"

using namespace Lathe;
using namespace Lathe::Catalog;

class TestUserModels : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsThroughTheFile()
    {
        ModelInfo custom;
        custom.name = QStringLiteral("acme-llm");
        custom.prices.input = 0.4e-6;
        custom.prices.output = 1.6e-6;
        custom.maxInputTokens = 32000;
        ModelInfo unknownPrices;
        unknownPrices.name = QStringLiteral("gpt-4o");
        unknownPrices.prices.input = 2e-6;

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/model-prices.json"));
        QVERIFY(UserModels::save(path, {custom, unknownPrices}));
        const auto loaded = UserModels::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
        QCOMPARE(loaded->size(), 2);
        QCOMPARE(loaded->at(0).name, QStringLiteral("acme-llm"));
        QCOMPARE(*loaded->at(0).prices.input, 0.4e-6);
        QCOMPARE(*loaded->at(0).prices.output, 1.6e-6);
        QVERIFY(!loaded->at(0).prices.cacheRead); // unknown stays unknown, not 0
        QCOMPARE(loaded->at(0).maxInputTokens, 32000);
        QCOMPARE(loaded->at(0).maxOutputTokens, -1);
        QVERIFY(!loaded->at(1).prices.output);
        // People read prices per million tokens, and that is what the file holds.
        QVERIFY(UserModels::toJson({custom}).contains("\"input_per_million\": 0.4"));
    }

    void aMissingFileIsNoModels()
    {
        QTemporaryDir dir;
        const auto loaded = UserModels::load(dir.filePath(QStringLiteral("none.json")));
        QVERIFY(loaded);
        QVERIFY(loaded->isEmpty());
    }

    void badFilesNameWhere_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("where");
        QTest::newRow("not JSON") << QByteArray("{\"version\":1,") << "models.json, byte 14";
        QTest::newRow("another version")
            << QByteArray("{\"version\":2,\"models\":[]}") << "models.json: version";
        QTest::newRow("models not a list")
            << QByteArray("{\"version\":1,\"models\":{}}") << "models.json: models";
        QTest::newRow("no name") << QByteArray("{\"version\":1,\"models\":[{\"input_per_million\":1}]}")
                                 << "models.json: models[0].name";
        QTest::newRow("negative price")
            << QByteArray(
                   "{\"version\":1,\"models\":[{\"name\":\"a\"},{\"name\":\"b\",\"output_per_million\":-1}]}")
            << "models.json: models[1].output_per_million";
        QTest::newRow("fractional window")
            << QByteArray("{\"version\":1,\"models\":[{\"name\":\"a\",\"context_window\":1.5}]}")
            << "models.json: models[0].context_window";
    }

    void badFilesNameWhere()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, where);
        const auto loaded = UserModels::fromJson(json, QStringLiteral("models.json"));
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().where, where);
    }

    void overridesAndCustomModelsAreTold()
    {
        ModelInfo override;
        override.name = QStringLiteral("GPT-4o");
        ModelInfo custom;
        custom.name = QStringLiteral("acme-llm");
        const QList<ModelInfo> models = UserModels::classified({override, custom}, ModelCatalog::bundled());
        QCOMPARE(models[0].source, ModelSource::Override);
        QCOMPARE(models[0].provider, QStringLiteral("openai"));
        QCOMPARE(models[1].source, ModelSource::Custom);
    }
};

QTEST_GUILESS_MAIN(TestUserModels)
#include "tst_usermodels.moc"
