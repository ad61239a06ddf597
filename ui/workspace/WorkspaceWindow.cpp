// SPDX-License-Identifier: GPL-3.0-or-later
#include "WorkspaceWindow.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>

#include "RecentWorkspaces.h"
#include "mainwindow/MainWindow.h"

namespace Lathe::Ui
{

WorkspaceWindow::Session::Session(Store::Workspace opened)
    : workspace(std::move(opened))
    , library(workspace.database())
    , drafts(workspace.database())
{}

WorkspaceWindow::WorkspaceWindow(Providers::StreamHub *hub, Credentials::CredentialStore *credentials,
                                 QUrl simulatorUrl, QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_credentials(credentials)
    , m_simulatorUrl(std::move(simulatorUrl))
{}

WorkspaceWindow::~WorkspaceWindow()
{
    m_window.reset(); // before the session it works in
}

QString WorkspaceWindow::workspacePath() const
{
    return m_session ? m_session->workspace.path() : QString();
}

Result<void> WorkspaceWindow::open(const QString &path, Missing missing)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const bool exists = QFileInfo::exists(absolute);
    if (missing == Missing::Refuse && !exists)
        return fail(ErrorCode::Io, tr("There is no such file."), absolute);
    if (missing == Missing::Only && exists)
        return fail(ErrorCode::InvalidArgument,
                    tr("The file is already there; a new workspace needs a new file (File ▸ Open "
                       "Workspace opens this one)."),
                    absolute);
    // The same file by another path (a link, "..") is the workspace already shown: opening it
    // twice would let the old session mark the new one's file as closed.
    if (m_session && exists &&
        QFileInfo(absolute).canonicalFilePath() == QFileInfo(m_session->workspace.path()).canonicalFilePath())
        return {};
    auto workspace = Store::Workspace::open(absolute);
    if (!workspace)
        return tl::unexpected(workspace.error());
    QSettings settings;
    RecentWorkspaces(settings).add(absolute);
    show(std::make_unique<Session>(std::move(*workspace)));
    return {};
}

void WorkspaceWindow::openWithoutWorkspace()
{
    show(nullptr);
}

void WorkspaceWindow::show(std::unique_ptr<Session> session)
{
    QByteArray geometry;
    QByteArray state;
    if (m_window) {
        // The old window keeps its unsaved text in its own workspace, and its runs stop.
        m_window->stopRun();
        m_window->saveDraft();
        geometry = m_window->saveGeometry();
        state = m_window->saveState();
        m_window.reset();
    }
    m_session = std::move(session);
    m_window = std::make_unique<MainWindow>(m_hub, m_credentials, m_simulatorUrl,
                                            m_session ? &m_session->library : nullptr,
                                            m_session ? &m_session->drafts : nullptr);
    m_window->setWorkspacePath(workspacePath());
    // Queued: the request comes from the window's own menu, which must not be deleted under it.
    connect(m_window.get(), &MainWindow::workspaceRequested, this, &WorkspaceWindow::openRequested,
            Qt::QueuedConnection);
    if (!geometry.isEmpty()) {
        m_window->restoreGeometry(geometry);
        m_window->restoreState(state);
    }
    m_window->show();
    Q_EMIT windowReplaced(workspacePath());
}

void WorkspaceWindow::openRequested(const QString &path, bool create)
{
    if (auto opened = open(path, create ? Missing::Only : Missing::Refuse); !opened) {
        QMessageBox::warning(m_window.get(), tr("Open Workspace"),
                             tr("The workspace could not be opened; the one open stays.\n\n%1")
                                 .arg(opened.error().toString()));
    }
}

} // namespace Lathe::Ui
