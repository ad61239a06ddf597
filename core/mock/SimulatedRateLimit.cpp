// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatedRateLimit.h"

#include <memory>

#include <QElapsedTimer>
#include <QStringBuilder>

namespace Lathe::Mock
{

namespace
{

constexpr qint64 kWindowMs = 60'000;

QByteArray seconds(qint64 ms)
{
    // Three decimals at most, trailing zeros dropped: 1500 → "1.5", 2000 → "2".
    QByteArray text = QByteArray::number(static_cast<double>(ms) / 1000.0, 'f', 3);
    while (text.endsWith('0'))
        text.chop(1);
    if (text.endsWith('.'))
        text.chop(1);
    return text;
}

} // namespace

QByteArray goDuration(qint64 ms)
{
    if (ms < 1000)
        return QByteArray::number(std::max<qint64>(0, ms)) + "ms";
    if (ms < 60'000)
        return seconds(ms) + 's';
    return QByteArray::number(ms / 60'000) + 'm' + seconds(ms % 60'000) + 's';
}

SimulatedRateLimit::SimulatedRateLimit(int requestsPerMinute, Clock clock)
    : m_limit(requestsPerMinute)
    , m_clock(std::move(clock))
{
    if (!m_clock) {
        auto monotonic = std::make_shared<QElapsedTimer>();
        monotonic->start();
        m_clock = [monotonic] {
            return monotonic->elapsed();
        };
    }
}

void SimulatedRateLimit::forgetOld(qint64 now)
{
    while (!m_window.empty() && now - m_window.front() >= kWindowMs)
        m_window.pop_front();
}

SimulatedRateLimit::Decision SimulatedRateLimit::admit()
{
    if (m_limit <= 0)
        return {};
    const qint64 now = m_clock();
    forgetOld(now);
    Decision decision;
    decision.allowed = static_cast<int>(m_window.size()) < m_limit;
    if (decision.allowed)
        m_window.push_back(now);
    const qint64 resetMs = m_window.empty() ? 0 : kWindowMs - (now - m_window.front());
    const auto remaining = std::max<qsizetype>(0, m_limit - static_cast<qsizetype>(m_window.size()));
    decision.headers = "x-ratelimit-limit-requests: " + QByteArray::number(m_limit) +
                       "\r\nx-ratelimit-remaining-requests: " + QByteArray::number(remaining) +
                       "\r\nx-ratelimit-reset-requests: " + goDuration(resetMs) + "\r\n";
    if (!decision.allowed) {
        decision.headers += "retry-after-ms: " + QByteArray::number(resetMs) +
                            "\r\nretry-after: " + QByteArray::number((resetMs + 999) / 1000) + "\r\n";
    }
    return decision;
}

} // namespace Lathe::Mock
