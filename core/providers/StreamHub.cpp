// SPDX-License-Identifier: GPL-3.0-or-later
#include "StreamHub.h"

#include <QHash>
#include <QNetworkAccessManager>

#include "ChatCall.h"

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

    void startCall(StreamId id, const ProviderEndpoint &endpoint, const ChatRequest &request)
    {
        auto *call = new ChatCall(m_network, endpoint, request, this);
        m_calls.insert(id, call);
        connect(call, &ChatCall::eventsReceived, this,
                [this, id](const QList<StreamEvent> &events) { Q_EMIT eventsReceived(id, events); });
        connect(call, &ChatCall::finished, this, [this, id, call](const ChatOutcome &outcome) {
            m_calls.remove(id);
            call->deleteLater();
            Q_EMIT streamFinished(id, outcome);
        });
        call->start();
    }

    void cancelCall(StreamId id)
    {
        if (ChatCall *call = m_calls.value(id))
            call->cancel();
    }

Q_SIGNALS:
    void eventsReceived(Lathe::Providers::StreamId id, const QList<Lathe::Providers::StreamEvent> &events);
    void streamFinished(Lathe::Providers::StreamId id, const Lathe::Providers::ChatOutcome &outcome);

private:
    QNetworkAccessManager *m_network;
    QHash<StreamId, ChatCall *> m_calls;
};

StreamHub::StreamHub(QObject *parent)
    : QObject(parent)
    , m_worker(new Worker)
{
    qRegisterMetaType<Lathe::Providers::StreamId>("Lathe::Providers::StreamId");
    qRegisterMetaType<QList<Lathe::Providers::StreamEvent>>();
    qRegisterMetaType<Lathe::Providers::ChatOutcome>();

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

StreamId StreamHub::start(const ProviderEndpoint &endpoint, const ChatRequest &request)
{
    const StreamId id = m_nextId++;
    m_active.insert(id);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, id, endpoint, request] { worker->startCall(id, endpoint, request); },
        Qt::QueuedConnection);
    return id;
}

void StreamHub::cancel(StreamId id)
{
    if (!m_active.remove(id))
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, id] { worker->cancelCall(id); }, Qt::QueuedConnection);
}

void StreamHub::forwardEvents(StreamId id, const QList<StreamEvent> &events)
{
    if (m_active.contains(id))
        Q_EMIT eventsReceived(id, events);
}

void StreamHub::forwardFinished(StreamId id, const ChatOutcome &outcome)
{
    if (m_active.remove(id))
        Q_EMIT streamFinished(id, outcome);
}

} // namespace Lathe::Providers

#include "StreamHub.moc"
