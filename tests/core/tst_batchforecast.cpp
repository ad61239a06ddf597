// SPDX-License-Identifier: GPL-3.0-or-later
#include <cmath>
#include <limits>

#include <QTemporaryDir>
#include <QTest>

#include "catalog/BatchForecast.h"
#include "ledger/RequestLedger.h"
#include "providers/ProviderProtocol.h"

using namespace Lathe;
using namespace Lathe::Catalog;
using namespace Lathe::Providers;

namespace Lathe::Catalog
{

template <typename T> QString describe(const Band<T> &band)
{
    const auto figure = [](const std::optional<T> &value) {
        return value ? QString::number(*value, 'g', 17) : QStringLiteral("?");
    };
    return figure(band.low) + QStringLiteral(" / ") + figure(band.expected) + QStringLiteral(" / ") +
           figure(band.high);
}

// QTest finds these by argument-dependent lookup to print the figures of a failed QCOMPARE.
static char *toString(const TokenBand &band)
{
    return qstrdup(qPrintable(describe(band)));
}

static char *toString(const CostBand &band)
{
    return qstrdup(qPrintable(describe(band)));
}

} // namespace Lathe::Catalog

namespace
{

// The batch's prompt, and another one the same models have run.
const QString kSummarise = QStringLiteral("Summarise the ticket in one paragraph.");
const QString kTranslate = QStringLiteral("Translate the release notes into German.");

ChatRequest promptRequest(const QString &model, const QString &task)
{
    ChatRequest request;
    request.model = model;
    request.messages = {{QStringLiteral("system"), QStringLiteral("You are a support engineer.")},
                        {QStringLiteral("user"), task}};
    request.maxOutputTokens = 1024;
    return request;
}

QString promptKey(WireProtocol protocol, const QString &task)
{
    return OutputLengthHistory::promptKey(protocol, promptRequest(QStringLiteral("any"), task));
}

// One attempt as ChatRun records it, so the ledger line has RequestLedger's exact format.
AttemptRecord attempt(WireProtocol protocol, const QString &model, const QString &task, qint64 outputTokens)
{
    ProviderEndpoint endpoint;
    endpoint.protocol = protocol;
    endpoint.baseUrl = defaultBaseUrl(protocol);
    AttemptRecord record;
    record.runId = QStringLiteral("run-") + model;
    record.target = endpoint.baseUrl.host() + QLatin1Char('/') + model;
    record.protocol = protocol;
    record.sentAt = QDateTime(QDate(2026, 11, 27), QTime(12, 0, 0), Qt::UTC);
    record.request = protocolFor(protocol).buildRequest(endpoint, promptRequest(model, task));
    record.outcome.completed = true;
    record.outcome.httpStatus = 200;
    record.outcome.finishReason = QStringLiteral("stop");
    record.outcome.usage.inputTokens = 40;
    record.outcome.usage.outputTokens = outputTokens;
    return record;
}

ModelInfo pricedModel(const QString &name, double inputPerMillion, double outputPerMillion)
{
    ModelInfo info;
    info.name = name;
    info.prices.input = inputPerMillion / 1e6;
    info.prices.output = outputPerMillion / 1e6;
    return info;
}

// $1 / $4 per million tokens, doubled above 200k input tokens.
ModelInfo longContextModel()
{
    ModelInfo info = pricedModel(QStringLiteral("model-e"), 1, 4);
    info.longContextThreshold = 200'000;
    info.longContextPrices.input = 2 / 1e6;
    info.longContextPrices.output = 8 / 1e6;
    return info;
}

ForecastCell cell(const QString &model, std::optional<ModelInfo> info, QList<qint64> inputs,
                  qint64 repeats = 1)
{
    ForecastCell result;
    result.model = model;
    result.info = std::move(info);
    result.inputTokensPerCase = std::move(inputs);
    result.repeats = repeats;
    return result;
}

bool sameCost(const std::optional<double> &actual, const std::optional<double> &expected)
{
    if (!actual || !expected)
        return actual.has_value() == expected.has_value();
    return std::abs(*actual - *expected) <= 1e-12 * std::max(1.0, std::abs(*expected));
}

bool sameCosts(const CostBand &actual, const CostBand &expected)
{
    return sameCost(actual.low, expected.low) && sameCost(actual.expected, expected.expected) &&
           sameCost(actual.high, expected.high);
}

ModelForecast forecastOne(const ForecastCell &batchCell, const OutputLengthHistory &history)
{
    auto forecast = forecastBatch({batchCell}, history);
    if (!forecast || forecast->models.size() != 1) {
        qWarning() << "forecast failed:" << (forecast ? QString() : forecast.error().toString());
        return {};
    }
    return forecast->models.first();
}

} // namespace

Q_DECLARE_METATYPE(Lathe::Catalog::TokenBand)
Q_DECLARE_METATYPE(Lathe::Catalog::CostBand)
Q_DECLARE_METATYPE(Lathe::Catalog::ForecastCell)
Q_DECLARE_METATYPE(std::optional<qint64>)

class TestBatchForecast : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Ledger::RequestLedger ledger(m_dir.filePath(QStringLiteral("ledger.jsonl")));
        const auto append = [&ledger](const AttemptRecord &record) {
            return ledger.append(record, {}).has_value();
        };
        // model-a (OpenAI Chat): three runs of the batch's prompt, four longer ones of another.
        for (const qint64 tokens : {100, 200, 300})
            QVERIFY(append(attempt(WireProtocol::OpenAiChat, QStringLiteral("model-a"), kSummarise, tokens)));
        for (int run = 0; run < 4; ++run)
            QVERIFY(append(attempt(WireProtocol::OpenAiChat, QStringLiteral("model-a"), kTranslate, 1000)));
        // Attempts that teach nothing about output length: a failure (with a count, to prove it
        // is left out) and an answer whose usage the provider did not report.
        AttemptRecord failed = attempt(WireProtocol::OpenAiChat, QStringLiteral("model-a"), kSummarise, 5);
        failed.outcome.completed = false;
        failed.outcome.error = Lathe::Error(ErrorCode::Truncated, QStringLiteral("stream ended early"));
        QVERIFY(append(failed));
        AttemptRecord unreported =
            attempt(WireProtocol::OpenAiChat, QStringLiteral("model-a"), kSummarise, -1);
        QVERIFY(append(unreported));
        // model-b (Anthropic): two runs of the batch's prompt, too few alone; three of another.
        for (const qint64 tokens : {500, 500})
            QVERIFY(append(attempt(WireProtocol::Anthropic, QStringLiteral("model-b"), kSummarise, tokens)));
        for (const qint64 tokens : {300, 500, 700})
            QVERIFY(append(attempt(WireProtocol::Anthropic, QStringLiteral("model-b"), kTranslate, tokens)));
        // model-d (Gemini, not in the catalog): three runs of the batch's prompt.
        for (const qint64 tokens : {100, 200, 300})
            QVERIFY(append(attempt(WireProtocol::Gemini, QStringLiteral("model-d"), kSummarise, tokens)));

        auto history = OutputLengthHistory::fromLedger(ledger.path());
        QVERIFY2(history, qPrintable(history ? QString() : history.error().toString()));
        QCOMPARE(history->warnings(), QStringList());
        QCOMPARE(history->size(), 3 + 4 + 5 + 3);
        m_history = *history;
    }

    void learnsFromThePromptsOwnRuns()
    {
        // Two cases (1000 and 3000 input tokens) × 2 repeats: K = 4 requests.
        ForecastCell batchCell =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000, 3000}, 2);
        batchCell.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.basis.describe(), QStringLiteral("3 past runs of this prompt"));
        QCOMPARE(forecast.figures.requests, 4);
        QCOMPARE(forecast.figures.inputTokens, (TokenBand{8000, 8000, 8000}));
        // Runs 100, 200, 300: mean 200, s = 100. Total of 4: 800 ∓ 1.2816 × 100 × √4 = 543.69 and
        // 1056.31, inside 4 × [100, 300]. Not 4 × 300 = 1200: a sum spreads by √K, not K.
        QCOMPARE(forecast.figures.outputTokens, (TokenBand{543, 800, 1057}));
        // Input $0.008; output 543.69, 800 and 1056.31 tokens at $4 per million.
        QVERIFY2(sameCosts(forecast.figures.cost, {0.010174758747564319, 0.0112, 0.012225241252435681}),
                 qPrintable(describe(forecast.figures.cost)));
        QVERIFY(forecast.hasPrice);
        QVERIFY(!forecast.inputApproximate);
    }

    void fallsBackToTheModelsRunsAcrossPrompts()
    {
        ForecastCell batchCell =
            cell(QStringLiteral("model-b"), pricedModel(QStringLiteral("model-b"), 3, 15), {2000});
        batchCell.promptKey = promptKey(WireProtocol::Anthropic, kSummarise);
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        // Two runs of this prompt are too few; the model's five are 300, 500, 500, 500, 700:
        // mean 500, s = √20000 = 141.42; 500 ∓ 1.2816 × 141.42 = 318.76 and 681.24.
        QCOMPARE(forecast.basis.describe(), QStringLiteral("5 past runs of this model"));
        QCOMPARE(forecast.figures.outputTokens, (TokenBand{318, 500, 682}));
        // Input 2000 × $3 per million = $0.006, plus the output at $15 per million.
        QVERIFY2(sameCosts(forecast.figures.cost, {0.01078141859268953, 0.0135, 0.01621858140731047}),
                 qPrintable(describe(forecast.figures.cost)));
    }

    void thePromptKeyOfAnotherProtocolFindsNoPromptRuns()
    {
        // model-a's runs went through OpenAI Chat; the Anthropic fingerprint of the same prompt
        // is another key, so only the model's seven runs are left.
        ForecastCell batchCell = cell(QStringLiteral("model-a"), std::nullopt, {1000});
        batchCell.promptKey = promptKey(WireProtocol::Anthropic, kSummarise);
        QCOMPARE(forecastOne(batchCell, m_history).basis.describe(),
                 QStringLiteral("7 past runs of this model"));
    }

    void withoutHistoryBoundsTheOutputByMaxTokens_data()
    {
        QTest::addColumn<std::optional<qint64>>("requestMax");
        QTest::addColumn<qint64>("catalogMax");
        QTest::addColumn<TokenBand>("output");
        QTest::addColumn<CostBand>("cost");
        QTest::addColumn<QString>("basis");
        // Two cases of 1000 and 2000 tokens × 3 repeats: input 9000 tokens, $0.009 at $1 per million.
        QTest::newRow("request's max_tokens")
            << std::optional<qint64>(1000) << qint64(4000) << TokenBand{0, std::nullopt, 6000}
            << CostBand{0.009, std::nullopt, 0.009 + 6000 * 4e-6}
            << QStringLiteral("no history: max_tokens as the high bound");
        QTest::newRow("catalog's max output")
            << std::optional<qint64>() << qint64(800) << TokenBand{0, std::nullopt, 4800}
            << CostBand{0.009, std::nullopt, 0.009 + 4800 * 4e-6}
            << QStringLiteral("no history: max_tokens as the high bound");
        QTest::newRow("no limit at all")
            << std::optional<qint64>() << qint64(-1) << TokenBand{0, std::nullopt, std::nullopt}
            << CostBand{0.009, std::nullopt, std::nullopt}
            << QStringLiteral("no history and no max_tokens: no high bound");
    }

    void withoutHistoryBoundsTheOutputByMaxTokens()
    {
        QFETCH(std::optional<qint64>, requestMax);
        QFETCH(qint64, catalogMax);
        QFETCH(TokenBand, output);
        QFETCH(CostBand, cost);
        QFETCH(QString, basis);
        ModelInfo info = pricedModel(QStringLiteral("model-c"), 1, 4);
        info.maxOutputTokens = catalogMax;
        ForecastCell batchCell = cell(QStringLiteral("model-c"), info, {1000, 2000}, 3);
        batchCell.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        batchCell.maxOutputTokens = requestMax;
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.basis.describe(), basis);
        QCOMPARE(forecast.figures.requests, 6);
        QCOMPARE(forecast.figures.inputTokens, (TokenBand{9000, 9000, 9000}));
        QCOMPARE(forecast.figures.outputTokens, output);
        QVERIFY2(sameCosts(forecast.figures.cost, cost), qPrintable(describe(forecast.figures.cost)));
    }

    void aModelWithoutAPriceHasNoCostRatherThanZero()
    {
        ForecastCell unknown = cell(QStringLiteral("model-d"), std::nullopt, {1000});
        unknown.promptKey = promptKey(WireProtocol::Gemini, kSummarise);
        ModelInfo inputOnly = pricedModel(QStringLiteral("model-d"), 1, 4);
        inputOnly.prices.output.reset();
        ForecastCell halfPriced = unknown;
        halfPriced.info = inputOnly;

        for (const ForecastCell &batchCell : {unknown, halfPriced}) {
            const ModelForecast forecast = forecastOne(batchCell, m_history);
            // The tokens are still known, from the Gemini runs of this very prompt.
            QCOMPARE(forecast.basis.describe(), QStringLiteral("3 past runs of this prompt"));
            QCOMPARE(forecast.figures.outputTokens, (TokenBand{100, 200, 300}));
            QVERIFY(!forecast.hasPrice);
            QCOMPARE(forecast.figures.cost, CostBand());
        }
    }

    void billsEachCaseAtItsLongContextTier()
    {
        ForecastCell batchCell = cell(QStringLiteral("model-e"), longContextModel(), {100'000, 250'000});
        batchCell.maxOutputTokens = 1000;
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.figures.inputTokens, (TokenBand{350'000, 350'000, 350'000}));
        QCOMPARE(forecast.figures.outputTokens, (TokenBand{0, std::nullopt, 2000}));
        // 100k at $1 and 250k at $2 per million: $0.60; high adds 1000 output tokens at $4 and
        // at $8 per million. One price for the whole batch would be wrong either way.
        QVERIFY2(sameCosts(forecast.figures.cost, {0.6, std::nullopt, 0.612}),
                 qPrintable(describe(forecast.figures.cost)));
    }

    void anUnpricedLongContextTierLeavesTheModelUnpriced()
    {
        ModelInfo info = longContextModel();
        info.longContextPrices.output.reset();
        ForecastCell batchCell = cell(QStringLiteral("model-e"), info, {100'000, 250'000});
        batchCell.maxOutputTokens = 1000;
        const ModelForecast forecast = forecastOne(batchCell, m_history);
        QVERIFY(!forecast.hasPrice);
        QCOMPARE(forecast.figures.cost, CostBand());
    }

    void approximateInputWidensTheBand_data()
    {
        QTest::addColumn<bool>("approximate");
        QTest::addColumn<TokenBand>("input");
        QTest::addColumn<CostBand>("cost");
        // 1000 input tokens at $1 per million, output 100 / 200 / 300 tokens at $4 per million.
        QTest::newRow("exact") << false << TokenBand{1000, 1000, 1000} << CostBand{0.0014, 0.0018, 0.0022};
        // ±10%: 900 and 1100 input tokens.
        QTest::newRow("approximate") << true << TokenBand{900, 1000, 1100}
                                     << CostBand{0.0013, 0.0018, 0.0023};
    }

    void approximateInputWidensTheBand()
    {
        QFETCH(bool, approximate);
        QFETCH(TokenBand, input);
        QFETCH(CostBand, cost);
        ForecastCell batchCell =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000});
        batchCell.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        batchCell.inputApproximate = approximate;
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.inputApproximate, approximate);
        QCOMPARE(forecast.figures.inputTokens, input);
        QCOMPARE(forecast.figures.outputTokens, (TokenBand{100, 200, 300}));
        QVERIFY2(sameCosts(forecast.figures.cost, cost), qPrintable(describe(forecast.figures.cost)));
    }

    void approximateInputCanReachTheLongContextTier()
    {
        ForecastCell batchCell = cell(QStringLiteral("model-e"), longContextModel(), {190'000});
        batchCell.inputApproximate = true;
        batchCell.maxOutputTokens = 1000;
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.figures.inputTokens, (TokenBand{171'000, 190'000, 209'000}));
        // High: 209k tokens are above the 200k threshold, so input and output cost double.
        QVERIFY2(sameCosts(forecast.figures.cost, {0.171, std::nullopt, 0.418 + 0.008}),
                 qPrintable(describe(forecast.figures.cost)));
    }

    void maxTokensCapsTheLearnedLengths()
    {
        ForecastCell batchCell =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000});
        batchCell.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        batchCell.maxOutputTokens = 150;
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.basis.maxOutputTokens, std::optional<qint64>(150));
        QCOMPARE(forecast.figures.outputTokens, (TokenBand{100, 150, 150}));
    }

    void sumsTheModelsIntoTheTotal()
    {
        ForecastCell modelA =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000, 3000}, 2);
        modelA.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        ForecastCell modelB =
            cell(QStringLiteral("model-b"), pricedModel(QStringLiteral("model-b"), 3, 15), {2000});
        modelB.promptKey = promptKey(WireProtocol::Anthropic, kSummarise);
        const auto forecast = forecastBatch({modelA, modelB}, m_history);
        QVERIFY(forecast);

        QCOMPARE(forecast->models.size(), 2);
        QCOMPARE(forecast->models[0].model, QStringLiteral("model-a"));
        QCOMPARE(forecast->models[1].model, QStringLiteral("model-b"));
        QCOMPARE(forecast->total.requests, 5);
        QCOMPARE(forecast->total.inputTokens, (TokenBand{10'000, 10'000, 10'000}));
        QCOMPARE(forecast->total.outputTokens, (TokenBand{543 + 318, 800 + 500, 1057 + 682}));
        QVERIFY2(sameCosts(forecast->total.cost, {0.010174758747564319 + 0.01078141859268953, 0.0112 + 0.0135,
                                                  0.012225241252435681 + 0.01621858140731047}),
                 qPrintable(describe(forecast->total.cost)));
    }

    void theTotalIsUnknownWhereAnyModelsFigureIs()
    {
        ForecastCell priced =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000});
        priced.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        ForecastCell unpriced = cell(QStringLiteral("model-d"), std::nullopt, {1000});
        unpriced.promptKey = promptKey(WireProtocol::Gemini, kSummarise);
        ForecastCell unlearned =
            cell(QStringLiteral("model-c"), pricedModel(QStringLiteral("model-c"), 1, 4), {1000});
        unlearned.maxOutputTokens = 500;

        const auto withUnpriced = forecastBatch({priced, unpriced}, m_history);
        QVERIFY(withUnpriced);
        QCOMPARE(withUnpriced->total.outputTokens, (TokenBand{200, 400, 600}));
        QCOMPARE(withUnpriced->total.cost, CostBand());

        const auto withUnlearned = forecastBatch({priced, unlearned}, m_history);
        QVERIFY(withUnlearned);
        QCOMPARE(withUnlearned->total.outputTokens, (TokenBand{100, std::nullopt, 800}));
        QVERIFY2(
            sameCosts(withUnlearned->total.cost, {0.0014 + 0.001, std::nullopt, 0.0022 + 0.001 + 500 * 4e-6}),
            qPrintable(describe(withUnlearned->total.cost)));
    }

    void sameInputForEveryCaseFillsTheCases()
    {
        ForecastCell batchCell =
            cell(QStringLiteral("model-c"), pricedModel(QStringLiteral("model-c"), 1, 4), {});
        batchCell.setSameInputForEveryCase(500, 40);
        batchCell.maxOutputTokens = 100;
        const ModelForecast forecast = forecastOne(batchCell, m_history);
        QCOMPARE(forecast.figures.requests, 40);
        QCOMPARE(forecast.figures.inputTokens, (TokenBand{20'000, 20'000, 20'000}));
        QCOMPARE(forecast.figures.outputTokens, (TokenBand{0, std::nullopt, 4000}));
    }

    void rejectsUnusableCells_data()
    {
        QTest::addColumn<ForecastCell>("badCell");
        QTest::addColumn<QString>("message");
        const ForecastCell good =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000});
        ForecastCell row = good;

        row.model.clear();
        QTest::newRow("no model") << row << QStringLiteral("a forecast cell names no model");
        row = good;
        row.inputTokensPerCase.clear();
        QTest::newRow("no cases") << row << QStringLiteral("the batch has no cases");
        row = good;
        row.inputTokensPerCase = {1000, -1};
        QTest::newRow("negative input") << row << QStringLiteral("an input of -1 tokens is out of range");
        row.inputTokensPerCase = {kMaxTokensPerRequest + 1};
        QTest::newRow("absurd input")
            << row << QStringLiteral("an input of 100000001 tokens is out of range");
        row = good;
        row.repeats = 0;
        QTest::newRow("no repeats") << row << QStringLiteral("0 repeats is out of range");
        row.repeats = std::numeric_limits<qint64>::max();
        QTest::newRow("absurd repeats")
            << row << QStringLiteral("9223372036854775807 repeats is out of range");
        row = good;
        row.inputTokensPerCase = {1000, 1000};
        row.repeats = kMaxBatchRequests / 2 + 1;
        QTest::newRow("too many requests")
            << row << QStringLiteral("the batch has more than 100000000 requests");
        row = good;
        row.maxOutputTokens = 0;
        QTest::newRow("zero max_tokens") << row << QStringLiteral("a max_tokens of 0 is out of range");
        const QString badPrice = QStringLiteral("a price is not a number from $0 to $1 per token");
        row = good;
        row.info->prices.output = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("NaN price") << row << badPrice;
        row.info->prices.output = -4e-6;
        QTest::newRow("negative price") << row << badPrice;
        row.info->prices.output = 4e-6;
        row.info->longContextPrices.input = std::numeric_limits<double>::infinity();
        QTest::newRow("infinite long-context price") << row << badPrice;
    }

    void rejectsUnusableCells()
    {
        QFETCH(ForecastCell, badCell);
        QFETCH(QString, message);
        const ForecastCell good =
            cell(QStringLiteral("model-a"), pricedModel(QStringLiteral("model-a"), 1, 4), {1000});
        // The bad cell is second: a batch is refused whole, not forecast in part.
        const auto forecast = forecastBatch({good, badCell}, m_history);
        QVERIFY(!forecast);
        QCOMPARE(forecast.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(forecast.error().message, message);
        QCOMPARE(forecast.error().where, badCell.model);
    }

    void rejectsTooManyRequestsAcrossModels()
    {
        ForecastCell half = cell(QStringLiteral("model-c"), std::nullopt, {1000}, kMaxBatchRequests / 2);
        QVERIFY(forecastBatch({half, half}, m_history));
        half.repeats += 1;
        const auto forecast = forecastBatch({half, half}, m_history);
        QVERIFY(!forecast);
        QCOMPARE(forecast.error().code, ErrorCode::InvalidArgument);
    }

    void staysFiniteAtTheLargestBatch()
    {
        ModelInfo info = pricedModel(QStringLiteral("model-a"), 999'999, 999'999); // just under $1 a token
        ForecastCell batchCell =
            cell(QStringLiteral("model-a"), info, {kMaxTokensPerRequest}, kMaxBatchRequests);
        batchCell.promptKey = promptKey(WireProtocol::OpenAiChat, kSummarise);
        batchCell.maxOutputTokens = kMaxTokensPerRequest;
        batchCell.inputApproximate = true;
        const ModelForecast forecast = forecastOne(batchCell, m_history);

        QCOMPARE(forecast.figures.inputTokens.high, std::optional<qint64>(110'000'000LL * kMaxBatchRequests));
        QCOMPARE(forecast.figures.outputTokens.expected, std::optional<qint64>(200LL * kMaxBatchRequests));
        for (const auto &cost :
             {forecast.figures.cost.low, forecast.figures.cost.expected, forecast.figures.cost.high})
            QVERIFY(cost && std::isfinite(*cost) && *cost > 0);
    }

private:
    QTemporaryDir m_dir;
    OutputLengthHistory m_history;
};

QTEST_GUILESS_MAIN(TestBatchForecast)
#include "tst_batchforecast.moc"
