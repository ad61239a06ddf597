// SPDX-License-Identifier: GPL-3.0-or-later
// lathe: the desktop app. Wires the services together and opens the main window.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>

#include "DemoWorkspace.h"
#include "base/Version.h"
#include "credentials/CredentialStore.h"
#include "ledger/RequestLedger.h"
#include "mock/SimulatorHost.h"
#include "providers/StreamHub.h"
#include "store/Workspace.h"
#include "workspace/WorkspaceWindow.h"

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Lathe"));
    QApplication::setApplicationName(QStringLiteral("Lathe"));
    QApplication::setApplicationVersion(QStringLiteral(LATHE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("lathe"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/lathe/icons/lathe.svg")));

    // The simulator answers with no key and no network, so a fresh install works at once.
    Lathe::Mock::SimulatorHost simulator;
    const auto simulatorUrl = simulator.start(Lathe::Mock::SimulatorOptions{});
    if (!simulatorUrl) {
        QMessageBox::critical(
            nullptr, QObject::tr("Lathe"),
            QObject::tr("The built-in simulator could not start: %1").arg(simulatorUrl.error().toString()));
        return 1;
    }
    QCommandLineParser arguments;
    arguments.setApplicationDescription(QObject::tr("Lathe, a workbench for LLM prompts."));
    arguments.addHelpOption();
    arguments.addVersionOption();
    const QCommandLineOption workspaceOption(
        QStringLiteral("workspace"),
        QObject::tr("Open this workspace (default: %1).").arg(Lathe::Store::Workspace::defaultPath()),
        QObject::tr("file"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QObject::tr("Open the demo workspace, with example prompts."));
    arguments.addOptions({workspaceOption, demoOption});
    arguments.process(app);

    // The workspace holds the prompt library. Without one (a file that is refused) the app
    // still runs prompts, and says why the library is missing.
    const bool demo = arguments.isSet(demoOption);
    const QString workspacePath = demo                               ? Lathe::App::demoWorkspacePath()
                                  : arguments.isSet(workspaceOption) ? arguments.value(workspaceOption)
                                                                     : Lathe::Store::Workspace::defaultPath();
    if (demo) {
        if (auto seeded = Lathe::App::seedDemoWorkspace(workspacePath); !seeded)
            QMessageBox::warning(
                nullptr, QObject::tr("Lathe"),
                QObject::tr("The demo prompts could not be added: %1").arg(seeded.error().toString()));
    }

    Lathe::Providers::StreamHub hub(Lathe::Ledger::RequestLedger::defaultPath());
    Lathe::Credentials::CredentialStore credentials;
    Lathe::Ui::WorkspaceWindow window(&hub, &credentials, *simulatorUrl);
    if (auto opened = window.open(workspacePath, Lathe::Ui::WorkspaceWindow::Missing::Create); !opened) {
        QMessageBox::warning(
            nullptr, QObject::tr("Lathe"),
            QObject::tr("The workspace could not be opened, so the prompt library is off.\n\n%1")
                .arg(opened.error().toString()));
        window.openWithoutWorkspace();
    }
    return QApplication::exec();
}
