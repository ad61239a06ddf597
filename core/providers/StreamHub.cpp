// SPDX-License-Identifier: GPL-3.0-or-later
#include "StreamHub.h"

#include <QHash>
#include <QNetworkAccessManager>

namespace Lathe::Providers
{

/** Lives in the network thread; owns the network manager and every call in flight. */
class StreamHub::Worker final : public QObject
{
    Q_OBJECT

public:
    Worker()
        : m_network(new QNetworkAccessManager(this))
    {}

    void startRun(StreamId id, const QList<ChatTarget> &targets, const ChatRequest &request,
                  const RetryPolicy &policy)
    {
        auto *run = new ChatRun(m_network, targets, request, policy, this);
        m_runs.insert(id, run);
        connect(run, &ChatRun::eventsReceived, this,
                [this, id](const QList<StreamEvent> &events) { Q_EMIT eventsReceived(id, events); });
        connect(run, &ChatRun::finished, this, [this, id, run](const RunOutcome &outcome) {
            m_runs.remove(id);
            run->deleteLater();
            Q_EMIT streamFinished(id, outcome);
        });
        run->start();
    }

    void cancelRun(StreamId id)
    {
        if (ChatRun *run = m_runs.value(id))
            run->cancel();
    }

Q_SIGNALS:
    void eventsReceived(Lathe::Providers::StreamId id, const QList<Lathe::Providers::StreamEvent> &events);
    void streamFinished(Lathe::Providers::StreamId id, const Lathe::Providers::RunOutcome &outcome);

private:
    QNetworkAccessManager *m_network;
    QHash<StreamId, ChatRun *> m_runs;
};

StreamHub::StreamHub(QObject *parent)
    : QObject(parent)
    , m_worker(new Worker)
{
    qRegisterMetaType<Lathe::Providers::StreamId>("Lathe::Providers::StreamId");
    qRegisterMetaType<QList<Lathe::Providers::StreamEvent>>();
    qRegisterMetaType<Lathe::Providers::RunOutcome>();

    m_thread.setObjectName(QStringLiteral("lathe-network"));
    m_worker->moveToThread(&m_thread);
    // The worker, its network manager and its calls are deleted in the network thread.
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &Worker::eventsReceived, this, &StreamHub::forwardEvents, Qt::QueuedConnection);
    connect(m_worker, &Worker::streamFinished, this, &StreamHub::forwardFinished, Qt::QueuedConnection);
    m_thread.start();
}

StreamHub::~StreamHub()
{
    m_thread.quit();
    m_thread.wait();
}

StreamId StreamHub::start(const QList<ChatTarget> &targets, const ChatRequest &request,
                          const RetryPolicy &policy)
{
    const StreamId id = m_nextId++;
    m_active.insert(id);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, id, targets, request, policy] { worker->startRun(id, targets, request, policy); },
        Qt::QueuedConnection);
    return id;
}

void StreamHub::cancel(StreamId id)
{
    if (!m_active.remove(id))
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, id] { worker->cancelRun(id); }, Qt::QueuedConnection);
}

void StreamHub::forwardEvents(StreamId id, const QList<StreamEvent> &events)
{
    if (m_active.contains(id))
        Q_EMIT eventsReceived(id, events);
}

void StreamHub::forwardFinished(StreamId id, const RunOutcome &outcome)
{
    if (m_active.remove(id))
        Q_EMIT streamFinished(id, outcome);
}

} // namespace Lathe::Providers

#include "StreamHub.moc"
