// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatRun.h"

#include <QRandomGenerator>
#include <QUuid>

#include "base/LogCategories.h"
#include "http/HttpHeaders.h"

namespace Lathe::Providers
{

QString ChatTarget::label() const
{
    return endpoint.baseUrl.host() + QLatin1Char('/') + model;
}

ChatRun::ChatRun(QNetworkAccessManager *network, QList<ChatTarget> targets, ChatRequest request,
                 RetryPolicy policy, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_runId(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_targets(std::move(targets))
    , m_request(std::move(request))
    , m_policy(policy)
    , m_jitter([] { return QRandomGenerator::global()->generateDouble(); })
{
    Q_ASSERT(!m_targets.isEmpty());
    m_backoff.setSingleShot(true);
    connect(&m_backoff, &QTimer::timeout, this, &ChatRun::startAttempt);
}

ChatRun::~ChatRun()
{
    // A run deleted while queued must not be called back when its turn comes.
    if (m_ticket && m_scheduler)
        m_scheduler->withdraw(*m_ticket);
}

void ChatRun::setJitterSource(std::function<double()> jitter)
{
    m_jitter = std::move(jitter);
}

void ChatRun::setScheduler(RequestScheduler *scheduler)
{
    m_scheduler = scheduler;
    if (m_scheduler)
        connect(m_scheduler, &RequestScheduler::queueChanged, this, &ChatRun::onQueueChanged);
}

void ChatRun::start()
{
    startAttempt();
}

void ChatRun::cancel()
{
    if (m_finished)
        return;
    if (m_call) {
        m_call->cancel(); // its finished() ends the run as cancelled
        return;
    }
    // Waiting between attempts or in the queue: there is nothing in flight to stop.
    m_backoff.stop();
    if (m_ticket && m_scheduler)
        m_scheduler->withdraw(*m_ticket);
    m_ticket.reset();
    m_result.outcome = ChatOutcome{};
    m_result.outcome.error = Lathe::Error{ErrorCode::Cancelled, QStringLiteral("stopped by the user")};
    finish();
}

void ChatRun::startAttempt()
{
    ++m_attempt;
    m_queuedMs = 0;
    if (!m_scheduler) {
        sendAttempt();
        return;
    }
    const ChatTarget &target = m_targets[m_targetIndex];
    ChatRequest request = m_request;
    request.model = target.model;
    m_queueClock.start();
    m_queueReason.clear();
    const auto ticket = m_scheduler->enqueue(schedulerKey(target.endpoint), estimateRequestTokens(request),
                                             [this](RequestScheduler::Ticket granted) {
                                                 m_ticket = granted;
                                                 sendAttempt();
                                             });
    if (!m_call) { // not granted at once
        m_ticket = ticket;
        onQueueChanged(schedulerKey(target.endpoint));
    }
}

void ChatRun::onQueueChanged(const QString &provider)
{
    if (!m_ticket || m_call || !m_scheduler || provider != schedulerKey(m_targets[m_targetIndex].endpoint))
        return;
    const QString reason = m_scheduler->waitReason(*m_ticket);
    if (reason.isEmpty() || reason == m_queueReason)
        return;
    m_queueReason = reason;
    Q_EMIT queueStateChanged(reason);
}

void ChatRun::sendAttempt()
{
    if (m_ticket) {
        m_queuedMs = static_cast<int>(m_queueClock.elapsed());
        if (!m_queueReason.isEmpty())
            Q_EMIT queueStateChanged(QString());
        m_queueReason.clear();
    }
    const ChatTarget &target = m_targets[m_targetIndex];
    ChatRequest request = m_request;
    request.model = target.model;
    m_call = new ChatCall(m_network, target.endpoint, request, this);
    connect(m_call, &ChatCall::eventsReceived, this, &ChatRun::eventsReceived);
    connect(m_call, &ChatCall::finished, this, &ChatRun::onAttemptFinished);
    m_call->start();
}

void ChatRun::onAttemptFinished(const ChatOutcome &outcome)
{
    AttemptRecord record;
    if (m_call) {
        record.sentAt = m_call->sentAt();
        record.request = m_call->sentRequest();
        record.request.url = Http::redactedUrl(record.request.url);
        record.request.headers = Http::redactedHeaders(record.request.headers);
        m_call->deleteLater();
    }
    m_call = nullptr;
    if (m_ticket && m_scheduler)
        m_scheduler->complete(*m_ticket, outcome);
    m_ticket.reset();

    record.runId = m_runId;
    record.protocol = m_targets[m_targetIndex].endpoint.protocol;
    record.target = m_targets[m_targetIndex].label();
    record.targetIndex = m_targetIndex;
    record.attempt = m_attempt;
    record.waitedMs = m_nextWaitMs;
    record.queuedMs = m_queuedMs;
    record.outcome = outcome;
    m_result.attempts.append(record);
    m_result.outcome = outcome;

    const bool cancelled = outcome.error && outcome.error->code == ErrorCode::Cancelled;
    int nextWaitMs = -1;
    if (!outcome.completed && !cancelled) {
        if (m_policy.isRetryable(outcome) && m_attempt <= m_policy.maxRetries) {
            nextWaitMs = m_policy.delayMs(outcome, m_attempt, m_jitter(), QDateTime::currentDateTimeUtc());
        } else if (outcome.timings.deltaArrivalMs.isEmpty() && m_targetIndex + 1 < m_targets.size()) {
            ++m_targetIndex;
            m_attempt = 0;
            nextWaitMs = 0;
        }
    }
    Q_EMIT attemptFinished(record, nextWaitMs, nextWaitMs < 0 ? -1 : m_targetIndex);
    if (nextWaitMs < 0) {
        finish();
        return;
    }
    qCDebug(lcProviders).noquote() << "attempt" << record.attempt << "at" << record.target
                                   << "failed:" << outcome.error->toString() << "- next attempt in"
                                   << nextWaitMs << "ms";
    m_nextWaitMs = nextWaitMs;
    m_backoff.start(nextWaitMs);
}

void ChatRun::finish()
{
    m_finished = true;
    Q_EMIT finished(m_result);
}

} // namespace Lathe::Providers
