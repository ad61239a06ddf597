// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <optional>

#include <QObject>
#include <QUrl>

#include "base/Result.h"
#include "library/DraftStore.h"
#include "library/PromptLibrary.h"
#include "store/Workspace.h"

namespace Lathe::Credentials
{
class CredentialStore;
}
namespace Lathe::Providers
{
class StreamHub;
}

namespace Lathe::Ui
{

class MainWindow;

/**
 * The main window and the workspace it works in. Opening another workspace (File ▸ Open
 * Workspace, New Workspace, Open Recent) opens the file first and, only when that works, puts a
 * new window over the workspace in the old one's place and size, after the old one has kept its
 * unsaved text in its own workspace. A file that cannot be opened leaves everything as it was.
 */
class WorkspaceWindow final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkspaceWindow)

public:
    /** How open() treats a missing file. */
    enum class Missing
    {
        Refuse, ///< Open: the file must be there
        Create, ///< the default workspace and --workspace: made when missing
        Only,   ///< New: the file must not be there yet
    };

    /** `hub` and `credentials` outlive this; `simulatorUrl` is the built-in provider. */
    WorkspaceWindow(Providers::StreamHub *hub, Credentials::CredentialStore *credentials, QUrl simulatorUrl,
                    QObject *parent = nullptr);
    ~WorkspaceWindow() override;

    /** Opens the workspace at `path` and shows a window over it, replacing the one shown. */
    Result<void> open(const QString &path, Missing missing);
    /** Shows a window without a workspace (the library off), when none could be opened. */
    void openWithoutWorkspace();

    MainWindow *window() const { return m_window.get(); }
    /** The open workspace's path; empty without one. */
    QString workspacePath() const;

Q_SIGNALS:
    /** A new window now shows `path`; empty without a workspace. */
    void windowReplaced(const QString &path);

private:
    /** What a window works in: the workspace and the stores over it. */
    struct Session
    {
        explicit Session(Store::Workspace opened);
        Store::Workspace workspace;
        Library::PromptLibrary library;
        Library::DraftStore drafts;
    };

    void show(std::unique_ptr<Session> session);
    /** The window's menu asked for a workspace: open it, or say why not. */
    void openRequested(const QString &path, bool create);

    Providers::StreamHub *m_hub;
    Credentials::CredentialStore *m_credentials;
    QUrl m_simulatorUrl;
    // Declared before the window, so the window (which uses the session) goes first.
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace Lathe::Ui
