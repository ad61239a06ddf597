// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <optional>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "ChatCall.h"
#include "RequestScheduler.h"
#include "RetryPolicy.h"

class QNetworkAccessManager;

namespace Lathe::Providers
{

/** One model configuration of a fallback chain. */
struct ChatTarget
{
    ProviderEndpoint endpoint;
    QString model;

    /** How a person names it in reports: "host/model". */
    QString label() const;
};

/** One attempt of a run: which target, how it ended, and how long the run waited before it. */
struct AttemptRecord
{
    QString runId; ///< the same for every attempt of a run
    QString target;
    int targetIndex = 0;
    int attempt = 1;  ///< 1 for a target's first try
    int waitedMs = 0; ///< backoff before it
    int queuedMs = 0; ///< then in the scheduler's queue
    WireProtocol protocol = WireProtocol::OpenAiChat;
    QDateTime sentAt;        ///< UTC; invalid if the attempt failed before sending
    OutgoingRequest request; ///< what was sent, credential headers and parameters redacted
    ChatOutcome outcome;
};

/** How a whole run ended: the final answer, and every attempt that led to it. */
struct RunOutcome
{
    ChatOutcome outcome; ///< the last attempt's
    QList<AttemptRecord> attempts;
};

/**
 * One request with resilience: retries a failed attempt under the RetryPolicy (only before its
 * first delta), then moves down the fallback chain, target by target, until one completes.
 * Every attempt is recorded. Text from an attempt that fails after its first delta is kept and
 * reported as incomplete; the chain does not move on then, because the user has already seen
 * that answer begin.
 *
 * Thread affinity: the thread of the QNetworkAccessManager, like ChatCall.
 */
class ChatRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatRun)

public:
    ChatRun(QNetworkAccessManager *network, QList<ChatTarget> targets, ChatRequest request,
            RetryPolicy policy = {}, QObject *parent = nullptr);
    ~ChatRun() override;

    /** Replaces the random source of backoff jitter (values in [0, 1)), for tests. */
    void setJitterSource(std::function<double()> jitter);
    /** Sends every attempt through `scheduler`'s admission gate; without one they go at once. */
    void setScheduler(RequestScheduler *scheduler);
    void start();
    void cancel();

    /** A unique id naming this run in the request ledger. */
    QString runId() const { return m_runId; }
    const QList<ChatTarget> &targets() const { return m_targets; }

Q_SIGNALS:
    /** An attempt waits in the scheduler's queue, for the reason given; an empty reason: it
     *  has left the queue and is being sent. */
    void queueStateChanged(const QString &reason);
    void eventsReceived(const QList<Lathe::Providers::StreamEvent> &events);
    /**
     * An attempt ended. `nextWaitMs` is the wait before the next attempt and `nextTarget` the
     * index of the target it goes to (the same one for a retry); both are -1 if none follows.
     */
    void attemptFinished(const Lathe::Providers::AttemptRecord &attempt, int nextWaitMs, int nextTarget);
    void finished(const Lathe::Providers::RunOutcome &outcome);

private:
    void startAttempt();
    void sendAttempt();
    void onQueueChanged(const QString &provider);
    void onAttemptFinished(const ChatOutcome &outcome);
    void finish();

    QNetworkAccessManager *m_network;
    QString m_runId;
    QList<ChatTarget> m_targets;
    ChatRequest m_request;
    RetryPolicy m_policy;
    std::function<double()> m_jitter;
    QPointer<RequestScheduler> m_scheduler;
    std::optional<RequestScheduler::Ticket> m_ticket;
    QString m_queueReason;
    QElapsedTimer m_queueClock;
    int m_queuedMs = 0;
    QPointer<ChatCall> m_call;
    QTimer m_backoff;
    RunOutcome m_result;
    int m_targetIndex = 0;
    int m_attempt = 0;
    int m_nextWaitMs = 0;
    bool m_finished = false;
};

} // namespace Lathe::Providers

Q_DECLARE_METATYPE(Lathe::Providers::AttemptRecord)
Q_DECLARE_METATYPE(Lathe::Providers::RunOutcome)
