// SPDX-License-Identifier: GPL-3.0-or-later
#include "RequestScheduler.h"

#include <cmath>

#include <QDateTime>
#include <QElapsedTimer>

#include "RateLimitHeaders.h"
#include "RetryPolicy.h"

namespace Lathe::Providers
{

namespace
{

// A server-requested pause longer than this is taken as a broken header, not honoured.
constexpr qint64 kMaxServerPauseMs = 5 * 60 * 1000;

QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(std::max<qint64>(1, (ms + 999) / 1000));
}

} // namespace

QString schedulerKey(const ProviderEndpoint &endpoint)
{
    const QUrl &url = endpoint.baseUrl;
    const int defaultPort = url.scheme() == QLatin1String("http") ? 80 : 443;
    return url.host().toLower() + QLatin1Char(':') + QString::number(url.port(defaultPort));
}

qint64 estimateRequestTokens(const ChatRequest &request)
{
    qint64 characters = 0;
    for (const ChatMessage &message : request.messages)
        characters += message.content.size();
    for (const ToolDefinition &tool : request.tools)
        characters += tool.description.size() + tool.parametersSchema.size();
    // Providers compile the answer schema into the prompt too (Anthropic as a tool definition).
    if (request.responseFormat)
        characters += request.responseFormat->schema.size();
    return (characters + 3) / 4 + std::max(0, request.maxOutputTokens.value_or(0));
}

double RequestScheduler::Bucket::levelAt(qint64 now) const
{
    if (!isLimited())
        return 0;
    return std::min(capacity, level + static_cast<double>(now - updatedMs) * capacity / 60'000.0);
}

void RequestScheduler::Bucket::refill(qint64 now)
{
    level = levelAt(now);
    updatedMs = now;
}

void RequestScheduler::Bucket::resize(double newCapacity, qint64 now)
{
    refill(now);
    // A bucket that had no limit starts full: nothing was counted against it.
    level = isLimited() ? std::min(level, newCapacity) : newCapacity;
    capacity = newCapacity;
}

qint64 RequestScheduler::Bucket::msUntil(double amount, qint64 now) const
{
    if (!isLimited())
        return 0;
    const double needed = std::min(amount, capacity);
    const double current = levelAt(now);
    if (current >= needed)
        return 0;
    return static_cast<qint64>(std::ceil((needed - current) * 60'000.0 / capacity));
}

RequestScheduler::RequestScheduler(QObject *parent)
    : QObject(parent)
{
    auto monotonic = std::make_shared<QElapsedTimer>();
    monotonic->start();
    m_clock = [monotonic] {
        return monotonic->elapsed();
    };
    m_wake.setSingleShot(true);
    connect(&m_wake, &QTimer::timeout, this, &RequestScheduler::dispatch);
}

RequestScheduler::~RequestScheduler() = default;

void RequestScheduler::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void RequestScheduler::setLimits(const QString &key, const ProviderLimits &limits)
{
    Provider &state = provider(key);
    const qint64 now = m_clock();
    state.configured = limits;
    state.requests.resize(limits.requestsPerMinute, now);
    state.tokens.resize(limits.tokensPerMinute, now);
    dispatch();
}

ProviderLimits RequestScheduler::limits(const QString &key) const
{
    const auto found = m_providers.find(key);
    return found == m_providers.end() ? defaultLimits() : found->second.configured;
}

RequestScheduler::Provider &RequestScheduler::provider(const QString &key)
{
    auto found = m_providers.find(key);
    if (found == m_providers.end())
        found = m_providers.emplace(key, Provider{defaultLimits(), {}, {}, 0, 0, {}}).first;
    return found->second;
}

RequestScheduler::Ticket RequestScheduler::enqueue(const QString &key, qint64 estimatedTokens,
                                                   GrantCallback granted)
{
    const Ticket ticket = m_nextTicket++;
    provider(key).queue.push_back(Waiting{ticket, std::max<qint64>(0, estimatedTokens), std::move(granted)});
    Q_EMIT queueChanged(key);
    dispatch();
    return ticket;
}

void RequestScheduler::withdraw(Ticket ticket)
{
    if (const auto grant = m_granted.find(ticket); grant != m_granted.end()) {
        const QString key = grant->provider;
        m_granted.erase(grant);
        --provider(key).running;
        Q_EMIT queueChanged(key);
        dispatch();
        return;
    }
    for (auto &[key, state] : m_providers) {
        const auto found =
            std::find_if(state.queue.begin(), state.queue.end(),
                         [ticket](const Waiting &waiting) { return waiting.ticket == ticket; });
        if (found != state.queue.end()) {
            state.queue.erase(found);
            Q_EMIT queueChanged(key);
            dispatch(); // the head may have changed
            return;
        }
    }
}

void RequestScheduler::complete(Ticket ticket, const ChatOutcome &outcome)
{
    const auto grant = m_granted.find(ticket);
    if (grant == m_granted.end())
        return;
    const Grant granted = *grant;
    m_granted.erase(grant);
    Provider &state = provider(granted.provider);
    --state.running;
    learn(state, granted.estimatedTokens, outcome, m_clock());
    Q_EMIT queueChanged(granted.provider);
    dispatch();
}

bool RequestScheduler::isGranted(Ticket ticket) const
{
    return m_granted.contains(ticket);
}

int RequestScheduler::runningCount(const QString &key) const
{
    const auto found = m_providers.find(key);
    return found == m_providers.end() ? 0 : found->second.running;
}

int RequestScheduler::queuedCount(const QString &key) const
{
    const auto found = m_providers.find(key);
    return found == m_providers.end() ? 0 : static_cast<int>(found->second.queue.size());
}

qint64 RequestScheduler::headWaitMs(const Provider &state, qint64 now)
{
    if (state.queue.empty() || state.running >= std::max(1, state.configured.maxConcurrent))
        return -1;
    qint64 wait = std::max<qint64>(0, state.blockedUntilMs - now);
    wait = std::max(wait, state.requests.msUntil(1, now));
    wait =
        std::max(wait, state.tokens.msUntil(static_cast<double>(state.queue.front().estimatedTokens), now));
    return wait;
}

QString RequestScheduler::describeHeadWait(const QString &key, const Provider &state, qint64 now)
{
    const int cap = std::max(1, state.configured.maxConcurrent);
    if (state.running >= cap)
        return tr("%1 of %2 requests to %3 are running").arg(state.running).arg(cap).arg(key);
    if (state.blockedUntilMs > now)
        return tr("%1 asked to pause; %2 left").arg(key, seconds(state.blockedUntilMs - now));
    if (const qint64 ms = state.requests.msUntil(1, now); ms > 0)
        return tr("request limit of %1/min at %2; next slot in %3")
            .arg(std::lround(state.requests.capacity))
            .arg(key, seconds(ms));
    const qint64 tokens = state.queue.front().estimatedTokens;
    if (const qint64 ms = state.tokens.msUntil(static_cast<double>(tokens), now); ms > 0)
        return tr("token limit of %1/min at %2; ~%3 tokens free in %4")
            .arg(std::lround(state.tokens.capacity))
            .arg(key)
            .arg(tokens)
            .arg(seconds(ms));
    return {};
}

QString RequestScheduler::waitReason(Ticket ticket) const
{
    const qint64 now = m_clock();
    for (const auto &[key, state] : m_providers) {
        for (std::size_t position = 0; position < state.queue.size(); ++position) {
            if (state.queue[position].ticket != ticket)
                continue;
            if (position > 0)
                return tr("%n request(s) ahead of it at %1", nullptr, static_cast<int>(position)).arg(key);
            return describeHeadWait(key, state, now);
        }
    }
    return {};
}

void RequestScheduler::dispatch()
{
    // A granted callback may enqueue, withdraw or complete at once; those calls come back here.
    if (m_dispatching) {
        m_dispatchAgain = true;
        return;
    }
    m_dispatching = true;
    do {
        m_dispatchAgain = false;
        for (auto &[key, state] : m_providers) {
            while (headWaitMs(state, m_clock()) == 0) {
                const qint64 now = m_clock();
                Waiting head = std::move(state.queue.front());
                state.queue.pop_front();
                ++state.running;
                state.requests.refill(now);
                state.tokens.refill(now);
                state.requests.level -= 1;
                state.tokens.level -= static_cast<double>(head.estimatedTokens);
                m_granted.insert(head.ticket, Grant{key, head.estimatedTokens});
                Q_EMIT queueChanged(key);
                head.granted(head.ticket);
            }
        }
    } while (m_dispatchAgain);
    m_dispatching = false;

    qint64 nextWake = -1;
    const qint64 now = m_clock();
    for (const auto &[key, state] : m_providers) {
        const qint64 wait = headWaitMs(state, now);
        if (wait > 0 && (nextWake < 0 || wait < nextWake))
            nextWake = wait;
    }
    if (nextWake > 0)
        m_wake.start(static_cast<int>(std::min<qint64>(nextWake, kMaxServerPauseMs)));
    else
        m_wake.stop();
}

void RequestScheduler::learn(Provider &state, qint64 estimatedTokens, const ChatOutcome &outcome, qint64 now)
{
    const QDateTime wallNow = QDateTime::currentDateTimeUtc();

    // The estimate stood in for the real count while the request ran.
    const TokenUsage &usage = outcome.usage;
    if (state.tokens.isLimited() && usage.inputTokens >= 0 && usage.outputTokens >= 0) {
        state.tokens.refill(now);
        state.tokens.level =
            std::min(state.tokens.capacity, state.tokens.level + static_cast<double>(estimatedTokens) -
                                                static_cast<double>(usage.inputTokens + usage.outputTokens));
    }

    const RateLimitReport report = parseRateLimitHeaders(outcome.responseHeaders, wallNow);
    const auto apply = [&](Bucket &bucket, const RateLimitWindow &window, double configured) {
        if (window.limit && *window.limit > 0) {
            const double reported = static_cast<double>(*window.limit);
            bucket.resize(configured > 0 ? std::min(configured, reported) : reported, now);
        }
        if (window.remaining && bucket.isLimited()) {
            bucket.refill(now);
            bucket.level = std::min(bucket.level, static_cast<double>(*window.remaining));
        }
        if (window.remaining == 0 && window.resetInMs)
            state.blockedUntilMs =
                std::max(state.blockedUntilMs, now + std::min(*window.resetInMs, kMaxServerPauseMs));
    };
    apply(state.requests, report.requests, state.configured.requestsPerMinute);
    apply(state.tokens, report.tokens, state.configured.tokensPerMinute);

    if (outcome.httpStatus == 429) {
        if (const auto pause = serverRetryDelayMs(outcome.responseHeaders, wallNow); pause && *pause > 0)
            state.blockedUntilMs =
                std::max(state.blockedUntilMs, now + std::min<qint64>(*pause, kMaxServerPauseMs));
    }
}

} // namespace Lathe::Providers
