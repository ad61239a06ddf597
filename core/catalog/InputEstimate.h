// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include "catalog/ModelCatalog.h"
#include "tokens/BpeEncoding.h"

namespace Lathe::Catalog
{

/** Which encoding counts a model's tokens, and whether that count is the model's own. */
struct CountingPlan
{
    Tokens::Encoding encoding = Tokens::Encoding::O200kBase;
    /// The model's tokenizer is not public (Claude, Gemini, Llama, …): o200k_base stands in,
    /// scaled by the model's calibration, and the UI marks the figure with ≈.
    bool approximate = true;
};

/** OpenAI models count with their own encoding; every other model approximately with o200k_base. */
CountingPlan countingPlanFor(QStringView model);

/** A prompt's input tokens and cost for one model, before it is sent. */
struct InputEstimate
{
    qint64 tokens = 0;
    bool approximate = false;
    std::optional<ModelInfo> model; ///< nullopt: the catalog does not know the model
    std::optional<double> costUsd;  ///< nullopt: "no price"
    qint64 contextWindow = -1;      ///< -1: unknown
    qint64 maxOutputTokens = -1;    ///< what the request reserves for the answer; -1 unknown

    /** Prompt plus reserved output, as a share of the context window; nullopt when unknown. */
    std::optional<double> contextShare() const;
    /** Whether the prompt plus the reserved output would not fit the context window. */
    bool exceedsContext() const;
};

/**
 * The estimate for `modelName` from `countedTokens`, counted with `plan.encoding`. An approximate
 * count is multiplied by `calibrationRatio` (reported over estimated tokens of past runs).
 * `requestMaxOutputTokens` (-1: none set) falls back to the model's own maximum.
 */
InputEstimate estimateInput(QStringView modelName, qint64 countedTokens, const CountingPlan &plan,
                            const ModelCatalog &catalog, QStringView providerHint,
                            double calibrationRatio = 1.0, qint64 requestMaxOutputTokens = -1);

} // namespace Lathe::Catalog
