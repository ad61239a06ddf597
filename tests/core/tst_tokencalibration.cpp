// SPDX-License-Identifier: GPL-3.0-or-later
#include <limits>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/TokenCalibration.h"
#include "catalog/TokenLimits.h"

using namespace Lathe;
using namespace Lathe::Catalog;

namespace
{

const QString kClaude = QStringLiteral("claude-sonnet-4-5");

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestTokenCalibration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void anUnknownModelHasRatioOneAndNoSamples()
    {
        const TokenCalibration calibration;
        QCOMPARE(calibration.ratio(kClaude), (CalibrationRatio{1.0, 0}));
        QCOMPARE(calibration.calibrate(kClaude, 1234), 1234);
    }

    void theRatioWeighsSamplesByTheirTokens()
    {
        TokenCalibration calibration;
        QVERIFY(calibration.record(kClaude, 100, 120));
        QVERIFY(calibration.record(kClaude, 1000, 1100));
        // (120 + 1100) / (100 + 1000), not the mean of 1.2 and 1.1: the short prompt's ratio is
        // mostly the chat template's fixed tokens.
        QCOMPARE(calibration.ratio(kClaude).ratio, 1220.0 / 1100.0);
        QCOMPARE(calibration.ratio(kClaude).samples, 2);
        // Names compare as the catalog's do.
        QCOMPARE(calibration.ratio(QStringLiteral("Claude-Sonnet-4-5")).samples, 2);
        QCOMPARE(calibration.ratio(QStringLiteral("gemini-2.5-pro")).samples, 0);
    }

    void afterTheWindowNewSamplesWeighOneTwentieth()
    {
        TokenCalibration calibration;
        for (qint64 sample = 0; sample < TokenCalibration::kWindow; ++sample)
            QVERIFY(calibration.record(kClaude, 1000, 1000));
        QCOMPARE(calibration.ratio(kClaude).ratio, 1.0);
        QVERIFY(calibration.record(kClaude, 1000, 2000));
        // Means: estimated 1000; reported 1000 + (2000 - 1000) / 20 = 1050. An exact mean over
        // 21 samples would give 1047.6: old samples fade instead of holding the ratio forever.
        QCOMPARE(calibration.ratio(kClaude), (CalibrationRatio{1.05, 21}));
    }

    void ignoresSamplesWithoutCounts_data()
    {
        QTest::addColumn<qint64>("estimated");
        QTest::addColumn<qint64>("reported");
        QTest::newRow("no estimate") << qint64(0) << qint64(100);
        QTest::newRow("nothing reported") << qint64(100) << qint64(0);
        QTest::newRow("usage unknown") << qint64(100) << qint64(-1);
        QTest::newRow("negative estimate") << qint64(-5) << qint64(100);
    }

    void ignoresSamplesWithoutCounts()
    {
        QFETCH(qint64, estimated);
        QFETCH(qint64, reported);
        TokenCalibration calibration;
        QVERIFY(calibration.record(kClaude, estimated, reported));
        QCOMPARE(calibration.ratio(kClaude), (CalibrationRatio{1.0, 0}));
    }

    void rejectsAbsurdSamples_data()
    {
        QTest::addColumn<qint64>("estimated");
        QTest::addColumn<qint64>("reported");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("ratio 0.2") << qint64(100) << qint64(20) << true;
        QTest::newRow("ratio 5") << qint64(100) << qint64(500) << true;
        QTest::newRow("ratio 0.19") << qint64(100) << qint64(19) << false;
        QTest::newRow("ratio 5.01") << qint64(100) << qint64(501) << false;
        QTest::newRow("another request's usage") << qint64(12) << qint64(48'000) << false;
        QTest::newRow("count past any context window")
            << kMaxTokensPerRequest + 1 << kMaxTokensPerRequest + 1 << false;
    }

    void rejectsAbsurdSamples()
    {
        QFETCH(qint64, estimated);
        QFETCH(qint64, reported);
        QFETCH(bool, accepted);
        TokenCalibration calibration;
        QVERIFY(calibration.record(kClaude, 1000, 1000));
        const auto recorded = calibration.record(kClaude, estimated, reported);
        QCOMPARE(recorded.has_value(), accepted);
        QCOMPARE(calibration.ratio(kClaude).samples, accepted ? 2 : 1);
        if (!accepted) {
            QCOMPARE(recorded.error().code, ErrorCode::InvalidArgument);
            QCOMPARE(recorded.error().where, kClaude);
            QVERIFY2(recorded.error().message.contains(QString::number(reported)),
                     qPrintable(recorded.error().message));
            QCOMPARE(calibration.ratio(kClaude).ratio, 1.0);
        }
    }

    void calibrateScalesAndRounds_data()
    {
        QTest::addColumn<qint64>("estimate");
        QTest::addColumn<qint64>("calibrated");
        QTest::newRow("rounds half away from zero") << qint64(15) << qint64(17); // 16.5
        QTest::newRow("rounds down") << qint64(1001) << qint64(1101);            // 1101.1
        QTest::newRow("zero") << qint64(0) << qint64(0);
        QTest::newRow("negative") << qint64(-40) << qint64(0);
        QTest::newRow("saturates") << std::numeric_limits<qint64>::max()
                                   << std::numeric_limits<qint64>::max();
    }

    void calibrateScalesAndRounds()
    {
        QFETCH(qint64, estimate);
        QFETCH(qint64, calibrated);
        TokenCalibration calibration;
        QVERIFY(calibration.record(kClaude, 1000, 1100));
        QCOMPARE(calibration.calibrate(kClaude, estimate), calibrated);
    }

    void savesAndLoadsWhatItLearned()
    {
        TokenCalibration calibration;
        for (qint64 sample = 1; sample <= 25; ++sample)
            QVERIFY(calibration.record(kClaude, 1000 + 37 * sample, 1130 + 41 * sample));
        QVERIFY(calibration.record(QStringLiteral("gemini-2.5-pro"), 300, 290));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lathe/token-calibration.json"));
        const auto saved = calibration.save(path); // the folder does not exist yet
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));
        auto loaded = TokenCalibration::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));

        for (const QString &model : {kClaude, QStringLiteral("gemini-2.5-pro")})
            QCOMPARE(loaded->ratio(model), calibration.ratio(model));
        // The running means come back exactly, so learning goes on where it stopped.
        QVERIFY(calibration.record(kClaude, 5000, 6000));
        QVERIFY(loaded->record(kClaude, 5000, 6000));
        QCOMPARE(loaded->ratio(kClaude), calibration.ratio(kClaude));

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("\"version\": 1"));
    }

    void saveReplacesTheFileAndReportsFailure()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("token-calibration.json"));
        QVERIFY(writeFile(path, "stale"));
        TokenCalibration calibration;
        QVERIFY(calibration.record(kClaude, 100, 110));
        QVERIFY(calibration.save(path));
        QVERIFY(TokenCalibration::load(path));

        // A file where the folder should be: the folder cannot be made.
        const QString blocked = dir.filePath(QStringLiteral("token-calibration.json/inner.json"));
        const auto failed = calibration.save(blocked);
        QVERIFY(!failed);
        QCOMPARE(failed.error().code, ErrorCode::Io);
        QCOMPARE(failed.error().where, blocked);
    }

    void aMissingFileIsAnEmptyCalibration()
    {
        QTemporaryDir dir;
        auto loaded = TokenCalibration::load(dir.filePath(QStringLiteral("none.json")));
        QVERIFY(loaded);
        QCOMPARE(loaded->ratio(kClaude), (CalibrationRatio{1.0, 0}));
    }

    void aCorruptFileNamesTheByteOrField_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("location");
        const QByteArray entry = "{\"estimated\":1000,\"reported\":1100,\"samples\":4}";
        QTest::newRow("not JSON") << QByteArray("{\"version\":1,x}") << QStringLiteral("byte 14");
        QTest::newRow("cut short") << QByteArray("{\"version\":1,\"models\":{") << QStringLiteral("byte 24");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("byte 1");
        QTest::newRow("not an object") << QByteArray("[]") << QStringLiteral("byte 1");
        QTest::newRow("no version") << QByteArray("{\"models\":{}}") << QStringLiteral("version");
        QTest::newRow("newer version")
            << QByteArray("{\"version\":2,\"models\":{}}") << QStringLiteral("version");
        QTest::newRow("no models") << QByteArray("{\"version\":1}") << QStringLiteral("models");
        QTest::newRow("negative estimate")
            << QByteArray("{\"version\":1,\"models\":{\"claude\":{\"estimated\":-1,\"reported\":1100,"
                          "\"samples\":4}}}")
            << QStringLiteral("models.claude.estimated");
        QTest::newRow("reported is text")
            << QByteArray("{\"version\":1,\"models\":{\"claude\":{\"estimated\":1000,\"reported\":\"1100\","
                          "\"samples\":4}}}")
            << QStringLiteral("models.claude.reported");
        QTest::newRow("no samples") << QByteArray("{\"version\":1,\"models\":{\"claude\":{\"estimated\":1000,"
                                                  "\"reported\":1100,\"samples\":0}}}")
                                    << QStringLiteral("models.claude.samples");
        QTest::newRow("absurd ratio")
            << QByteArray("{\"version\":1,\"models\":{\"ok\":" + entry +
                          ",\"claude\":{\"estimated\":100,\"reported\":1100,\"samples\":4}}}")
            << QStringLiteral("models.claude");
    }

    void aCorruptFileNamesTheByteOrField()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, location);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("token-calibration.json"));
        QVERIFY(writeFile(path, content));
        const auto loaded = TokenCalibration::load(path);
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::Protocol);
        QCOMPARE(loaded.error().where, path + QStringLiteral(": ") + location);
    }

    void anUnreadableFileIsAnError()
    {
        QTemporaryDir dir;
        const auto loaded = TokenCalibration::load(dir.path());
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::Io);
    }
};

QTEST_GUILESS_MAIN(TestTokenCalibration)
#include "tst_tokencalibration.moc"
