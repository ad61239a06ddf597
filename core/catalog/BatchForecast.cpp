// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/BatchForecast.h"

#include <algorithm>
#include <cmath>

namespace Lathe::Catalog
{

namespace
{

// The dearest models bill well under $0.001 per token; a price of $1 or more per token is a
// typo, and capping it keeps every cost finite.
constexpr double kMaxPricePerToken = 1.0;

// A model's output total over `requests` requests, in tokens; doubles, exact up to 2^53.
struct OutputTotal
{
    double low = 0;
    std::optional<double> expected;
    std::optional<double> high;
};

OutputTotal outputTotal(const OutputLengthSamples &samples, qint64 requests, std::optional<qint64> maxOutput)
{
    const double count = double(requests);
    const std::optional<double> cap =
        maxOutput ? std::optional<double>(count * double(*maxOutput)) : std::nullopt;
    if (samples.tokens.isEmpty())
        return {0, std::nullopt, cap};

    const double n = double(samples.tokens.size());
    double sum = 0;
    for (const qint64 tokens : samples.tokens)
        sum += double(tokens);
    const double mean = sum / n;
    double squares = 0;
    for (const qint64 tokens : samples.tokens)
        squares += (double(tokens) - mean) * (double(tokens) - mean);
    // Lookups hold at least kMinSamples (3) samples, so n - 1 is never 0.
    const double spread = kBandQuantileZ * std::sqrt(squares / (n - 1)) * std::sqrt(count);

    OutputTotal total;
    total.low = std::max(count * double(samples.tokens.front()), count * mean - spread);
    total.expected = count * mean;
    total.high = std::min(count * double(samples.tokens.back()), count * mean + spread);
    if (cap) {
        total.low = std::min(total.low, *cap);
        total.expected = std::min(*total.expected, *cap);
        total.high = std::min(*total.high, *cap);
    }
    return total;
}

bool usablePrice(const std::optional<double> &price)
{
    return !price || (std::isfinite(*price) && *price >= 0 && *price < kMaxPricePerToken);
}

Result<void> validate(const ForecastCell &cell)
{
    const auto invalid = [&cell](const QString &why) {
        return fail(ErrorCode::InvalidArgument, why, cell.model);
    };
    if (cell.model.isEmpty())
        return invalid(QStringLiteral("a forecast cell names no model"));
    if (cell.inputTokensPerCase.isEmpty())
        return invalid(QStringLiteral("the batch has no cases"));
    if (cell.repeats < 1 || cell.repeats > kMaxBatchRequests)
        return invalid(QStringLiteral("%1 repeats is out of range").arg(cell.repeats));
    for (const qint64 tokens : cell.inputTokensPerCase)
        if (tokens < 0 || tokens > kMaxTokensPerRequest)
            return invalid(QStringLiteral("an input of %1 tokens is out of range").arg(tokens));
    if (cell.maxOutputTokens && (*cell.maxOutputTokens < 1 || *cell.maxOutputTokens > kMaxTokensPerRequest))
        return invalid(QStringLiteral("a max_tokens of %1 is out of range").arg(*cell.maxOutputTokens));
    if (cell.info) {
        for (const TokenPrices *prices : {&cell.info->prices, &cell.info->longContextPrices})
            if (!usablePrice(prices->input) || !usablePrice(prices->output))
                return invalid(QStringLiteral("a price is not a number from $0 to $1 per token"));
    }
    return {};
}

std::optional<qint64> outputLimit(const ForecastCell &cell)
{
    if (cell.maxOutputTokens)
        return cell.maxOutputTokens;
    if (cell.info && cell.info->maxOutputTokens > 0)
        return std::min(cell.info->maxOutputTokens, kMaxTokensPerRequest);
    return std::nullopt;
}

std::optional<qint64> floorTokens(std::optional<double> tokens)
{
    return tokens ? std::optional<qint64>(qint64(std::floor(*tokens))) : std::nullopt;
}

std::optional<qint64> roundTokens(std::optional<double> tokens)
{
    return tokens ? std::optional<qint64>(std::llround(*tokens)) : std::nullopt;
}

std::optional<qint64> ceilTokens(std::optional<double> tokens)
{
    return tokens ? std::optional<qint64>(qint64(std::ceil(*tokens))) : std::nullopt;
}

// The cost of `repeats` requests of `input` tokens with `output` tokens each; nullopt when
// either is unknown: a model or tier without a price, or an unknown output.
std::optional<double> requestsCost(const ModelInfo &info, qint64 repeats, qint64 input,
                                   std::optional<double> output)
{
    const TokenPrices &prices = info.pricesFor(input);
    if (!prices.input || !prices.output || !output)
        return std::nullopt;
    return double(repeats) * (double(input) * *prices.input + *output * *prices.output);
}

// Adds `part` to `total` figure by figure; an unknown part makes the total unknown.
template <typename T> void addTo(Band<T> &total, const Band<T> &part)
{
    for (auto member : {&Band<T>::low, &Band<T>::expected, &Band<T>::high}) {
        std::optional<T> &sum = total.*member;
        const std::optional<T> &add = part.*member;
        sum = sum && add ? std::optional<T>(*sum + *add) : std::nullopt;
    }
}

ModelForecast forecastCell(const ForecastCell &cell, const OutputLengthHistory &history)
{
    ModelForecast forecast;
    forecast.model = cell.model;
    forecast.inputApproximate = cell.inputApproximate;
    forecast.hasPrice = cell.info.has_value();

    const qint64 requests = qint64(cell.inputTokensPerCase.size()) * cell.repeats;
    const OutputLengthSamples samples = history.lookup(cell.promptKey, cell.model);
    forecast.basis = {samples.scope, samples.tokens.size(), outputLimit(cell)};
    const OutputTotal output = outputTotal(samples, requests, forecast.basis.maxOutputTokens);

    ForecastFigures &figures = forecast.figures;
    figures.requests = requests;
    figures.outputTokens = {floorTokens(output.low), roundTokens(output.expected), ceilTokens(output.high)};
    figures.inputTokens = {0, 0, 0};
    figures.cost = {0.0, 0.0, 0.0};

    // Every request's output is an equal share of the total.
    const auto share = [requests](std::optional<double> total) {
        return total ? std::optional<double>(*total / double(requests)) : std::nullopt;
    };
    // A long-context tier without a price leaves the model unpriced, like no price at all.
    const auto priced = [&cell](qint64 tokens) {
        const TokenPrices &prices = cell.info->pricesFor(tokens);
        return prices.input && prices.output;
    };
    const qint64 margin = cell.inputApproximate ? kApproximateInputMarginPercent : 0;
    for (const qint64 input : cell.inputTokensPerCase) {
        // Integer arithmetic: 1000 × 1.1 in doubles would round up to 1101.
        const qint64 low = input * (100 - margin) / 100;
        const qint64 high = (input * (100 + margin) + 99) / 100;
        addTo(figures.inputTokens, TokenBand{cell.repeats * low, cell.repeats * input, cell.repeats * high});
        if (!cell.info)
            continue;
        const CostBand cost{requestsCost(*cell.info, cell.repeats, low, share(output.low)),
                            requestsCost(*cell.info, cell.repeats, input, share(output.expected)),
                            requestsCost(*cell.info, cell.repeats, high, share(output.high))};
        forecast.hasPrice = forecast.hasPrice && priced(low) && priced(input) && priced(high);
        addTo(figures.cost, cost);
    }
    if (!forecast.hasPrice)
        figures.cost = {};
    return forecast;
}

} // namespace

void ForecastCell::setSameInputForEveryCase(qint64 tokens, qsizetype cases)
{
    inputTokensPerCase = QList<qint64>(std::max<qsizetype>(cases, 0), tokens);
}

QString OutputBasis::describe() const
{
    switch (scope) {
    case OutputLengthSamples::Scope::ThisPrompt:
        return QStringLiteral("%1 past runs of this prompt").arg(samples);
    case OutputLengthSamples::Scope::ThisModel:
        return QStringLiteral("%1 past runs of this model").arg(samples);
    case OutputLengthSamples::Scope::None:
        break;
    }
    return maxOutputTokens ? QStringLiteral("no history: max_tokens as the high bound")
                           : QStringLiteral("no history and no max_tokens: no high bound");
}

Result<BatchForecast> forecastBatch(const QList<ForecastCell> &cells, const OutputLengthHistory &history)
{
    BatchForecast forecast;
    forecast.total.inputTokens = {0, 0, 0};
    forecast.total.outputTokens = {0, 0, 0};
    forecast.total.cost = {0.0, 0.0, 0.0};
    for (const ForecastCell &cell : cells) {
        if (auto valid = validate(cell); !valid)
            return tl::unexpected(valid.error());
        // Checked one factor at a time, so that no product can overflow before it is compared.
        const qint64 cases = cell.inputTokensPerCase.size();
        if (cases > kMaxBatchRequests || cases * cell.repeats > kMaxBatchRequests - forecast.total.requests)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the batch has more than %1 requests").arg(kMaxBatchRequests),
                        cell.model);

        ModelForecast model = forecastCell(cell, history);
        forecast.total.requests += model.figures.requests;
        addTo(forecast.total.inputTokens, model.figures.inputTokens);
        addTo(forecast.total.outputTokens, model.figures.outputTokens);
        addTo(forecast.total.cost, model.figures.cost);
        forecast.models.append(std::move(model));
    }
    return forecast;
}

} // namespace Lathe::Catalog
