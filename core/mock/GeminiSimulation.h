// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "SimulatedProtocol.h"

namespace Lathe::Mock
{

/**
 * The simulator's Google Gemini API: `POST /v1beta/models/{model}:generateContent`,
 * `…:streamGenerateContent?alt=sse` and `…:countTokens` (also under /v1/, as the real service).
 * The model and the method come from the path; a `+FAULT` suffix on the model picks a fault.
 */
class GeminiSimulation final : public SimulatedProtocol
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
