// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatOutcome.h"

namespace Lathe::Providers
{

qint64 ChatOutcome::outputTokens() const
{
    if (usage.outputTokens >= 0)
        return usage.outputTokens;
    return timings.deltaArrivalMs.size();
}

std::optional<double> ChatOutcome::tokensPerSecond() const
{
    // A rate needs tokens arriving over time: one delta (a non-streamed answer) gives none.
    if (timings.deltaArrivalMs.size() < 2 || timings.totalMs <= timings.firstTokenMs)
        return std::nullopt;
    const qint64 tokens = outputTokens();
    if (tokens <= 0)
        return std::nullopt;
    return tokens * 1000.0 / (timings.totalMs - timings.firstTokenMs);
}

} // namespace Lathe::Providers
