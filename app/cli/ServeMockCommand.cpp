// SPDX-License-Identifier: GPL-3.0-or-later
#include "ServeMockCommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include "CliSupport.h"
#include "mock/SimulatorServer.h"

namespace Lathe::Cli
{

namespace
{

const QString kCommand = QStringLiteral("serve-mock");

} // namespace

int serveMockCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serve the built-in provider simulator (OpenAI-compatible) on 127.0.0.1 until killed."));
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("Port to listen on; 0 or none picks a free one."),
         QStringLiteral("N")},
        {QStringLiteral("tokens-per-second"), QStringLiteral("Streaming pace; 0 sends at once (default 40)."),
         QStringLiteral("X")},
        {QStringLiteral("first-token-ms"), QStringLiteral("Delay before the first token (default 250)."),
         QStringLiteral("N")},
        {QStringLiteral("fault"),
         QStringLiteral("Inject a fault into every request: %1.")
             .arg(Mock::SimulatorFault::knownNames().join(QStringLiteral(", "))),
         QStringLiteral("NAME")},
        {QStringLiteral("requests-per-minute"),
         QStringLiteral("Limit requests like OpenAI does: rate-limit headers on every answer, 429 over the "
                        "limit (default: no limit)."),
         QStringLiteral("N")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode))
        return exitCode;

    Mock::SimulatorOptions options;
    quint16 port = 0;
    if (parser.isSet(QStringLiteral("port"))) {
        bool ok = false;
        const uint value = parser.value(QStringLiteral("port")).toUInt(&ok);
        if (!ok || value > 65535)
            return usageError(kCommand, QStringLiteral("--port must be a number from 0 to 65535"));
        port = static_cast<quint16>(value);
    }
    if (parser.isSet(QStringLiteral("tokens-per-second"))) {
        bool ok = false;
        options.tokensPerSecond = parser.value(QStringLiteral("tokens-per-second")).toDouble(&ok);
        if (!ok || options.tokensPerSecond < 0)
            return usageError(kCommand, QStringLiteral("--tokens-per-second must be a number ≥ 0"));
    }
    if (parser.isSet(QStringLiteral("first-token-ms"))) {
        bool ok = false;
        options.firstTokenDelayMs = parser.value(QStringLiteral("first-token-ms")).toInt(&ok);
        if (!ok || options.firstTokenDelayMs < 0)
            return usageError(kCommand, QStringLiteral("--first-token-ms must be a whole number ≥ 0"));
    }
    if (parser.isSet(QStringLiteral("requests-per-minute"))) {
        bool ok = false;
        options.requestsPerMinute = parser.value(QStringLiteral("requests-per-minute")).toInt(&ok);
        if (!ok || options.requestsPerMinute < 1)
            return usageError(kCommand, QStringLiteral("--requests-per-minute must be a whole number ≥ 1"));
    }
    if (parser.isSet(QStringLiteral("fault"))) {
        auto fault = Mock::SimulatorFault::parse(parser.value(QStringLiteral("fault")));
        if (!fault)
            return usageError(kCommand, fault.error().toString());
        options.fault = *fault;
    }

    Mock::SimulatorServer server(options);
    const auto listening = server.listen(port);
    if (!listening) {
        writeErr(QStringLiteral("lathe-cli serve-mock: ") + listening.error().toString());
        return ExitFailed;
    }
    writeOut(QStringLiteral("listening on http://127.0.0.1:%1\n").arg(*listening));
    return QCoreApplication::exec();
}

} // namespace Lathe::Cli
