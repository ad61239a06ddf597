// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>

#include "ChatOutcome.h"

namespace Lathe::Providers
{

/**
 * The measured figures of one answer as JSON, the same wherever Lathe writes them (the CLI's
 * --stats line, the request ledger): ttft_ms, total_ms, output_tokens, tokens_per_s,
 * itl_p50_ms, itl_p95_ms, itl_max_ms and finish_reason; null where there is no figure.
 */
nlohmann::json timingsToJson(const ChatOutcome &outcome);

/** Token counts as JSON: input, output, cached, reasoning; null where the provider said none. */
nlohmann::json usageToJson(const TokenUsage &usage);

} // namespace Lathe::Providers
