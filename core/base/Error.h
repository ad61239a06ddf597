// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Lathe
{

/** What kind of failure an Error describes; callers branch on this, people read the message. */
enum class ErrorCode
{
    InvalidArgument, ///< a caller or user passed something unusable (CLI flags, settings)
    Io,              ///< a file could not be read or written
    Network,         ///< the connection failed: refused, reset, DNS, TLS
    Http,            ///< the server answered with an HTTP error status
    Provider,        ///< the provider reported an error inside a successful (200) stream
    Protocol,        ///< the bytes broke the wire protocol: malformed event, bad JSON
    Truncated,       ///< the stream ended before the provider said it was complete
    Cancelled,       ///< the user (or the app) stopped the request
    Timeout,         ///< a deadline passed
};

/**
 * A failure as a value: a code to branch on, a message a person understands, and where it
 * happened (a file and line, a byte offset in a stream, a URL, a JSON field). Plain value type,
 * safe to copy across threads.
 */
struct Error
{
    Error() = default;
    Error(ErrorCode errorCode, QString errorMessage, QString errorWhere = {}, int status = 0,
          QString errorProviderCode = {})
        : code(errorCode)
        , message(std::move(errorMessage))
        , where(std::move(errorWhere))
        , httpStatus(status)
        , providerCode(std::move(errorProviderCode))
    {}

    ErrorCode code = ErrorCode::InvalidArgument;
    QString message;
    QString where;
    int httpStatus = 0;   ///< the HTTP status when code is Http, else 0
    QString providerCode; ///< the provider's machine-readable code, e.g. "insufficient_quota"

    /** One line: "message (where)", or just the message when there is no location. */
    QString toString() const;
};

QString errorCodeName(ErrorCode code);

} // namespace Lathe
