// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>

#include "ChatTypes.h"

namespace Lathe::Providers
{

/** When things happened during one request, in milliseconds since it was sent. */
struct StreamTimings
{
    double firstTokenMs = -1;     ///< first text or tool-call delta; -1 if none arrived
    double totalMs = -1;          ///< the end of the response, complete or not
    QList<double> deltaArrivalMs; ///< arrival time of every delta, for inter-token latency
};

/** Everything known about one finished request: the answer, how it ended, and its timings. */
struct ChatOutcome
{
    bool completed = false;            ///< the provider said the answer is complete
    std::optional<Lathe::Error> error; ///< why it is not, when it is not
    QString text;                      ///< every text delta that arrived, complete or not
    QString reasoning;                 ///< every reasoning delta that arrived
    QList<ToolCall> toolCalls;         ///< assembled from the deltas, in index order
    QString finishReason;              ///< the provider's own word, e.g. "stop" or "length"
    TokenUsage usage;
    int httpStatus = 0;
    QList<QPair<QByteArray, QByteArray>> responseHeaders; ///< as received: retry-after, rate limits
    StreamTimings timings;

    /** Output tokens as the provider reported them, else the number of text deltas. */
    qint64 outputTokens() const;
    /** Generation speed: output tokens over the time from first token to the end; none for
     *  an answer that arrived in one piece. */
    std::optional<double> tokensPerSecond() const;

    /** Inter-token latency: the gaps between consecutive deltas' arrivals. */
    struct Latency
    {
        double p50Ms = 0;
        double p95Ms = 0;
        double maxMs = 0;
    };
    /** None when fewer than two deltas arrived. Percentiles by the nearest-rank method. */
    std::optional<Latency> interTokenLatency() const;
};

} // namespace Lathe::Providers

Q_DECLARE_METATYPE(Lathe::Providers::ChatOutcome)
