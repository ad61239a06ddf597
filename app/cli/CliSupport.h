// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "base/Result.h"
#include "providers/ChatTypes.h"

namespace Lathe::Cli
{

/** Exit codes shared by every subcommand. */
enum ExitCode : int
{
    ExitOk = 0,
    ExitFailed = 1, ///< the work itself failed: a request, a validation
    ExitUsage = 2,  ///< the command line or an input file was unusable
};

/** An http(s) URL with a host, from the value of `option`. */
Result<QUrl> parseBaseUrl(const QString &text, const QString &option);
/** A wire protocol by its command-line name (openai, anthropic, …). */
Result<Providers::WireProtocol> parseProvider(const QString &name);

/** A whole input file, or stdin for "-". */
Result<QByteArray> readInputFile(const QString &path);

/** Writes UTF-8 to stdout and flushes, so piped readers see text as it arrives. */
void writeOut(const QString &text);
/** Writes bytes to stdout exactly as they are, and flushes. */
void writeOutBytes(std::string_view bytes);
/** Writes one line to stderr. */
void writeErr(const QString &line);
/** Reports a usage error for a subcommand and returns ExitUsage. */
int usageError(const QString &command, const QString &message);

/**
 * Parses a subcommand's arguments (without the program and subcommand names). On failure
 * prints the parser's message and returns false; --help prints the help text and returns false.
 * More than `maxPositional` positional arguments is a usage error.
 */
bool parseSubcommand(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                     int &exitCode, qsizetype maxPositional = 0);

} // namespace Lathe::Cli
