// SPDX-License-Identifier: GPL-3.0-or-later
// The cost of a finished request from the usage its provider reported.
#include <QtTest>

#include "catalog/UsageCost.h"

Q_DECLARE_METATYPE(Lathe::Providers::TokenUsage)

using namespace Lathe;
using namespace Lathe::Catalog;

namespace
{

Providers::TokenUsage usage(qint64 input, qint64 output, qint64 cached = -1, qint64 cacheWrite = -1,
                            qint64 reasoning = -1)
{
    Providers::TokenUsage result;
    result.inputTokens = input;
    result.outputTokens = output;
    result.cachedInputTokens = cached;
    result.cacheWriteInputTokens = cacheWrite;
    result.reasoningTokens = reasoning;
    return result;
}

ModelInfo model(std::optional<double> input, std::optional<double> output)
{
    ModelInfo info;
    info.name = QStringLiteral("m");
    info.prices.input = input;
    info.prices.output = output;
    return info;
}

} // namespace

class TestUsageCost : public QObject
{
    Q_OBJECT

private slots:
    void billsEachKindOfToken_data()
    {
        QTest::addColumn<double>("cacheReadPrice");  // < 0: not priced
        QTest::addColumn<double>("cacheWritePrice"); // < 0: not priced
        QTest::addColumn<double>("reasoningPrice");  // < 0: not priced
        QTest::addColumn<Providers::TokenUsage>("reported");
        QTest::addColumn<double>("expected");

        // input $2/M, output $8/M throughout
        QTest::newRow("plain") << -1.0 << -1.0 << -1.0 << usage(1000, 500) << 1000 * 2e-6 + 500 * 8e-6;
        QTest::newRow("cached input at the cache price")
            << 0.5e-6 << -1.0 << -1.0 << usage(1000, 500, 800) << 200 * 2e-6 + 800 * 0.5e-6 + 500 * 8e-6;
        QTest::newRow("cached input without a cache price is input")
            << -1.0 << -1.0 << -1.0 << usage(1000, 500, 800) << 1000 * 2e-6 + 500 * 8e-6;
        QTest::newRow("cache writes (Anthropic)") << 0.2e-6 << 2.5e-6 << -1.0 << usage(3000, 10, 1000, 1500)
                                                  << 500 * 2e-6 + 1000 * 0.2e-6 + 1500 * 2.5e-6 + 10 * 8e-6;
        QTest::newRow("reasoning is output unless priced apart")
            << -1.0 << -1.0 << -1.0 << usage(100, 1000, -1, -1, 900) << 100 * 2e-6 + 1000 * 8e-6;
        QTest::newRow("reasoning priced apart")
            << -1.0 << -1.0 << 3e-6 << usage(100, 1000, -1, -1, 900) << 100 * 2e-6 + 100 * 8e-6 + 900 * 3e-6;
        QTest::newRow("a cached count above the input is clamped")
            << 0.5e-6 << -1.0 << -1.0 << usage(100, 0, 5000) << 100 * 0.5e-6;
        QTest::newRow("output not reported") << -1.0 << -1.0 << -1.0 << usage(100, -1) << 100 * 2e-6;
    }

    void billsEachKindOfToken()
    {
        QFETCH(double, cacheReadPrice);
        QFETCH(double, cacheWritePrice);
        QFETCH(double, reasoningPrice);
        QFETCH(Providers::TokenUsage, reported);
        QFETCH(double, expected);
        ModelInfo info = model(2e-6, 8e-6);
        const auto price = [](double value) {
            return value < 0 ? std::optional<double>() : value;
        };
        info.prices.cacheRead = price(cacheReadPrice);
        info.prices.cacheWrite = price(cacheWritePrice);
        info.prices.reasoning = price(reasoningPrice);
        const auto cost = costOfUsage(info, reported);
        QVERIFY(cost);
        QVERIFY2(
            qAbs(cost->total() - expected) < 1e-12,
            qPrintable(QStringLiteral("%1 != %2").arg(cost->total(), 0, 'g', 12).arg(expected, 0, 'g', 12)));
    }

    void longContextRequestsAreBilledAtTheTierPrice()
    {
        ModelInfo info = model(3e-6, 15e-6);
        info.longContextThreshold = 200000;
        info.longContextPrices.input = 6e-6;
        info.longContextPrices.output = 22.5e-6;
        QCOMPARE(costOfUsage(info, usage(200000, 100))->total(), 200000 * 3e-6 + 100 * 15e-6);
        QCOMPARE(costOfUsage(info, usage(200001, 100))->total(), 200001 * 6e-6 + 100 * 22.5e-6);
        QCOMPARE(*inputCost(info, 250000), 250000 * 6e-6);
    }

    void noPriceIsNotZero()
    {
        QVERIFY(!costOfUsage(model(std::nullopt, 8e-6), usage(10, 10)));
        QVERIFY(!costOfUsage(model(2e-6, std::nullopt), usage(10, 10)));
        QVERIFY(!inputCost(model(std::nullopt, 8e-6), 10));
        QVERIFY(!costOfUsage(model(2e-6, 8e-6), Providers::TokenUsage())); // nothing reported
        QCOMPARE(costOfUsage(model(0.0, 0.0), usage(10, 10))->total(), 0.0);
    }

    void formatsLikePeopleRead_data()
    {
        QTest::addColumn<double>("usd");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << "$0";
        QTest::newRow("below a millionth") << 0.0000003 << "<$0.000001";
        QTest::newRow("a short prompt") << 0.0000926 << "$0.000093";
        QTest::newRow("two significant digits") << 0.00003 << "$0.000030";
        QTest::newRow("below a cent") << 0.00042 << "$0.00042";
        QTest::newRow("a tenth of a cent") << 0.001 << "$0.0010";
        QTest::newRow("cents") << 0.0131 << "$0.013";
        QTest::newRow("dollars") << 12.4 << "$12.40";
    }

    void formatsLikePeopleRead()
    {
        QFETCH(double, usd);
        QFETCH(QString, text);
        QCOMPARE(formatUsd(usd), text);
    }
};

QTEST_GUILESS_MAIN(TestUsageCost)
#include "tst_usagecost.moc"
