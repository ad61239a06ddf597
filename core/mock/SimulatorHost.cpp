// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatorHost.h"

namespace Lathe::Mock
{

SimulatorHost::SimulatorHost()
{
    m_thread.setObjectName(QStringLiteral("lathe-simulator"));
}

SimulatorHost::~SimulatorHost()
{
    m_thread.quit();
    m_thread.wait();
}

Result<QUrl> SimulatorHost::start(const SimulatorOptions &options)
{
    Q_ASSERT(!m_thread.isRunning());
    auto *server = new SimulatorServer(options);
    server->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, server, &QObject::deleteLater);
    m_thread.start();

    Result<quint16> port = 0;
    QMetaObject::invokeMethod(
        server, [server, &port] { port = server->listen(0); }, Qt::BlockingQueuedConnection);
    if (!port)
        return tl::unexpected(port.error());
    m_baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(*port));
    return m_baseUrl;
}

} // namespace Lathe::Mock
