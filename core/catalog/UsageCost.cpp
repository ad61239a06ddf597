// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/UsageCost.h"

#include <algorithm>
#include <cmath>

namespace Lathe::Catalog
{

std::optional<UsageCost> costOfUsage(const ModelInfo &model, const Providers::TokenUsage &usage)
{
    if (usage.isEmpty())
        return std::nullopt;
    const qint64 input = std::max<qint64>(usage.inputTokens, 0);
    const TokenPrices &prices = model.pricesFor(input);
    if (!prices.input || !prices.output)
        return std::nullopt;
    const qint64 cacheRead = std::clamp<qint64>(usage.cachedInputTokens, 0, input);
    const qint64 cacheWrite = std::clamp<qint64>(usage.cacheWriteInputTokens, 0, input - cacheRead);
    const qint64 output = std::max<qint64>(usage.outputTokens, 0);
    const qint64 reasoning = prices.reasoning ? std::clamp<qint64>(usage.reasoningTokens, 0, output) : 0;

    UsageCost cost;
    cost.input = double(input - cacheRead - cacheWrite) * *prices.input;
    cost.cacheRead = double(cacheRead) * prices.cacheRead.value_or(*prices.input);
    cost.cacheWrite = double(cacheWrite) * prices.cacheWrite.value_or(*prices.input);
    cost.output = double(output - reasoning) * *prices.output;
    cost.reasoning = prices.reasoning ? double(reasoning) * *prices.reasoning : 0;
    return cost;
}

std::optional<double> inputCost(const ModelInfo &model, qint64 inputTokens)
{
    const TokenPrices &prices = model.pricesFor(inputTokens);
    if (!prices.input)
        return std::nullopt;
    return double(std::max<qint64>(inputTokens, 0)) * *prices.input;
}

QString formatUsd(double usd)
{
    if (usd == 0)
        return QStringLiteral("$0");
    if (usd < 0.000001)
        return QStringLiteral("<$0.000001");
    // Two significant digits below a cent, in fixed notation, as a short prompt costs that
    // little and still differs between models: "$0.000093", "$0.0042"; cents above.
    if (usd < 0.01)
        return QStringLiteral("$%1").arg(usd, 0, 'f', int(std::ceil(-std::log10(usd))) + 1);
    if (usd < 1)
        return QStringLiteral("$%1").arg(usd, 0, 'f', 3);
    return QStringLiteral("$%1").arg(usd, 0, 'f', 2);
}

} // namespace Lathe::Catalog
