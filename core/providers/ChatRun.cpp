// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatRun.h"

#include <QRandomGenerator>

#include "base/LogCategories.h"

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
    , m_targets(std::move(targets))
    , m_request(std::move(request))
    , m_policy(policy)
    , m_jitter([] { return QRandomGenerator::global()->generateDouble(); })
{
    Q_ASSERT(!m_targets.isEmpty());
    m_backoff.setSingleShot(true);
    connect(&m_backoff, &QTimer::timeout, this, &ChatRun::startAttempt);
}

void ChatRun::setJitterSource(std::function<double()> jitter)
{
    m_jitter = std::move(jitter);
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
    // Waiting between attempts: there is nothing in flight to stop.
    m_backoff.stop();
    m_result.outcome = ChatOutcome{};
    m_result.outcome.error = Lathe::Error{ErrorCode::Cancelled, QStringLiteral("stopped by the user")};
    finish();
}

void ChatRun::startAttempt()
{
    ++m_attempt;
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
    if (m_call)
        m_call->deleteLater();
    m_call = nullptr;

    AttemptRecord record;
    record.target = m_targets[m_targetIndex].label();
    record.targetIndex = m_targetIndex;
    record.attempt = m_attempt;
    record.waitedMs = m_nextWaitMs;
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
