// SPDX-License-Identifier: GPL-3.0-or-later
#include "RateLimitHeaders.h"

#include <cmath>

namespace Lathe::Providers
{

namespace
{

using Http::headerValue;

std::optional<qint64> count(const Http::HeaderList &headers, const QByteArray &name)
{
    const auto value = headerValue(headers, name);
    if (!value)
        return std::nullopt;
    bool ok = false;
    const qint64 number = value->toLongLong(&ok);
    if (!ok || number < 0)
        return std::nullopt;
    return number;
}

RateLimitWindow openAiWindow(const Http::HeaderList &headers, const QByteArray &kind)
{
    RateLimitWindow window;
    window.limit = count(headers, "x-ratelimit-limit-" + kind);
    window.remaining = count(headers, "x-ratelimit-remaining-" + kind);
    if (const auto reset = headerValue(headers, QByteArray("x-ratelimit-reset-" + kind)))
        window.resetInMs = parseDurationMs(*reset);
    return window;
}

RateLimitWindow anthropicWindow(const Http::HeaderList &headers, const QByteArray &kind, const QDateTime &now)
{
    const QByteArray prefix = "anthropic-ratelimit-" + kind;
    RateLimitWindow window;
    window.limit = count(headers, prefix + "-limit");
    window.remaining = count(headers, prefix + "-remaining");
    if (const auto reset = headerValue(headers, QByteArray(prefix + "-reset"))) {
        const QDateTime at = QDateTime::fromString(QString::fromLatin1(*reset), Qt::ISODateWithMs);
        if (at.isValid())
            window.resetInMs = std::max<qint64>(0, now.msecsTo(at));
    }
    return window;
}

// The window that runs out first: the one with fewer tokens remaining.
RateLimitWindow moreRestrictive(const RateLimitWindow &a, const RateLimitWindow &b)
{
    if (a.isEmpty())
        return b;
    if (b.isEmpty() || !b.remaining)
        return a;
    if (!a.remaining)
        return b;
    return *b.remaining < *a.remaining ? b : a;
}

} // namespace

std::optional<qint64> parseDurationMs(QByteArrayView text)
{
    const QByteArray input = text.trimmed().toByteArray();
    if (input.isEmpty())
        return std::nullopt;
    bool plain = false;
    const double seconds = input.toDouble(&plain);
    if (plain)
        return std::isfinite(seconds) && seconds >= 0
                   ? std::optional(static_cast<qint64>(std::ceil(seconds * 1000)))
                   : std::nullopt;

    // Go's time.Duration.String(): one or more <decimal><unit> terms, largest unit first.
    static const QList<QPair<QByteArray, double>> units = {
        {"ns", 1e-6}, {"us", 1e-3}, {"\xC2\xB5s", 1e-3}, {"\xCE\xBCs", 1e-3},
        {"ms", 1.0},  {"s", 1e3},   {"m", 6e4},          {"h", 3.6e6}};
    double totalMs = 0;
    qsizetype pos = 0;
    while (pos < input.size()) {
        const qsizetype numberStart = pos;
        while (pos < input.size() &&
               (std::isdigit(static_cast<unsigned char>(input[pos])) || input[pos] == '.'))
            ++pos;
        if (pos == numberStart)
            return std::nullopt;
        bool ok = false;
        const double value = input.mid(numberStart, pos - numberStart).toDouble(&ok);
        if (!ok)
            return std::nullopt;
        const qsizetype unitStart = pos;
        while (pos < input.size() && !std::isdigit(static_cast<unsigned char>(input[pos])) &&
               input[pos] != '.')
            ++pos;
        const QByteArray unit = input.mid(unitStart, pos - unitStart);
        const auto found = std::find_if(units.cbegin(), units.cend(),
                                        [&unit](const auto &entry) { return entry.first == unit; });
        if (found == units.cend())
            return std::nullopt;
        totalMs += value * found->second;
    }
    if (!std::isfinite(totalMs))
        return std::nullopt;
    return static_cast<qint64>(std::ceil(totalMs));
}

RateLimitReport parseRateLimitHeaders(const Http::HeaderList &headers, const QDateTime &now)
{
    RateLimitReport report;
    report.requests = openAiWindow(headers, "requests");
    report.tokens = openAiWindow(headers, "tokens");
    if (report.requests.isEmpty())
        report.requests = anthropicWindow(headers, "requests", now);
    if (report.tokens.isEmpty()) {
        // `tokens` is documented as the most restrictive limit in effect; older responses carry
        // only the separate input and output limits.
        report.tokens = anthropicWindow(headers, "tokens", now);
        if (report.tokens.isEmpty())
            report.tokens = moreRestrictive(anthropicWindow(headers, "input-tokens", now),
                                            anthropicWindow(headers, "output-tokens", now));
    }
    return report;
}

} // namespace Lathe::Providers
