// SPDX-License-Identifier: GPL-3.0-or-later
// lathe: the desktop app. Wires the services together and opens the main window.
#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>

#include "base/Version.h"
#include "credentials/CredentialStore.h"
#include "ledger/RequestLedger.h"
#include "mainwindow/MainWindow.h"
#include "mock/SimulatorHost.h"
#include "providers/StreamHub.h"

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
    Lathe::Providers::StreamHub hub(Lathe::Ledger::RequestLedger::defaultPath());
    Lathe::Credentials::CredentialStore credentials;
    Lathe::Ui::MainWindow window(&hub, &credentials, *simulatorUrl);
    window.show();
    return QApplication::exec();
}
