// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "SimulatedProtocol.h"

namespace Lathe::Mock
{

/**
 * The simulator's Anthropic Messages API: `POST /v1/messages` and the token counter
 * `POST /v1/messages/count_tokens`, so a client takes the server's root
 * (`http://127.0.0.1:PORT`, no `/v1`) as its base URL, as Anthropic's SDK takes
 * `https://api.anthropic.com`. Like the real API it requires max_tokens (and refuses it when
 * counting), takes the system prompt as the top-level `system`, streams named SSE events ending
 * in message_stop, and answers errors with `{"type":"error","error":{"type":…,"message":…}}`.
 */
class AnthropicSimulation final : public SimulatedProtocol
{
public:
    bool handles(const Http::HttpRequest &request) const override;
    Result<SimulatedRequest> parseRequest(const Http::HttpRequest &request) const override;
    std::unique_ptr<SimulatedStreamWriter> streamWriter(const SimulatedResponse &response) const override;
    nlohmann::json wholeResponse(const SimulatedResponse &response) const override;
    nlohmann::json errorBody(int status, const QString &detail) const override;
    nlohmann::json tokenCountBody(qint64 inputTokens) const override;
};

} // namespace Lathe::Mock
