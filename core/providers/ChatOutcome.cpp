// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatOutcome.h"

#include <algorithm>
#include <cmath>
#include <vector>

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

std::optional<ChatOutcome::Latency> ChatOutcome::interTokenLatency() const
{
    const QList<double> &arrivals = timings.deltaArrivalMs;
    if (arrivals.size() < 2)
        return std::nullopt;
    std::vector<double> gaps;
    gaps.reserve(static_cast<std::size_t>(arrivals.size() - 1));
    for (qsizetype i = 1; i < arrivals.size(); ++i)
        gaps.push_back(arrivals[i] - arrivals[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    const auto rank = [&gaps](double percentile) {
        const auto index = static_cast<std::size_t>(std::ceil(percentile / 100.0 * double(gaps.size())));
        return gaps[std::clamp<std::size_t>(index, 1, gaps.size()) - 1];
    };
    return Latency{rank(50), rank(95), gaps.back()};
}

} // namespace Lathe::Providers
