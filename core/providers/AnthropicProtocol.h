// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProviderProtocol.h"

namespace Lathe::Providers
{

/**
 * Anthropic's Messages API: `POST {base}/v1/messages`, with the base as the official SDK takes
 * it (`https://api.anthropic.com`, no `/v1`).
 *
 * Streams are SSE with named events (the name always equals the payload's `type`):
 * message_start (the initial usage), content_block_start / content_block_delta /
 * content_block_stop for each block of the answer (text, thinking, tool_use, …), message_delta
 * (stop_reason and the CUMULATIVE usage), then message_stop, the only terminal marker. `ping`
 * may come at any time, and `error` can arrive after HTTP 200. See protocols.md §6-7.
 *
 * Token counts are normalised so that they compare with other providers: inputTokens is every
 * prompt token (Anthropic's input_tokens plus cache reads plus cache writes, which Anthropic
 * reports apart) and cachedInputTokens the part read from the cache.
 *
 * A ResponseFormat becomes a forced tool named after it (`tool_choice: {type: "tool"}`) whose
 * input_schema is the format's schema. The decoder of such a request turns that tool's input
 * (streamed input_json_delta fragments, or the whole input object) into TextDelta events, so
 * the structured answer reads as text, as on every other provider; the finish reason stays
 * Anthropic's own, "tool_use".
 */
class AnthropicProtocol final : public ProviderProtocol
{
public:
    /// The API version this adapter speaks: the official SDKs' fixed default.
    static constexpr const char *kApiVersion = "2023-06-01";
    /// max_tokens when the request sets none; see buildRequest().
    static constexpr int kDefaultMaxTokens = 4096;

    OutgoingRequest buildRequest(const ProviderEndpoint &endpoint, const ChatRequest &request) const override;
    /**
     * `POST {base}/v1/messages/count_tokens`: the request's model, system prompt, messages,
     * tools and tool choice (with the answer tool of a ResponseFormat), with the Messages API's headers and
     * without its generation settings. The answer is {"input_tokens": N}.
     */
    OutgoingRequest buildCountTokensRequest(const ProviderEndpoint &endpoint,
                                            const ChatRequest &request) const;
    std::unique_ptr<ResponseDecoder> createDecoder(const ChatRequest &request) const override;
};

} // namespace Lathe::Providers
