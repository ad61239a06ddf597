// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QUrl>

#include "SimulatedRateLimit.h"
#include "SimulatorFault.h"
#include "base/Result.h"

class QTcpServer;

namespace Lathe::Mock
{

struct SimulatorOptions
{
    double tokensPerSecond = 40.0; ///< streaming pace; 0 sends every token at once
    int firstTokenDelayMs = 250;   ///< time before the first token, like a real model's TTFT
    SimulatorFault fault;          ///< injected into every request that names none of its own
    int requestsPerMinute = 0;     ///< a rate limit with OpenAI's headers and 429s; 0: none
};

/**
 * The built-in provider simulator: a real HTTP/1.1 server on 127.0.0.1 that speaks every wire
 * protocol in simulatedProtocols(), routed by path as the real services are, streaming and
 * not, with deterministic answers derived from the request (see simulateAnswer) at a
 * configurable token rate, and faults on request. A request for structured output is answered
 * with an instance of its schema (simulateStructuredAnswer).
 *
 * A request picks a fault with the header `X-Lathe-Fault: NAME` or a model name suffix
 * `MODEL+NAME` (see SimulatorFault); the answer text depends only on MODEL, so a faulty
 * stream's text is a prefix of the clean one. `GET /v1/models` lists the simulated models.
 * Anthropic's and Gemini's count-tokens endpoints answer simulatedPromptTokens(), the input
 * usage the same prompt reports when it is answered.
 * With a requests-per-minute limit it reports OpenAI's rate-limit headers and answers 429 over it.
 *
 * Thread affinity: lives in one thread with an event loop (lathe-cli serve-mock's main thread,
 * or the app's simulator thread); it never blocks that thread.
 */
class SimulatorServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorServer)

public:
    explicit SimulatorServer(SimulatorOptions options, QObject *parent = nullptr);
    ~SimulatorServer() override;

    /** Listens on 127.0.0.1; port 0 picks a free one. Returns the port. */
    Result<quint16> listen(quint16 port = 0);
    quint16 port() const;
    /** The API root clients are given, e.g. http://127.0.0.1:PORT/v1 */
    QUrl baseUrl() const;

private:
    void acceptConnections();

    SimulatorOptions m_options;
    QTcpServer *m_server;
    quint64 m_requestCount = 0;
    QHash<QString, int> m_faultUses; // per fault spec, for faults limited to K requests
    SimulatedRateLimit m_rateLimit;
};

} // namespace Lathe::Mock
