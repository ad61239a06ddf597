// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliSupport.h"

#include <cstdio>

#include <QFile>
#include <QRegularExpression>

#include "providers/ChatTypes.h"

namespace Lathe::Cli
{

Result<QByteArray> readInputFile(const QString &path)
{
    QFile file;
    const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly)
                                     : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened)
        return fail(ErrorCode::Io, QStringLiteral("cannot read: %1").arg(file.errorString()), path);
    return file.readAll();
}

Result<QUrl> parseBaseUrl(const QString &text, const QString &option)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 '%2' is not an http(s) URL with a host").arg(option, text));
    return url;
}

Result<Providers::WireProtocol> parseProvider(const QString &name)
{
    if (const auto protocol = Providers::wireProtocolFromName(name))
        return *protocol;
    return fail(ErrorCode::InvalidArgument,
                QStringLiteral("unknown provider '%1'; use one of: %2")
                    .arg(name, Providers::wireProtocolNames().join(QStringLiteral(", "))));
}

void writeOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    writeOutBytes(std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

void writeOutBytes(std::string_view bytes)
{
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
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
                     int &exitCode, qsizetype maxPositional)
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
    if (parser.positionalArguments().size() > maxPositional) {
        exitCode = usageError(
            command,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().at(maxPositional)));
        return false;
    }
    return true;
}

} // namespace Lathe::Cli
