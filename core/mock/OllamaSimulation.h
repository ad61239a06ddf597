// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "SimulatedProtocol.h"

namespace Lathe::Mock
{

/**
 * The simulator's Ollama native chat API: `POST /api/chat`, streamed as newline-delimited JSON
 * (`application/x-ndjson`) unless the request says `"stream": false`, as Ollama does.
 */
class OllamaSimulation final : public SimulatedProtocol
{
public:
    bool handles(const Http::HttpRequest &request) const override;
    Result<SimulatedRequest> parseRequest(const Http::HttpRequest &request) const override;
    QByteArray streamContentType() const override;
    std::unique_ptr<SimulatedStreamWriter> streamWriter(const SimulatedResponse &response) const override;
    nlohmann::json wholeResponse(const SimulatedResponse &response) const override;
    nlohmann::json errorBody(int status, const QString &detail) const override;

    /** The body of `GET /api/tags`: the simulated models in Ollama's model list shape. */
    static nlohmann::json modelList();
};

} // namespace Lathe::Mock
