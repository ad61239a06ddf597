// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProviderProtocol.h"

namespace Lathe::Providers
{

/**
 * Ollama's native chat API: `POST {base}/api/chat`, base `http://localhost:11434` as the
 * official clients take it (ollama-python, ollama-js), or https://ollama.com with a key.
 *
 * Streams are newline-delimited JSON (`application/x-ndjson`), not SSE: one whole object per
 * line with a `message` fragment and `done: false`, then one with `done: true`, `done_reason`
 * and the counts and durations. Tool calls arrive whole, with `arguments` as a JSON object.
 * An error after HTTP 200 is a line `{"error": "…"}` with no `done` (protocols.md §9).
 */
class OllamaProtocol final : public ProviderProtocol
{
public:
    OutgoingRequest buildRequest(const ProviderEndpoint &endpoint, const ChatRequest &request) const override;
    std::unique_ptr<ResponseDecoder> createDecoder(const ChatRequest &request) const override;
};

} // namespace Lathe::Providers
