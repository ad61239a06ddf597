// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatorFault.h"

namespace Lathe::Mock
{

namespace
{

Result<int> wholeNumber(const QString &text, const QString &spec, const char *what)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("fault \"%1\": %2 must be a whole number ≥ 0").arg(spec, QLatin1String(what)));
    return value;
}

} // namespace

Result<SimulatorFault> SimulatorFault::parse(const QString &text)
{
    SimulatorFault fault;
    const QString spec = text.trimmed();
    fault.spec = spec;
    if (spec.isEmpty() || spec == QLatin1String("none"))
        return fault;

    QString name = spec;
    if (const qsizetype star = name.indexOf(QLatin1Char('*')); star >= 0) {
        auto times = wholeNumber(name.sliced(star + 1), spec, "the count after '*'");
        if (!times)
            return tl::unexpected(times.error());
        fault.times = *times;
        name.truncate(star);
    }
    std::optional<int> number;
    if (const qsizetype colon = name.indexOf(QLatin1Char(':')); colon >= 0) {
        auto value = wholeNumber(name.sliced(colon + 1), spec, "the number after ':'");
        if (!value)
            return tl::unexpected(value.error());
        number = *value;
        name.truncate(colon);
    }

    if (name.startsWith(QLatin1String("http-"))) {
        bool ok = false;
        fault.httpStatus = name.sliced(5).toInt(&ok);
        if (!ok || fault.httpStatus < 400 || fault.httpStatus > 599)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("fault \"%1\": the status must be between 400 and 599").arg(spec));
        fault.kind = Kind::HttpStatus;
        const bool retryable = fault.httpStatus == 429 || fault.httpStatus == 503 || fault.httpStatus == 529;
        if (number && !retryable)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("fault \"%1\": only 429, 503 and 529 take a retry-after").arg(spec));
        fault.durationMs = number.value_or(fault.httpStatus == 429 ? 1000 : -1);
        return fault;
    }

    // What the number after ':' means for each fault.
    enum class Number
    {
        None,
        PieceCount,
        Duration,
    };
    const struct
    {
        const char *name;
        Kind kind;
        Number number;
        int defaultDuration;
    } kinds[] = {
        {"reset-mid-stream", Kind::ResetMidStream, Number::PieceCount, -1},
        {"error-after-200", Kind::ErrorAfter200, Number::PieceCount, -1},
        {"malformed-event", Kind::MalformedEvent, Number::PieceCount, -1},
        {"stall", Kind::Stall, Number::Duration, 10'000},
        {"slow-drip", Kind::SlowDrip, Number::Duration, 200},
        {"tool-call", Kind::ToolCall, Number::None, -1},
        {"invalid-json", Kind::InvalidJson, Number::None, -1},
        {"schema-violation", Kind::SchemaViolation, Number::None, -1},
    };
    for (const auto &known : kinds) {
        if (name != QLatin1String(known.name))
            continue;
        fault.kind = known.kind;
        switch (known.number) {
        case Number::None:
            if (number)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("fault \"%1\" takes no number").arg(spec));
            break;
        case Number::PieceCount:
            fault.afterTokens = number.value_or(-1);
            break;
        case Number::Duration:
            fault.durationMs = number.value_or(known.defaultDuration);
            break;
        }
        return fault;
    }
    return fail(ErrorCode::InvalidArgument, QStringLiteral("unknown fault \"%1\"; known faults: %2")
                                                .arg(spec, knownNames().join(QStringLiteral(", "))));
}

QStringList SimulatorFault::knownNames()
{
    return {QStringLiteral("http-NNN[:RETRY_AFTER_MS]"),
            QStringLiteral("reset-mid-stream[:N]"),
            QStringLiteral("error-after-200[:N]"),
            QStringLiteral("malformed-event[:N]"),
            QStringLiteral("stall[:MS]"),
            QStringLiteral("slow-drip[:MS]"),
            QStringLiteral("tool-call"),
            QStringLiteral("invalid-json"),
            QStringLiteral("schema-violation"),
            QStringLiteral("…[*TIMES]")};
}

qsizetype SimulatorFault::faultIndex(qsizetype total) const
{
    if (afterTokens >= 0)
        return std::min<qsizetype>(afterTokens, total);
    return total / 2;
}

} // namespace Lathe::Mock
