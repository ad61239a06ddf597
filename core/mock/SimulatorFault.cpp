// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatorFault.h"

namespace Lathe::Mock
{

Result<SimulatorFault> SimulatorFault::parse(const QString &text)
{
    SimulatorFault fault;
    const QString spec = text.trimmed();
    if (spec.isEmpty() || spec == QLatin1String("none"))
        return fault;

    QString name = spec;
    const qsizetype colon = spec.indexOf(QLatin1Char(':'));
    if (colon >= 0) {
        name = spec.first(colon);
        bool ok = false;
        fault.afterTokens = spec.sliced(colon + 1).toInt(&ok);
        if (!ok || fault.afterTokens < 0)
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("fault \"%1\": the count after ':' must be a whole number ≥ 0").arg(spec));
    }

    if (name.startsWith(QLatin1String("http-"))) {
        bool ok = false;
        fault.httpStatus = name.sliced(5).toInt(&ok);
        if (!ok || fault.httpStatus < 400 || fault.httpStatus > 599)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("fault \"%1\": the status must be between 400 and 599").arg(spec));
        fault.kind = Kind::HttpStatus;
    } else if (name == QLatin1String("reset-mid-stream")) {
        fault.kind = Kind::ResetMidStream;
    } else if (name == QLatin1String("error-after-200")) {
        fault.kind = Kind::ErrorAfter200;
    } else if (name == QLatin1String("malformed-event")) {
        fault.kind = Kind::MalformedEvent;
    } else {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("unknown fault \"%1\"; known faults: %2")
                                                    .arg(spec, knownNames().join(QStringLiteral(", "))));
    }
    if (fault.kind == Kind::HttpStatus && colon >= 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("fault \"%1\" takes no count").arg(spec));
    return fault;
}

QStringList SimulatorFault::knownNames()
{
    return {QStringLiteral("http-NNN"), QStringLiteral("reset-mid-stream[:N]"),
            QStringLiteral("error-after-200[:N]"), QStringLiteral("malformed-event[:N]")};
}

qsizetype SimulatorFault::faultIndex(qsizetype total) const
{
    if (afterTokens >= 0)
        return std::min<qsizetype>(afterTokens, total);
    return total / 2;
}

} // namespace Lathe::Mock
