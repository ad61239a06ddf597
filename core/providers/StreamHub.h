// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QSet>
#include <QThread>

#include "ChatOutcome.h"
#include "ChatRun.h"
#include "ChatTypes.h"
#include "structured/StructuredRun.h"

namespace Lathe::Providers
{

using StreamId = quint64;

/**
 * The app's one gateway to providers: runs every ChatRun on a dedicated network thread that
 * owns the app's single QNetworkAccessManager and its one RequestScheduler, writes every attempt
 * to the request ledger, and hands results back as queued signals.
 *
 * Thread affinity: the hub itself lives in the thread that created it (the GUI thread) and
 * must be used from there. Events of a stream that was cancelled are never emitted, even when
 * the network thread had already queued them.
 */
class StreamHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamHub)

public:
    /** `ledgerPath`: the request ledger every attempt is written to; empty for none. */
    explicit StreamHub(const QString &ledgerPath, QObject *parent = nullptr);
    ~StreamHub() override;

    /** Sends `request` to the targets in order (the first is the primary; request.model is
     *  replaced by each target's model), retrying under `policy`. */
    StreamId start(const QList<ChatTarget> &targets, const ChatRequest &request,
                   const RetryPolicy &policy = {});
    /**
     * Asks for an answer that validates against `schema` (see Structured::StructuredRun):
     * eventsReceived(), streamQueued() and attemptFinished() report each answer as for start(),
     * structuredAttemptStarted() and structuredAttemptFinished() each answer's fate, and
     * structuredFinished() (not streamFinished()) the end.
     */
    StreamId startStructured(const QList<ChatTarget> &targets, const ChatRequest &request,
                             const Schema::JsonSchema &schema, const QByteArray &schemaJson,
                             const Structured::StructuredOutputPolicy &policy,
                             const RetryPolicy &retryPolicy = {});
    /** Stops a stream; no signal for it follows, not even streamFinished(). */
    void cancel(StreamId id);
    bool isActive(StreamId id) const { return m_active.contains(id); }

    /** Limits for one provider (a schedulerKey()) in the shared scheduler. */
    void setProviderLimits(const QString &provider, const ProviderLimits &limits);

Q_SIGNALS:
    /** The stream waits in the scheduler's queue for `reason`; empty: it is being sent. */
    void streamQueued(Lathe::Providers::StreamId id, const QString &reason);
    /** One attempt ended; see ChatRun::attemptFinished(). */
    void attemptFinished(Lathe::Providers::StreamId id, const Lathe::Providers::AttemptRecord &attempt,
                         int nextWaitMs, int nextTarget);
    /** The request ledger could not be written; the streams go on. */
    void ledgerFailed(const QString &message);
    void eventsReceived(Lathe::Providers::StreamId id, const QList<Lathe::Providers::StreamEvent> &events);
    void streamFinished(Lathe::Providers::StreamId id, const Lathe::Providers::RunOutcome &outcome);
    void structuredAttemptStarted(Lathe::Providers::StreamId id, int targetIndex, int attempt);
    void structuredAttemptFinished(Lathe::Providers::StreamId id,
                                   const Lathe::Structured::StructuredAttempt &attempt);
    void structuredFinished(Lathe::Providers::StreamId id,
                            const Lathe::Structured::StructuredOutcome &outcome);

private:
    class Worker;

    void forwardQueued(StreamId id, const QString &reason);
    void forwardAttempt(StreamId id, const AttemptRecord &attempt, int nextWaitMs, int nextTarget);
    void forwardEvents(StreamId id, const QList<StreamEvent> &events);
    void forwardFinished(StreamId id, const RunOutcome &outcome);
    void forwardStructuredStarted(StreamId id, int targetIndex, int attempt);
    void forwardStructuredAttempt(StreamId id, const Structured::StructuredAttempt &attempt);
    void forwardStructuredFinished(StreamId id, const Structured::StructuredOutcome &outcome);

    QThread m_thread;
    Worker *m_worker;
    QSet<StreamId> m_active;
    StreamId m_nextId = 1;
};

} // namespace Lathe::Providers
