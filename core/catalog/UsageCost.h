// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include "catalog/ModelCatalog.h"
#include "providers/ChatTypes.h"

namespace Lathe::Catalog
{

/** What a request cost, USD, by the kind of token billed. */
struct UsageCost
{
    double input = 0;      ///< uncached input tokens
    double cacheRead = 0;  ///< input tokens read from the prompt cache
    double cacheWrite = 0; ///< input tokens written to the prompt cache
    double output = 0;     ///< output tokens other than separately priced reasoning
    double reasoning = 0;  ///< reasoning tokens, where the model prices them apart from output

    double total() const { return input + cacheRead + cacheWrite + output + reasoning; }
};

/**
 * The cost of `usage` (as providers report it, in TokenUsage's convention) at `model`'s
 * prices; nullopt when the model has no price or the usage has no counts. Cache reads and
 * writes without their own price are billed as input, reasoning without its own price as
 * output, which is how the providers bill them.
 */
std::optional<UsageCost> costOfUsage(const ModelInfo &model, const Providers::TokenUsage &usage);

/** The cost of sending `inputTokens` uncached input tokens; nullopt without an input price. */
std::optional<double> inputCost(const ModelInfo &model, qint64 inputTokens);

/** "$0.000093", "$0.013", "$12.40", "<$0.000001": a cost as people read it, precise where it is small. */
QString formatUsd(double usd);

} // namespace Lathe::Catalog
