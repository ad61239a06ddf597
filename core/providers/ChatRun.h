// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include "ChatCall.h"
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
    QString target;
    int targetIndex = 0;
    int attempt = 1; ///< 1 for a target's first try
    int waitedMs = 0;
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

    /** Replaces the random source of backoff jitter (values in [0, 1)), for tests. */
    void setJitterSource(std::function<double()> jitter);
    void start();
    void cancel();

Q_SIGNALS:
    void eventsReceived(const QList<Lathe::Providers::StreamEvent> &events);
    /**
     * An attempt ended. `nextWaitMs` is the wait before the next attempt and `nextTarget` the
     * index of the target it goes to (the same one for a retry); both are -1 if none follows.
     */
    void attemptFinished(const Lathe::Providers::AttemptRecord &attempt, int nextWaitMs, int nextTarget);
    void finished(const Lathe::Providers::RunOutcome &outcome);

private:
    void startAttempt();
    void onAttemptFinished(const ChatOutcome &outcome);
    void finish();

    QNetworkAccessManager *m_network;
    QList<ChatTarget> m_targets;
    ChatRequest m_request;
    RetryPolicy m_policy;
    std::function<double()> m_jitter;
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
