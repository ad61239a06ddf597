// SPDX-License-Identifier: GPL-3.0-or-later
// lathe-cli: Lathe's command-line tool, over the same core as the app and without widgets.
#include <QCoreApplication>

#include "CliSupport.h"
#include "DiscoverCommand.h"
#include "ForecastCommand.h"
#include "KeyCommand.h"
#include "PromptCommand.h"
#include "RenderCommand.h"
#include "RunCommand.h"
#include "ServeMockCommand.h"
#include "TokensCommand.h"
#include "ValidateCommand.h"
#include "base/Version.h"

namespace
{

const QString kUsage = QStringLiteral(
    "Usage: lathe-cli <command> [options]\n"
    "\n"
    "Commands:\n"
    "  discover    Find local model servers on 127.0.0.1 and list their models.\n"
    "  forecast    Forecast the tokens and cost of a batch before it runs.\n"
    "  key         Store, forget or check an API key in the system keychain.\n"
    "  prompt      The prompt library in a workspace: list, show, save, diff, label, history.\n"
    "  render      Render a Mustache template with JSON data.\n"
    "  run         Send one prompt to a provider and stream the answer to stdout.\n"
    "  serve-mock  Serve the built-in provider simulator on 127.0.0.1.\n"
    "  tokens      Count a text's tokens for a model or encoding, and its input cost.\n"
    "  validate    Validate JSON against a JSON Schema.\n"
    "\n"
    "Run 'lathe-cli <command> --help' for a command's options.\n");

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Lathe"));
    QCoreApplication::setApplicationName(QStringLiteral("lathe-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LATHE_VERSION));

    QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.isEmpty()) {
        Lathe::Cli::writeErr(kUsage.trimmed());
        return Lathe::Cli::ExitUsage;
    }
    const QString command = arguments.takeFirst();
    if (command == QLatin1String("discover"))
        return Lathe::Cli::discoverCommand(arguments);
    if (command == QLatin1String("forecast"))
        return Lathe::Cli::forecastCommand(arguments);
    if (command == QLatin1String("key"))
        return Lathe::Cli::keyCommand(arguments);
    if (command == QLatin1String("prompt"))
        return Lathe::Cli::promptCommand(arguments);
    if (command == QLatin1String("render"))
        return Lathe::Cli::renderCommand(arguments);
    if (command == QLatin1String("run"))
        return Lathe::Cli::runCommand(arguments);
    if (command == QLatin1String("serve-mock"))
        return Lathe::Cli::serveMockCommand(arguments);
    if (command == QLatin1String("tokens"))
        return Lathe::Cli::tokensCommand(arguments);
    if (command == QLatin1String("validate"))
        return Lathe::Cli::validateCommand(arguments);
    if (command == QLatin1String("--help") || command == QLatin1String("-h") ||
        command == QLatin1String("help")) {
        Lathe::Cli::writeOut(kUsage);
        return Lathe::Cli::ExitOk;
    }
    if (command == QLatin1String("--version")) {
        Lathe::Cli::writeOut(QStringLiteral("lathe-cli " LATHE_VERSION "\n"));
        return Lathe::Cli::ExitOk;
    }
    Lathe::Cli::writeErr(QStringLiteral("lathe-cli: unknown command '%1'\n\n").arg(command) +
                         kUsage.trimmed());
    return Lathe::Cli::ExitUsage;
}
