// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include "base/Result.h"

namespace Lathe::Mock
{

/**
 * A failure (or special behaviour) the simulator injects on purpose, so that clients can be
 * tested against what real providers do. Written as `NAME[:N][*K]`:
 *   http-NNN            answer with HTTP status NNN (400-599) and the protocol's JSON error body;
 *                       for 429, 503 and 529, N is the retry-after in ms (429 defaults to 1000)
 *   reset-mid-stream:N  drop the connection after N streamed pieces
 *   error-after-200:N   after N pieces send the protocol's error event in the 200 stream
 *   malformed-event:N   after N pieces send an event whose JSON is broken, then carry on
 *   stall:N             halfway through, send nothing for N ms (default 10000), then carry on
 *   slow-drip:N         wait N ms (default 200) between pieces, whatever the token rate
 *   tool-call           answer with a call to the first tool the request offers
 *   invalid-json        (a request with a response schema) answer with the schema's instance
 *                       cut short after a comma, so that it does not parse
 *   schema-violation    (a request with a response schema) answer with JSON that parses but
 *                       breaks the schema: the first required property left out, or the root
 *                       of a type (or value) the schema does not allow
 * Without N, a stream fault strikes halfway through the answer. `*K` applies the fault to the
 * first K requests that name this exact spec and lets later ones through, for retry tests.
 */
struct SimulatorFault
{
    enum class Kind
    {
        None,
        HttpStatus,
        ResetMidStream,
        ErrorAfter200,
        MalformedEvent,
        Stall,
        SlowDrip,
        ToolCall,
        InvalidJson,
        SchemaViolation,
    };

    Kind kind = Kind::None;
    int httpStatus = 0;   ///< HttpStatus
    int afterTokens = -1; ///< where a stream fault strikes: -1 means halfway
    int durationMs = -1;  ///< Stall and SlowDrip durations; retry-after for HttpStatus (-1: none)
    int times = -1;       ///< the first K requests with this spec; -1: every request
    QString spec;         ///< the text it was parsed from

    static Result<SimulatorFault> parse(const QString &text);
    static QStringList knownNames();
    /** The piece index at which a stream of `total` pieces faults. */
    qsizetype faultIndex(qsizetype total) const;
};

} // namespace Lathe::Mock
