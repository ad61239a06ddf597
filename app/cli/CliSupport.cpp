// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliSupport.h"

#include <cstdio>

#include <QRegularExpression>

namespace Lathe::Cli
{

void writeOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeErr(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

int usageError(const QString &command, const QString &message)
{
    writeErr(QStringLiteral("lathe-cli %1: %2").arg(command, message));
    writeErr(QStringLiteral("Run 'lathe-cli %1 --help' for its options.").arg(command));
    return ExitUsage;
}

bool parseSubcommand(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                     int &exitCode)
{
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(QStringList{QStringLiteral("lathe-cli ") + command} + arguments)) {
        exitCode = usageError(command, parser.errorText());
        return false;
    }
    if (parser.isSet(help)) {
        // Qt's help names only the program; the subcommand belongs in the usage line too.
        QString text = parser.helpText();
        text.replace(QRegularExpression(QStringLiteral("^Usage: \\S+")),
                     QStringLiteral("Usage: lathe-cli ") + command);
        writeOut(text);
        exitCode = ExitOk;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        exitCode = usageError(
            command, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().front()));
        return false;
    }
    return true;
}

} // namespace Lathe::Cli
