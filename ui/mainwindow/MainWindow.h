// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include "catalog/InputEstimate.h"
#include "library/DraftStore.h"
#include "library/PromptLibrary.h"
#include "library/PromptyExchange.h"
#include "providers/LocalServerDiscovery.h"
#include "providers/StreamHub.h"

namespace Lathe::Credentials
{
class CredentialStore;
}

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;

namespace Lathe::Ui
{

class LibraryPanel;
class PromptBudgetIndicator;
class PromptEditor;
class PromptEstimator;
class ResponsePane;
class SchemaPanel;
class VariablesPanel;
struct CheckedSchema;

/**
 * The workbench window: the prompt editor beside the response pane, the endpoint bar above,
 * the run statistics below. Ctrl+Enter runs the prompt, Esc stops it. API keys come from the
 * CredentialStore (the environment, else the keychain); the Provider menu stores and forgets
 * them and finds model servers running on this machine. Run ▸ Response Schema (Ctrl+Shift+J)
 * shows the schema panel under the editor and, while it is shown, makes every run a structured
 * one: the answer must match the schema, and is asked again when it does not.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /** `simulatorUrl` is the API root of the in-process simulator, the default provider. */
    /**
     * `library` and `drafts`, when given, outlive the window: the prompt library of the open
     * workspace and where the editor's unsaved text is kept every few seconds (and restored
     * from at start).
     */
    MainWindow(Providers::StreamHub *hub, Credentials::CredentialStore *credentials, QUrl simulatorUrl,
               Library::PromptLibrary *library = nullptr, Library::DraftStore *drafts = nullptr,
               QWidget *parent = nullptr);

    void runPrompt();
    void stopRun();
    /** Asks for the current endpoint's API key and stores it in the keychain. */
    void setApiKey();
    void forgetApiKey();
    /** Probes the default ports of local model servers and offers what it finds. */
    void findLocalServers();
    /** Asks the provider (Anthropic, Gemini) for the prompt's exact input tokens. */
    void countTokensWithProvider();
    /** Opens Settings ▸ Model Prices, the user's own prices and models. */
    void editModelPrices();
    /** File ▸ Save Version: asks for a name (for a new prompt) and what changed, then saves. */
    void saveVersionInteractively();
    /** Saves the editor's prompt, the model and an active response schema as a version of `name`. */
    Result<Library::SaveOutcome> saveVersion(const QString &name, const QString &message);
    /** File ▸ Import Prompty: asks for a .prompty file and a name, files it, and opens it. */
    void importPromptyInteractively();
    /** Files the .prompty file at `path` as a version of `name` and opens it; notes are returned. */
    Result<Library::PromptyImport> importPromptyFile(const QString &path, const QString &name);
    /** Files a document read from `fileName` as a version of `name`, and opens it. */
    Result<Library::PromptyImport> importPromptyDocument(const Library::PromptyDocument &document,
                                                         const QString &name, const QString &fileName);
    /** File ▸ Export Prompty: the version selected in the library (or the one open) to a file. */
    void exportPromptyInteractively();
    /** Writes the version `reference` names (NAME@N) as a .prompty file at `path`; notes are returned. */
    Result<std::vector<Library::PromptyNote>> exportPromptyFile(const QString &reference,
                                                                const QString &path);
    /** Puts a library version in the editor (and its model in the endpoint bar). */
    void openVersion(const Library::PromptVersion &version);
    /** Keeps the Variables panel's scenario with the open library prompt. */
    void keepScenario();
    /** Writes the editor's text to the draft store now, if it changed since the last write. */
    void saveDraft();
    VariablesPanel *variablesPanel() const { return m_variables; }
    /** The library beside the editor; null without a workspace. */
    LibraryPanel *libraryPanel() const { return m_libraryPanel; }

    /** Names the open workspace in the status bar (the file name; the path on hover). */
    void setWorkspacePath(const QString &path);

    /** The status bar's token count, cost and context gauge for the prompt being typed. */
    const PromptBudgetIndicator *promptBudget() const { return m_budget; }
    /** Whether runs ask for structured output (the schema panel is shown). */
    bool isStructuredOutputOn() const;

Q_SIGNALS:
    /** File ▸ Open Workspace, Open Recent (`create` false) or New Workspace (true) chose `path`. */
    void workspaceRequested(const QString &path, bool create);

protected:
    /** Keeps the unsaved text before the window goes. */
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void chooseWorkspace(bool create);
    void showRecentWorkspaces(QMenu *menu);
    void buildEndpointBar();
    /** The endpoint the bar describes, or why it cannot be used. */
    Result<Providers::ProviderEndpoint> currentEndpoint() const;
    /** The keychain service of the current endpoint; when the bar is unusable, says why. */
    std::optional<QString> keychainServiceOrSay() const;
    /** The editor's messages with the variables' values filled in, for the model in the endpoint bar. */
    Result<Providers::ChatRequest> promptRequest() const;
    /** Starts a plain run, or with `schema` a structured one under `policy`. */
    void startStream(const Providers::ProviderEndpoint &endpoint, const Providers::ChatRequest &request,
                     const std::optional<CheckedSchema> &schema,
                     const Structured::StructuredOutputPolicy &policy);
    void showSchemaPanel(bool shown);
    void offerLocalServers(const QList<Providers::DiscoveredServer> &servers);
    void applyPreset(int index);
    QUrl simulatorRoot() const;
    void onQueued(Providers::StreamId id, const QString &reason);
    void onAttempt(Providers::StreamId id, const Providers::AttemptRecord &attempt, int nextWaitMs,
                   int nextTarget);
    void onEvents(Providers::StreamId id, const QList<Providers::StreamEvent> &events);
    void onFinished(Providers::StreamId id, const Providers::RunOutcome &run);
    void onStructuredAttemptStarted(Providers::StreamId id, int targetIndex, int attempt);
    void onStructuredAttempt(Providers::StreamId id, const Structured::StructuredAttempt &attempt);
    void onStructuredFinished(Providers::StreamId id, const Structured::StructuredOutcome &outcome);
    /** The run has ended: the figures of its last answer in the status bar. */
    void showFinalStats(const Providers::ChatOutcome &outcome, qsizetype attempts);
    void showLiveStats();
    /** Tells the estimator which model the endpoint bar names. */
    void followModel();
    void showPromptBudget();
    /** The run's usage and cost beside the estimate made when it was sent. */
    QString usageSummary(const Providers::TokenUsage &usage) const;
    /** Tokens in and out, cached and reasoning tokens, and the cost; empty without usage. */
    QString usageFigures(const Providers::TokenUsage &usage) const;
    void setRunning(bool running);
    /** Offers the open prompt's scenarios in the Variables panel. */
    void showScenarios();

    Providers::StreamHub *m_hub;
    Credentials::CredentialStore *m_credentials;
    QNetworkAccessManager *m_probeNetwork = nullptr; // created on the first search or count
    QPointer<Providers::LocalServerDiscovery> m_discovery;
    QUrl m_simulatorUrl;
    Library::PromptLibrary *m_library;
    PromptEditor *m_editor;
    SchemaPanel *m_schemaPanel;
    LibraryPanel *m_libraryPanel = nullptr;
    VariablesPanel *m_variables;
    QTimer m_variablesDelay; // finds the prompt's variables once typing pauses
    QTimer m_scenarioDelay;  // keeps the edited scenario once typing pauses
    QLabel *m_workspaceLabel = nullptr;
    QString m_openPrompt; // the library prompt the editor holds, if any: the default name to save as
    std::optional<int> m_openVersion;
    Library::DraftStore *m_drafts;
    QString m_draftedText; // what the draft store holds (or the saved version): nothing to write
    QTimer m_draftTimer;
    ResponsePane *m_pane;
    QComboBox *m_providerBox = nullptr;
    QLineEdit *m_baseUrlEdit = nullptr;
    QLineEdit *m_modelEdit = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_schemaAction = nullptr;
    QLabel *m_statsLabel;
    PromptEstimator *m_estimator;
    PromptBudgetIndicator *m_budget;

    quint64 m_keyLookup = 0; // the run waiting for its key; a newer number supersedes it
    bool m_awaitingKey = false;
    Providers::StreamId m_streamId = 0;     // 0: nothing running
    QList<Providers::ChatTarget> m_targets; // of the running stream
    QElapsedTimer m_runClock;               // for live figures; final ones come from the outcome
    double m_firstTokenMs = -1;
    qint64 m_deltaCount = 0;
    QTimer m_statsTimer;
    // What the estimator said when the running prompt was sent.
    std::optional<Catalog::InputEstimate> m_estimateAtSend;
    std::optional<qint64> m_countedAtSend;
};

} // namespace Lathe::Ui
