// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QThread>

#include "SimulatorServer.h"

namespace Lathe::Mock
{

/**
 * Runs a SimulatorServer on a thread of its own, so that the in-process simulator paces its
 * tokens independently of a busy GUI thread, and the GUI never waits on it.
 *
 * Thread affinity: create, start and destroy from one thread (the GUI thread).
 */
class SimulatorHost final
{
    Q_DISABLE_COPY_MOVE(SimulatorHost)

public:
    SimulatorHost();
    ~SimulatorHost();

    /** Starts the server on a free loopback port; returns its API root URL. */
    Result<QUrl> start(const SimulatorOptions &options);
    QUrl baseUrl() const { return m_baseUrl; }

private:
    QThread m_thread;
    QUrl m_baseUrl;
};

} // namespace Lathe::Mock
