// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <deque>
#include <functional>

#include <QByteArray>

namespace Lathe::Mock
{

/**
 * A per-minute request limit for the simulator, enforced the way OpenAI reports it: a sliding
 * 60-second window, and `x-ratelimit-{limit,remaining,reset}-requests` headers on every answer
 * (the reset as a Go duration: when the oldest request in the window leaves it). A request over
 * the limit gets a 429 with `retry-after-ms` and `retry-after`. With this a client's scheduler
 * can be tested against real headers over real HTTP.
 */
class SimulatedRateLimit
{
public:
    using Clock = std::function<qint64()>; ///< milliseconds, monotonic

    /** `requestsPerMinute` 0: no limit and no headers. */
    explicit SimulatedRateLimit(int requestsPerMinute = 0, Clock clock = {});

    struct Decision
    {
        bool allowed = true;
        QByteArray headers; ///< header lines, each ending in CRLF; empty without a limit
    };

    /** Counts a request when the window has room for it. */
    Decision admit();

private:
    void forgetOld(qint64 now);

    int m_limit;
    Clock m_clock;
    std::deque<qint64> m_window; ///< when each request in the last minute arrived
};

/** A Go duration as OpenAI writes its resets: "20ms", "1.5s", "1m0s", "2m3.25s". */
QByteArray goDuration(qint64 ms);

} // namespace Lathe::Mock
