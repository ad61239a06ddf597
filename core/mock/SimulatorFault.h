// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include "base/Result.h"

namespace Lathe::Mock
{

/**
 * A failure the simulator injects on purpose, so that clients can be tested against what real
 * providers do. Named in text as `kind[:N]`:
 *   http-NNN            answer with HTTP status NNN (400-599) and a provider-style JSON error body
 *   reset-mid-stream:N  drop the connection after N streamed tokens
 *   error-after-200:N   after N tokens send an `error` payload in the 200 stream, then [DONE]
 *   malformed-event:N   after N tokens send an event whose JSON is broken, then carry on
 * Without N, the stream fails halfway through the answer.
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
    };

    Kind kind = Kind::None;
    int httpStatus = 0;   ///< HttpStatus
    int afterTokens = -1; ///< the stream faults: -1 means halfway

    static Result<SimulatorFault> parse(const QString &text);
    static QStringList knownNames();
    /** The token index at which a stream of `total` tokens faults. */
    qsizetype faultIndex(qsizetype total) const;
};

} // namespace Lathe::Mock
