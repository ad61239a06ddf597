// SPDX-License-Identifier: GPL-3.0-or-later
#include "StreamHub.h"

#include <functional>
#include <memory>

#include <QHash>
#include <QNetworkAccessManager>

#include "ledger/RequestLedger.h"

namespace Lathe::Providers
{

/** Lives in the network thread; owns the network manager and every call in flight. */
class StreamHub::Worker final : public QObject
{
    Q_OBJECT

public:
    explicit Worker(const QString &ledgerPath)
        : m_network(new QNetworkAccessManager(this))
        , m_scheduler(new RequestScheduler(this))
    {
        if (!ledgerPath.isEmpty())
            m_ledger = std::make_unique<Ledger::RequestLedger>(ledgerPath);
    }

    void setLimits(const QString &provider, const ProviderLimits &limits)
    {
        m_scheduler->setLimits(provider, limits);
    }

    void startRun(StreamId id, const QList<ChatTarget> &targets, const ChatRequest &request,
                  const RetryPolicy &policy)
    {
        auto *run = new ChatRun(m_network, targets, request, policy, this);
        m_cancels.insert(id, [run] { run->cancel(); });
        watchChatRun(id, run);
        connect(run, &ChatRun::finished, this, [this, id, run](const RunOutcome &outcome) {
            m_cancels.remove(id);
            run->deleteLater();
            Q_EMIT streamFinished(id, outcome);
        });
        run->start();
    }

    void startStructured(StreamId id, const QList<ChatTarget> &targets, const ChatRequest &request,
                         const Schema::JsonSchema &schema, const QByteArray &schemaJson,
                         const Structured::StructuredOutputPolicy &policy, const RetryPolicy &retryPolicy)
    {
        auto *run = new Structured::StructuredRun(m_network, targets, request, schema, schemaJson, policy,
                                                  retryPolicy, this);
        run->setScheduler(m_scheduler);
        m_cancels.insert(id, [run] { run->cancel(); });
        // Each answer is one ChatRun inside; its attempts reach the ledger and the UI as any run's.
        connect(run, &Structured::StructuredRun::chatRunStarted, this,
                [this, id](ChatRun *chatRun) { watchChatRun(id, chatRun); });
        connect(run, &Structured::StructuredRun::attemptStarted, this,
                [this, id](int targetIndex, int attempt) {
                    Q_EMIT structuredAttemptStarted(id, targetIndex, attempt);
                });
        connect(run, &Structured::StructuredRun::attemptFinished, this,
                [this, id](const Structured::StructuredAttempt &attempt) {
                    Q_EMIT structuredAttemptFinished(id, attempt);
                });
        connect(run, &Structured::StructuredRun::finished, this,
                [this, id, run](const Structured::StructuredOutcome &outcome) {
                    m_cancels.remove(id);
                    run->deleteLater();
                    Q_EMIT structuredFinished(id, outcome);
                });
        run->start();
    }

    void cancelRun(StreamId id)
    {
        if (const auto cancel = m_cancels.value(id))
            cancel();
    }

Q_SIGNALS:
    void streamQueued(Lathe::Providers::StreamId id, const QString &reason);
    void attemptFinished(Lathe::Providers::StreamId id, const Lathe::Providers::AttemptRecord &attempt,
                         int nextWaitMs, int nextTarget);
    void ledgerFailed(const QString &message);
    void eventsReceived(Lathe::Providers::StreamId id, const QList<Lathe::Providers::StreamEvent> &events);
    void streamFinished(Lathe::Providers::StreamId id, const Lathe::Providers::RunOutcome &outcome);
    void structuredAttemptStarted(Lathe::Providers::StreamId id, int targetIndex, int attempt);
    void structuredAttemptFinished(Lathe::Providers::StreamId id,
                                   const Lathe::Structured::StructuredAttempt &attempt);
    void structuredFinished(Lathe::Providers::StreamId id,
                            const Lathe::Structured::StructuredOutcome &outcome);

private:
    /** Sends a run through the scheduler and forwards its progress; records it in the ledger. */
    void watchChatRun(StreamId id, ChatRun *run)
    {
        run->setScheduler(m_scheduler);
        if (m_ledger) {
            Ledger::recordAttempts(run, m_ledger.get(), [this](const Lathe::Error &error) {
                Q_EMIT ledgerFailed(error.toString());
            });
        }
        connect(run, &ChatRun::queueStateChanged, this,
                [this, id](const QString &reason) { Q_EMIT streamQueued(id, reason); });
        connect(run, &ChatRun::attemptFinished, this,
                [this, id](const AttemptRecord &attempt, int nextWaitMs, int nextTarget) {
                    Q_EMIT attemptFinished(id, attempt, nextWaitMs, nextTarget);
                });
        connect(run, &ChatRun::eventsReceived, this,
                [this, id](const QList<StreamEvent> &events) { Q_EMIT eventsReceived(id, events); });
    }

    QNetworkAccessManager *m_network;
    RequestScheduler *m_scheduler;
    std::unique_ptr<Ledger::RequestLedger> m_ledger;
    QHash<StreamId, std::function<void()>> m_cancels;
};

StreamHub::StreamHub(const QString &ledgerPath, QObject *parent)
    : QObject(parent)
    , m_worker(new Worker(ledgerPath))
{
    qRegisterMetaType<Lathe::Providers::StreamId>("Lathe::Providers::StreamId");
    qRegisterMetaType<QList<Lathe::Providers::StreamEvent>>();
    qRegisterMetaType<Lathe::Providers::RunOutcome>();
    qRegisterMetaType<Lathe::Providers::AttemptRecord>();
    qRegisterMetaType<Lathe::Structured::StructuredAttempt>();
    qRegisterMetaType<Lathe::Structured::StructuredOutcome>();

    m_thread.setObjectName(QStringLiteral("lathe-network"));
    m_worker->moveToThread(&m_thread);
    // The worker, its network manager and its calls are deleted in the network thread.
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &Worker::streamQueued, this, &StreamHub::forwardQueued, Qt::QueuedConnection);
    connect(m_worker, &Worker::attemptFinished, this, &StreamHub::forwardAttempt, Qt::QueuedConnection);
    connect(m_worker, &Worker::ledgerFailed, this, &StreamHub::ledgerFailed, Qt::QueuedConnection);
    connect(m_worker, &Worker::eventsReceived, this, &StreamHub::forwardEvents, Qt::QueuedConnection);
    connect(m_worker, &Worker::streamFinished, this, &StreamHub::forwardFinished, Qt::QueuedConnection);
    connect(m_worker, &Worker::structuredAttemptStarted, this, &StreamHub::forwardStructuredStarted,
            Qt::QueuedConnection);
    connect(m_worker, &Worker::structuredAttemptFinished, this, &StreamHub::forwardStructuredAttempt,
            Qt::QueuedConnection);
    connect(m_worker, &Worker::structuredFinished, this, &StreamHub::forwardStructuredFinished,
            Qt::QueuedConnection);
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

StreamId StreamHub::startStructured(const QList<ChatTarget> &targets, const ChatRequest &request,
                                    const Schema::JsonSchema &schema, const QByteArray &schemaJson,
                                    const Structured::StructuredOutputPolicy &policy,
                                    const RetryPolicy &retryPolicy)
{
    const StreamId id = m_nextId++;
    m_active.insert(id);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, id, targets, request, schema, schemaJson, policy, retryPolicy] {
            worker->startStructured(id, targets, request, schema, schemaJson, policy, retryPolicy);
        },
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

void StreamHub::setProviderLimits(const QString &provider, const ProviderLimits &limits)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, provider, limits] { worker->setLimits(provider, limits); },
        Qt::QueuedConnection);
}

void StreamHub::forwardQueued(StreamId id, const QString &reason)
{
    if (m_active.contains(id))
        Q_EMIT streamQueued(id, reason);
}

void StreamHub::forwardAttempt(StreamId id, const AttemptRecord &attempt, int nextWaitMs, int nextTarget)
{
    if (m_active.contains(id))
        Q_EMIT attemptFinished(id, attempt, nextWaitMs, nextTarget);
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

void StreamHub::forwardStructuredStarted(StreamId id, int targetIndex, int attempt)
{
    if (m_active.contains(id))
        Q_EMIT structuredAttemptStarted(id, targetIndex, attempt);
}

void StreamHub::forwardStructuredAttempt(StreamId id, const Structured::StructuredAttempt &attempt)
{
    if (m_active.contains(id))
        Q_EMIT structuredAttemptFinished(id, attempt);
}

void StreamHub::forwardStructuredFinished(StreamId id, const Structured::StructuredOutcome &outcome)
{
    if (m_active.remove(id))
        Q_EMIT structuredFinished(id, outcome);
}

} // namespace Lathe::Providers

#include "StreamHub.moc"
