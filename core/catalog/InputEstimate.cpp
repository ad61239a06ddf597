// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/InputEstimate.h"

#include <cmath>

#include "catalog/UsageCost.h"
#include "tokens/ModelEncoding.h"

namespace Lathe::Catalog
{

CountingPlan countingPlanFor(QStringView model)
{
    if (const auto encoding = Tokens::encodingForModel(model))
        return {*encoding, false};
    return {Tokens::Encoding::O200kBase, true};
}

std::optional<double> InputEstimate::contextShare() const
{
    if (contextWindow <= 0)
        return std::nullopt;
    return double(tokens + std::max<qint64>(maxOutputTokens, 0)) / double(contextWindow);
}

bool InputEstimate::exceedsContext() const
{
    const auto share = contextShare();
    return share && *share > 1.0;
}

InputEstimate estimateInput(QStringView modelName, qint64 countedTokens, const CountingPlan &plan,
                            const ModelCatalog &catalog, QStringView providerHint, double calibrationRatio,
                            qint64 requestMaxOutputTokens)
{
    InputEstimate estimate;
    estimate.approximate = plan.approximate;
    estimate.tokens =
        plan.approximate ? qint64(std::llround(double(countedTokens) * calibrationRatio)) : countedTokens;
    estimate.model = catalog.find(modelName, providerHint);
    estimate.maxOutputTokens = requestMaxOutputTokens;
    if (estimate.model) {
        estimate.costUsd = inputCost(*estimate.model, estimate.tokens);
        estimate.contextWindow = estimate.model->maxInputTokens;
        if (estimate.maxOutputTokens < 0)
            estimate.maxOutputTokens = estimate.model->maxOutputTokens;
    }
    return estimate;
}

} // namespace Lathe::Catalog
