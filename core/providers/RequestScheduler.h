// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <deque>
#include <functional>
#include <map>

#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include "ChatOutcome.h"
#include "ChatTypes.h"

namespace Lathe::Providers
{

/** How much one provider may be asked at once and per minute. */
struct ProviderLimits
{
    int maxConcurrent = 4;        ///< requests in flight at once
    double requestsPerMinute = 0; ///< 0: no limit known yet
    double tokensPerMinute = 0;   ///< 0: no limit known yet
};

/** A provider as the scheduler counts it: the host and port its requests go to. */
QString schedulerKey(const ProviderEndpoint &endpoint);

/**
 * A rough size of a request for token-per-minute admission: four characters a token over the
 * prompt, plus the output budget, which OpenAI counts against the limit before generating.
 */
qint64 estimateRequestTokens(const ChatRequest &request);

/**
 * The app's one admission gate for provider requests, shared by every pane and batch job.
 *
 * Per provider it keeps a FIFO queue, a cap on requests in flight, and two token buckets
 * (requests and tokens per minute) that refill continuously. The buckets start from the
 * configured limits and learn from every response: rate-limit headers set their size and lower
 * their level, a window reported empty blocks the provider until its reset, a 429 blocks it for
 * the server's retry-after, and the tokens a request really used replace its estimate.
 * A request is granted when it reaches the head of its queue and every limit allows it; one
 * larger than a whole bucket is let through once the bucket is full, so it cannot wait forever.
 *
 * Time comes from a replaceable clock so that tests can drive it; the scheduler wakes itself
 * with a timer when a bucket will have refilled. Thread affinity: the thread it lives in.
 */
class RequestScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestScheduler)

public:
    using Ticket = quint64;
    using Clock = std::function<qint64()>; ///< milliseconds, never going backwards

    explicit RequestScheduler(QObject *parent = nullptr);
    ~RequestScheduler() override;

    void setClock(Clock clock);
    /** Limits for requests to `provider` from now on; others get defaultLimits(). */
    void setLimits(const QString &provider, const ProviderLimits &limits);
    ProviderLimits limits(const QString &provider) const;
    static ProviderLimits defaultLimits() { return {}; }

    /** Told the ticket when it may go, which can be before enqueue() has returned it. */
    using GrantCallback = std::function<void(Ticket)>;

    /**
     * Queues a request. `granted` runs once, when it may be sent; after that the caller must
     * complete() or withdraw() the ticket.
     */
    Ticket enqueue(const QString &provider, qint64 estimatedTokens, GrantCallback granted);
    /** The request will not be sent, or was abandoned: leaves the queue or frees its slot. */
    void withdraw(Ticket ticket);
    /** The request ended: frees its slot and learns from the response. */
    void complete(Ticket ticket, const ChatOutcome &outcome);

    bool isGranted(Ticket ticket) const;
    /** Why a queued request waits, in words for the user; empty once it is granted. */
    QString waitReason(Ticket ticket) const;
    int runningCount(const QString &provider) const;
    int queuedCount(const QString &provider) const;

    /** Grants every queued request the limits allow now. Called by the scheduler itself; public
     *  so that a test which moved its clock can let the scheduler see it. */
    void dispatch();

Q_SIGNALS:
    /** A request to `provider` was queued, granted or finished. */
    void queueChanged(const QString &provider);

private:
    /** A token bucket refilled continuously at `capacity` per minute; capacity 0: no limit. */
    struct Bucket
    {
        double capacity = 0;
        double level = 0;
        qint64 updatedMs = 0;

        bool isLimited() const { return capacity > 0; }
        double levelAt(qint64 now) const;
        void refill(qint64 now);
        void resize(double newCapacity, qint64 now);
        /** Milliseconds until `amount` (at most the capacity) is available; 0 if it is. */
        qint64 msUntil(double amount, qint64 now) const;
    };
    struct Waiting
    {
        Ticket ticket;
        qint64 estimatedTokens;
        GrantCallback granted;
    };
    struct Provider
    {
        ProviderLimits configured;
        Bucket requests;
        Bucket tokens;
        qint64 blockedUntilMs = 0; ///< the server asked for a pause until then
        int running = 0;
        std::deque<Waiting> queue;
    };
    struct Grant
    {
        QString provider;
        qint64 estimatedTokens;
    };

    Provider &provider(const QString &key);
    /** How long the head of the queue must still wait for time to pass; 0 if it may go now,
     *  -1 if it waits for a running request to end. */
    static qint64 headWaitMs(const Provider &state, qint64 now);
    static QString describeHeadWait(const QString &key, const Provider &state, qint64 now);
    void learn(Provider &state, qint64 estimatedTokens, const ChatOutcome &outcome, qint64 now);
    void scheduleWake(qint64 now);

    Clock m_clock;
    std::map<QString, Provider> m_providers;
    QHash<Ticket, Grant> m_granted;
    QTimer m_wake;
    Ticket m_nextTicket = 1;
    bool m_dispatching = false;
    bool m_dispatchAgain = false;
};

} // namespace Lathe::Providers
