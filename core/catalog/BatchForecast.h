// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "base/Result.h"
#include "catalog/ModelCatalog.h"
#include "catalog/OutputLengthHistory.h"
#include "catalog/TokenLimits.h"

namespace Lathe::Catalog
{

/// At most this many requests in one batch; with kMaxTokensPerRequest it bounds every token
/// sum at 10^16, well inside qint64 and close to exact in a double.
inline constexpr qint64 kMaxBatchRequests = 100'000'000;

/// An approximate input count (a tokenizer standing in for the model's own, scaled by its
/// calibration) is taken to be within this many percent of the truth: the low and high figures
/// use the count minus and plus it. Calibrated counts of prose and code land within ±10% of
/// what providers report; uncalibrated ones can be further off, which the ≈ in the UI says.
inline constexpr qint64 kApproximateInputMarginPercent = 10;

/// The normal quantile of the band's edges: low and high are the 10th and 90th percentiles
/// of a batch's output total.
inline constexpr double kBandQuantileZ = 1.2815515655446004;

/** One model's share of a batch: every case, `repeats` times. */
struct ForecastCell
{
    QString model;
    /// OutputLengthHistory::promptKey of the request as this model's protocol sends it (the
    /// fingerprint differs between protocols); empty: learn from the model's runs only.
    QString promptKey;
    std::optional<ModelInfo> info;    ///< prices and limits; nullopt: the catalog does not know it
    QList<qint64> inputTokensPerCase; ///< one count per case, for this model's tokenizer
    bool inputApproximate = false;    ///< the counts are estimates (≈), not the model's tokenizer
    /// The request's max_tokens; nullopt: the model's maxOutputTokens, if the catalog knows it.
    std::optional<qint64> maxOutputTokens;
    qint64 repeats = 1;

    /** Every one of `cases` cases with the same input count. */
    void setSameInputForEveryCase(qint64 tokens, qsizetype cases);
};

/** A low / expected / high figure; nullopt where it cannot be known. */
template <typename T> struct Band
{
    std::optional<T> low;
    std::optional<T> expected;
    std::optional<T> high;

    bool operator==(const Band &) const = default;
};
using TokenBand = Band<qint64>;
using CostBand = Band<double>; ///< USD

/** The figures of a batch or of one model's part of it. */
struct ForecastFigures
{
    qint64 requests = 0;
    TokenBand inputTokens; ///< all three known; they differ only for approximate counts
    TokenBand outputTokens;
    CostBand cost; ///< nullopt where a price or the output length is unknown: "no price", never 0
};

/** Where a model's output lengths came from. */
struct OutputBasis
{
    OutputLengthSamples::Scope scope = OutputLengthSamples::Scope::None;
    qsizetype samples = 0;
    std::optional<qint64> maxOutputTokens; ///< the limit applied, from the request or the catalog

    /** "12 past runs of this prompt", "40 past runs of this model", "no history: …". */
    QString describe() const;
};

struct ModelForecast
{
    QString model;
    ForecastFigures figures;
    OutputBasis basis;
    bool hasPrice = false; ///< the catalog prices every request of the model's cell
    bool inputApproximate = false;
};

/**
 * The cost of a batch before it starts: N cases × M models × R repeats.
 *
 * Per model, a request's output length is drawn from its history (OutputLengthHistory: this
 * prompt's runs, else the model's). The model's total over its K = N × R requests is modelled
 * as a sum of K independent draws: expected = K × mean; low and high = K × mean ∓ z·s·√K
 * (normal approximation, z for the 10th and 90th percentiles, s the samples' standard
 * deviation), kept within K × the smallest and largest length seen and below K × max_tokens.
 * K × the 90th percentile would overstate the high bound of a sum, whose spread grows with √K,
 * not K. Draws are not quite independent (repeats of a case tend to run alike), so the band is
 * a guide, not a guarantee.
 *
 * Without history the expected output is unknown, low is 0 output tokens (the input's cost
 * alone) and high is max_tokens for every request, or unknown without a limit.
 *
 * Costs are per request at ModelInfo::pricesFor(that request's input), so a case above a long-
 * context threshold is billed at its tier; each request's output is an equal share of its
 * model's band. No prompt-cache discount is assumed, and reasoning tokens are billed as output.
 * The total of a figure is unknown when any model's is.
 */
struct BatchForecast
{
    QList<ModelForecast> models; ///< in the order of the cells
    ForecastFigures total;
};

/**
 * The forecast of running `cells`, learning output lengths from `history`.
 * A cell without a model or cases, a negative or absurd count (above kMaxTokensPerRequest, or
 * more than kMaxBatchRequests requests), repeats below 1, a max_tokens below 1 or a price that
 * is not a number from $0 to $1 per token is an InvalidArgument error naming the model.
 */
Result<BatchForecast> forecastBatch(const QList<ForecastCell> &cells, const OutputLengthHistory &history);

} // namespace Lathe::Catalog
