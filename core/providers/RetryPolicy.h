// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>

#include "ChatOutcome.h"

namespace Lathe::Providers
{

/**
 * When a failed attempt is tried again, and after how long. The rules are those of the official
 * OpenAI and Anthropic SDKs (see docs/ARCHITECTURE.md): one policy for every protocol.
 */
struct RetryPolicy
{
    int maxRetries = 2;            ///< attempts after the first, per model in a fallback chain
    int initialBackoffMs = 500;    ///< the first wait when the server names none
    int maxBackoffMs = 8'000;      ///< the longest computed wait
    int maxServerDelayMs = 60'000; ///< a server-named wait longer than this is not honoured

    /** Whether the failed attempt may be tried again (not whether retries are left). */
    bool isRetryable(const ChatOutcome &outcome) const;
    /**
     * The wait before retry number `retry` (1 for the first): the server's retry-after-ms or
     * retry-after when it names a usable one, else min(initial * 2^(retry-1), max) scaled by
     * `jitter` (a number in [0, 1), mapped to a factor in [0.75, 1]).
     */
    int delayMs(const ChatOutcome &outcome, int retry, double jitter, const QDateTime &now) const;
};

/** The server's requested wait from retry-after-ms or retry-after (seconds or an HTTP date). */
std::optional<int> serverRetryDelayMs(const QList<QPair<QByteArray, QByteArray>> &headers,
                                      const QDateTime &now);

} // namespace Lathe::Providers
