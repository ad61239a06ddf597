// SPDX-License-Identifier: GPL-3.0-or-later
#include "Error.h"

namespace Lathe
{

QString Error::toString() const
{
    if (where.isEmpty())
        return message;
    return message + QStringLiteral(" (") + where + QLatin1Char(')');
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return QStringLiteral("invalid_argument");
    case ErrorCode::Io:
        return QStringLiteral("io");
    case ErrorCode::Network:
        return QStringLiteral("network");
    case ErrorCode::Http:
        return QStringLiteral("http");
    case ErrorCode::Provider:
        return QStringLiteral("provider");
    case ErrorCode::Protocol:
        return QStringLiteral("protocol");
    case ErrorCode::Truncated:
        return QStringLiteral("truncated");
    case ErrorCode::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorCode::Timeout:
        return QStringLiteral("timeout");
    }
    return QStringLiteral("unknown");
}

} // namespace Lathe
