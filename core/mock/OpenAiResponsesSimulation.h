// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "SimulatedProtocol.h"

namespace Lathe::Mock
{

/**
 * The simulator's OpenAI Responses API: `POST /v1/responses`. Streams named SSE events with
 * sequence numbers from 0 (response.created … response.completed or response.incomplete), as
 * OpenAI does; errors in the 200 stream are an `error` event.
 */
class OpenAiResponsesSimulation final : public SimulatedProtocol
{
public:
    bool handles(const Http::HttpRequest &request) const override;
    Result<SimulatedRequest> parseRequest(const Http::HttpRequest &request) const override;
    std::unique_ptr<SimulatedStreamWriter> streamWriter(const SimulatedResponse &response) const override;
    nlohmann::json wholeResponse(const SimulatedResponse &response) const override;
    nlohmann::json errorBody(int status, const QString &detail) const override;
};

} // namespace Lathe::Mock
