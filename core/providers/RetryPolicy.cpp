// SPDX-License-Identifier: GPL-3.0-or-later
#include "RetryPolicy.h"

#include <cmath>

#include <QLocale>

#include "http/HttpHeaders.h"

namespace Lathe::Providers
{

using Http::headerValue;

namespace
{

// A 429 can mean "slow down" or "out of money": retrying the second only burns time. These are
// the codes providers use for the second (OpenAI insufficient_quota, Anthropic billing_error and
// spend limits).
bool isQuotaExhausted(const Lathe::Error &error)
{
    static const QStringList markers = {QStringLiteral("insufficient_quota"), QStringLiteral("billing_error"),
                                        QStringLiteral("billing_hard_limit_reached"),
                                        QStringLiteral("spend_limit")};
    for (const QString &marker : markers) {
        if (error.providerCode.contains(marker, Qt::CaseInsensitive) ||
            error.message.contains(marker, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

std::optional<int> serverRetryDelayMs(const QList<QPair<QByteArray, QByteArray>> &headers,
                                      const QDateTime &now)
{
    if (const auto ms = headerValue(headers, "retry-after-ms")) {
        bool ok = false;
        const double value = ms->toDouble(&ok);
        if (ok && std::isfinite(value))
            return static_cast<int>(std::min(value, 1e9));
    }
    if (const auto after = headerValue(headers, "retry-after")) {
        bool ok = false;
        const double seconds = after->toDouble(&ok);
        if (ok && std::isfinite(seconds))
            return static_cast<int>(std::min(seconds * 1000.0, 1e9));
        // An HTTP date (RFC 9110 IMF-fixdate), e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
        const QDateTime date = QLocale::c().toDateTime(QString::fromLatin1(*after),
                                                       QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
        if (date.isValid()) {
            QDateTime utc = date;
            utc.setTimeSpec(Qt::UTC);
            return static_cast<int>(std::max<qint64>(0, now.msecsTo(utc)));
        }
    }
    return std::nullopt;
}

bool RetryPolicy::isRetryable(const ChatOutcome &outcome) const
{
    if (outcome.completed || !outcome.error)
        return false;
    // After the first delta a retry would show a different answer: report the partial one.
    if (!outcome.timings.deltaArrivalMs.isEmpty())
        return false;
    const Lathe::Error &error = *outcome.error;
    if (const auto shouldRetry = headerValue(outcome.responseHeaders, "x-should-retry")) {
        if (*shouldRetry == "true")
            return true;
        if (*shouldRetry == "false")
            return false;
    }
    switch (error.code) {
    case ErrorCode::Network:
    case ErrorCode::Timeout:
    case ErrorCode::Truncated:
        return true;
    case ErrorCode::Http: {
        const int status = error.httpStatus;
        if (status == 429)
            return !isQuotaExhausted(error);
        return status == 408 || status == 409 || status >= 500;
    }
    case ErrorCode::Provider:
        // An error event inside a 200 stream before any text: overloads look like this too.
        return !isQuotaExhausted(error);
    case ErrorCode::InvalidArgument:
    case ErrorCode::Io:
    case ErrorCode::Protocol:
    case ErrorCode::Cancelled:
        return false;
    }
    return false;
}

int RetryPolicy::delayMs(const ChatOutcome &outcome, int retry, double jitter, const QDateTime &now) const
{
    if (const auto server = serverRetryDelayMs(outcome.responseHeaders, now);
        server && *server > 0 && *server <= maxServerDelayMs)
        return *server;
    const double backoff =
        std::min<double>(initialBackoffMs * std::pow(2.0, std::max(0, retry - 1)), maxBackoffMs);
    const double factor = 1.0 - 0.25 * std::clamp(jitter, 0.0, 1.0);
    return static_cast<int>(std::lround(backoff * factor));
}

} // namespace Lathe::Providers
