// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProviderProtocol.h"

namespace Lathe::Providers
{

/**
 * OpenAI-compatible Chat Completions: OpenAI itself and the many servers that copy its API
 * (vLLM, llama.cpp, LM Studio, Ollama's /v1, the built-in simulator).
 *
 * Streams are data-only SSE: `data: {chunk}` events, then a usage chunk with empty `choices`
 * (we always ask for it with stream_options.include_usage), then `data: [DONE]`. An `error`
 * object can arrive as a data payload after HTTP 200. llama.cpp's server writes its error on an
 * `error:` line instead, and may count tokens only in a `timings` object.
 */
class OpenAiChatProtocol final : public ProviderProtocol
{
public:
    OutgoingRequest buildRequest(const ProviderEndpoint &endpoint, const ChatRequest &request) const override;
    std::unique_ptr<ResponseDecoder> createDecoder(const ChatRequest &request) const override;
};

} // namespace Lathe::Providers
