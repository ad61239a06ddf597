// SPDX-License-Identifier: GPL-3.0-or-later
#include "OutcomeJson.h"

#include <cmath>

namespace Lathe::Providers
{

namespace
{

using nlohmann::json;

// Tenths of a millisecond: finer is noise from the event loop.
json milliseconds(double ms)
{
    return ms >= 0 ? json(std::round(ms * 10.0) / 10.0) : json(nullptr);
}

json count(qint64 value)
{
    return value >= 0 ? json(value) : json(nullptr);
}

} // namespace

nlohmann::json timingsToJson(const ChatOutcome &outcome)
{
    json timings = json::object();
    timings["ttft_ms"] = milliseconds(outcome.timings.firstTokenMs);
    timings["total_ms"] = milliseconds(outcome.timings.totalMs);
    timings["output_tokens"] = outcome.outputTokens();
    const auto rate = outcome.tokensPerSecond();
    timings["tokens_per_s"] = rate ? json(std::round(*rate * 100.0) / 100.0) : json(nullptr);
    const auto latency = outcome.interTokenLatency();
    timings["itl_p50_ms"] = latency ? milliseconds(latency->p50Ms) : json(nullptr);
    timings["itl_p95_ms"] = latency ? milliseconds(latency->p95Ms) : json(nullptr);
    timings["itl_max_ms"] = latency ? milliseconds(latency->maxMs) : json(nullptr);
    timings["finish_reason"] =
        outcome.finishReason.isEmpty() ? json(nullptr) : json(outcome.finishReason.toStdString());
    return timings;
}

nlohmann::json usageToJson(const TokenUsage &usage)
{
    return json{{"input", count(usage.inputTokens)},
                {"output", count(usage.outputTokens)},
                {"cached", count(usage.cachedInputTokens)},
                {"cache_write", count(usage.cacheWriteInputTokens)},
                {"reasoning", count(usage.reasoningTokens)}};
}

} // namespace Lathe::Providers
