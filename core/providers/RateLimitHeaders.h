// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArrayView>
#include <QDateTime>

#include "http/HttpHeaders.h"

namespace Lathe::Providers
{

/** One limit as a provider reported it on a response; what it did not say is empty. */
struct RateLimitWindow
{
    std::optional<qint64> limit;     ///< per minute
    std::optional<qint64> remaining; ///< left in the current window
    std::optional<qint64> resetInMs; ///< until the window is full again

    bool isEmpty() const { return !limit && !remaining && !resetInMs; }
};

/** The request and token limits a response reported. */
struct RateLimitReport
{
    RateLimitWindow requests;
    RateLimitWindow tokens;

    bool isEmpty() const { return requests.isEmpty() && tokens.isEmpty(); }
};

/**
 * Reads the rate-limit headers of OpenAI and the servers that copy it (Azure, Groq, Together:
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as Go durations or Azure's
 * seconds) and of Anthropic (`anthropic-ratelimit-{requests,tokens,input-tokens,
 * output-tokens}-{limit,remaining,reset}`, resets as RFC 3339 times). For Anthropic's separate
 * input and output token limits the more restrictive one (the fewer remaining) is reported.
 * A malformed value is left out rather than guessed.
 */
RateLimitReport parseRateLimitHeaders(const Http::HeaderList &headers, const QDateTime &now);

/**
 * A Go duration ("1s", "6m0s", "20ms", "1h2m3.5s", "1.5µs") or plain seconds ("12", "0.5"),
 * in milliseconds rounded up so that a wait is never cut short. Empty when malformed.
 */
std::optional<qint64> parseDurationMs(QByteArrayView text);

} // namespace Lathe::Providers
