// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStringListModel>
#include <QToolBar>

#include "base/LogCategories.h"
#include "catalog/UsageCost.h"
#include "credentials/CredentialStore.h"
#include "editor/PromptEditor.h"
#include "library/LibraryPanel.h"
#include "library/PromptRendering.h"
#include "mainwindow/PromptBudgetIndicator.h"
#include "mainwindow/PromptEstimator.h"
#include "panes/ResponsePane.h"
#include "providers/ProviderPresets.h"
#include "providers/RemoteTokenCount.h"
#include "schema/SchemaPanel.h"
#include "settings/ModelPricesDialog.h"
#include "variables/VariablesPanel.h"
#include "workspace/RecentWorkspaces.h"

namespace Lathe::Ui
{

namespace
{

/** The main window's editor in the workspace's drafts. */
const QString kDraftSlot = QStringLiteral("main");

using Providers::ChatOutcome;
using Providers::StreamEvent;

const QString kSamplePrompt = QStringLiteral(
    "Explain in three short paragraphs why streaming an LLM's answer token by token makes an app "
    "feel faster, even when the total time stays the same.\n");

// Beside the request ledger; a later issue moves calibration and prices into the workspace.
QString estimatorDataFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/lathe");
}

// Core messages read as clauses; in the window they stand as sentences.
QString missingKeyMessage(const Error &error)
{
    QString message = error.message;
    if (!message.isEmpty())
        message[0] = message[0].toUpper();
    return QObject::tr("%1.\nProvider \u25B8 Set API Key (Ctrl+Shift+K) stores one in the keychain.")
        .arg(message);
}

QString formatMs(double ms)
{
    return ms < 10'000 ? QStringLiteral("%1 ms").arg(qRound(ms))
                       : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

// What several answers used together; a figure no answer reported stays unknown (-1).
Providers::TokenUsage addUsage(Providers::TokenUsage total, const Providers::TokenUsage &more)
{
    const auto add = [](qint64 &sum, qint64 part) {
        if (part >= 0)
            sum = std::max<qint64>(sum, 0) + part;
    };
    add(total.inputTokens, more.inputTokens);
    add(total.outputTokens, more.outputTokens);
    add(total.cachedInputTokens, more.cachedInputTokens);
    add(total.cacheWriteInputTokens, more.cacheWriteInputTokens);
    add(total.reasoningTokens, more.reasoningTokens);
    return total;
}

} // namespace

MainWindow::MainWindow(Providers::StreamHub *hub, Credentials::CredentialStore *credentials,
                       QUrl simulatorUrl, Library::PromptLibrary *library, Library::DraftStore *drafts,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_hub(hub)
    , m_credentials(credentials)
    , m_simulatorUrl(std::move(simulatorUrl))
    , m_library(library)
    , m_editor(new PromptEditor(this))
    , m_schemaPanel(new SchemaPanel(this))
    , m_variables(new VariablesPanel(this))
    , m_drafts(drafts)
    , m_pane(new ResponsePane(this))
    , m_statsLabel(new QLabel(this))
    , m_estimator(new PromptEstimator(m_editor, estimatorDataFolder(), this))
    , m_budget(new PromptBudgetIndicator(this))
{
    setWindowTitle(tr("Lathe"));
    m_editor->setObjectName(QStringLiteral("promptEditor"));
    m_editor->setText(kSamplePrompt);
    connect(m_estimator, &PromptEstimator::changed, this, &MainWindow::showPromptBudget);
    connect(m_estimator, &PromptEstimator::problem, this,
            [this](const QString &message) { statusBar()->showMessage(message, 10'000); });

    // The schema goes under the prompt it belongs to, so the editor keeps its width; hidden
    // until Ctrl+Shift+J, the prompt has the whole column.
    auto *inputs = new QSplitter(Qt::Vertical, this);
    inputs->setObjectName(QStringLiteral("inputSplitter"));
    inputs->addWidget(m_editor);
    inputs->addWidget(m_schemaPanel);
    inputs->setChildrenCollapsible(false);
    inputs->setStretchFactor(0, 3);
    inputs->setStretchFactor(1, 2);
    m_schemaPanel->hide();
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(inputs);
    splitter->addWidget(m_pane);
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);

    // The library beside the editor: prompts, their versions, and what each version changed.
    if (m_library) {
        m_libraryPanel = new LibraryPanel(m_library, this);
        m_libraryPanel->setObjectName(QStringLiteral("libraryPanel"));
        auto *dock = new QDockWidget(tr("Library"), this);
        dock->setObjectName(QStringLiteral("libraryDock"));
        dock->setWidget(m_libraryPanel);
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
        addDockWidget(Qt::LeftDockWidgetArea, dock);
        resizeDocks({dock}, {380}, Qt::Horizontal);
        connect(m_libraryPanel, &LibraryPanel::versionOpened, this, &MainWindow::openVersion);
        connect(m_libraryPanel, &LibraryPanel::problem, this,
                [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    }

    // The values of the prompt's {{variables}}, found as the prompt is typed.
    m_variables->setObjectName(QStringLiteral("variablesPanel"));
    auto *variablesDock = new QDockWidget(tr("Variables"), this);
    variablesDock->setObjectName(QStringLiteral("variablesDock"));
    variablesDock->setWidget(m_variables);
    variablesDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, variablesDock);
    if (QDockWidget *libraryDock = findChild<QDockWidget *>(QStringLiteral("libraryDock")))
        splitDockWidget(libraryDock, variablesDock, Qt::Vertical);
    m_variablesDelay.setSingleShot(true);
    m_variablesDelay.setInterval(300);
    connect(&m_variablesDelay, &QTimer::timeout, this, [this] {
        const QString text = m_editor->text();
        std::vector<Library::PromptyNote> notes;
        const auto content = Library::readPromptText(text, &notes);
        m_editor->showLayout(Library::promptTextLayout(text, &content));
        if (!content) {
            // The front matter is wrong: said in the Variables dock and squiggled at its place.
            m_variables->showProblem(content.error());
            m_editor->showTemplateMarks(Library::promptTextPlace(text, content.error().where, &content));
            return;
        }
        const Library::PromptVariables variables = m_variables->setPrompt(*content);
        QStringList noteLines;
        for (const Library::PromptyNote &note : notes)
            noteLines << note.where.section(u": "_qs, -1) + u' ' + note.what;
        m_variables->showNotes(noteLines);
        QStringList names = variables.names;
        for (const auto &[name, declaration] : content->variables)
            names << name;
        m_editor->setVariableNames(names);
        // Tags tinted in the editor, and a template error squiggled where it is.
        m_editor->showTemplateMarks(variables.problem
                                        ? Library::promptTextPlace(text, variables.problem->where, &content)
                                        : std::nullopt);
    });
    connect(m_editor, &QsciScintilla::textChanged, this, [this] { m_variablesDelay.start(); });
    m_scenarioDelay.setSingleShot(true);
    m_scenarioDelay.setInterval(1000);
    connect(&m_scenarioDelay, &QTimer::timeout, this, &MainWindow::keepScenario);
    connect(m_variables, &VariablesPanel::valuesEdited, this, [this] { m_scenarioDelay.start(); });

    m_runAction = new QAction(tr("Run"), this);
    m_runAction->setObjectName(QStringLiteral("runAction"));
    m_runAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_runAction->setToolTip(tr("Send the prompt (Ctrl+Enter)"));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::runPrompt);
    m_stopAction = new QAction(tr("Stop"), this);
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stopAction->setToolTip(tr("Stop the answer (Esc)"));
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopRun);
    addAction(m_runAction);
    addAction(m_stopAction);
    buildMenus();
    buildEndpointBar();

    m_statsLabel->setObjectName(QStringLiteral("statsLabel"));
    statusBar()->addPermanentWidget(m_statsLabel);
    statusBar()->addPermanentWidget(m_budget);
    statusBar()->showMessage(tr("Ready. Ctrl+Enter runs the prompt, Esc stops it."));

    connect(m_hub, &Providers::StreamHub::streamQueued, this, &MainWindow::onQueued);
    connect(m_hub, &Providers::StreamHub::attemptFinished, this, &MainWindow::onAttempt);
    connect(m_hub, &Providers::StreamHub::ledgerFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("The request ledger could not be written: %1").arg(message), 10'000);
    });
    connect(m_hub, &Providers::StreamHub::eventsReceived, this, &MainWindow::onEvents);
    connect(m_hub, &Providers::StreamHub::streamFinished, this, &MainWindow::onFinished);
    connect(m_hub, &Providers::StreamHub::structuredAttemptStarted, this,
            &MainWindow::onStructuredAttemptStarted);
    connect(m_hub, &Providers::StreamHub::structuredAttemptFinished, this, &MainWindow::onStructuredAttempt);
    connect(m_hub, &Providers::StreamHub::structuredFinished, this, &MainWindow::onStructuredFinished);
    m_statsTimer.setInterval(250); // live figures at a readable pace, not per token
    connect(&m_statsTimer, &QTimer::timeout, this, &MainWindow::showLiveStats);
    setRunning(false);

    // Typing is never lost: the editor's text goes to the workspace every few seconds, and
    // what was there at the last exit (clean or not) comes back.
    if (m_drafts) {
        if (const auto draft = m_drafts->load(kDraftSlot); draft && *draft) {
            m_editor->setText((*draft)->text);
            m_openPrompt = (*draft)->prompt;
            m_openVersion = (*draft)->baseVersion;
            statusBar()->showMessage(
                tr("Restored the text you had not saved, from %1.")
                    .arg(QLocale().toString((*draft)->savedAt.toLocalTime(), QLocale::ShortFormat)),
                10'000);
        } else if (!draft) {
            statusBar()->showMessage(
                tr("The unsaved text could not be read back: %1").arg(draft.error().message), 10'000);
        }
        m_draftedText = m_editor->text();
        m_draftTimer.setInterval(3000);
        connect(&m_draftTimer, &QTimer::timeout, this, &MainWindow::saveDraft);
        m_draftTimer.start();
    }
    showScenarios();          // of the prompt a restored draft came from
    m_variablesDelay.start(); // the variables of the prompt shown at start
    resize(1180, 720);
    // Half and half in pixels: proportions set before the first layout lose to the size hints,
    // and the pane's (tabs, labels) is larger than the editors'.
    splitter->setSizes({width() / 2, width() / 2});
    m_editor->setFocus();
}

void MainWindow::setWorkspacePath(const QString &path)
{
    if (!m_workspaceLabel) {
        m_workspaceLabel = new QLabel(this);
        m_workspaceLabel->setObjectName(QStringLiteral("workspaceLabel"));
        statusBar()->addPermanentWidget(m_workspaceLabel);
    }
    m_workspaceLabel->setText(path.isEmpty() ? tr("No workspace") : QFileInfo(path).fileName());
    m_workspaceLabel->setToolTip(path.isEmpty() ? tr("No workspace is open; the prompt library is off.")
                                                : tr("Workspace: %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::chooseWorkspace(bool create)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString filter = tr("Lathe workspaces (*.lathe);;All files (*)");
    QString path = create ? QFileDialog::getSaveFileName(this, tr("New Workspace"), folder, filter, nullptr,
                                                         QFileDialog::DontConfirmOverwrite)
                          : QFileDialog::getOpenFileName(this, tr("Open Workspace"), folder, filter);
    if (path.isEmpty())
        return;
    if (create && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".lathe");
    Q_EMIT workspaceRequested(path, create);
}

void MainWindow::showRecentWorkspaces(QMenu *menu)
{
    menu->clear();
    QSettings settings;
    RecentWorkspaces recent(settings);
    const QStringList paths = recent.paths();
    for (int i = 0; i < paths.size(); ++i) {
        // "&1 name.lathe  (folder)": a digit picks one from the keyboard.
        const QFileInfo file(paths[i]);
        QAction *action =
            menu->addAction(QStringLiteral("&%1 %2  (%3)")
                                .arg(i + 1)
                                .arg(QString(file.fileName()).replace(u'&', u"&&"_qs),
                                     QDir::toNativeSeparators(file.absolutePath()).replace(u'&', u"&&"_qs)));
        connect(action, &QAction::triggered, this,
                [this, path = paths[i]] { Q_EMIT workspaceRequested(path, false); });
    }
    if (paths.isEmpty()) {
        menu->addAction(tr("No recent workspaces"))->setEnabled(false);
        return;
    }
    menu->addSeparator();
    menu->addAction(tr("&Clear Menu"), this, [] {
        QSettings cleared;
        RecentWorkspaces(cleared).clear();
    });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveDraft();
    QMainWindow::closeEvent(event);
}

void MainWindow::buildMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    auto *save = fileMenu->addAction(tr("&Save Version…"), this, &MainWindow::saveVersionInteractively);
    save->setObjectName(QStringLiteral("saveVersionAction"));
    save->setShortcut(QKeySequence::Save);
    save->setEnabled(m_library != nullptr);
    auto *findPrompt = fileMenu->addAction(tr("Find &Prompt"), this, [this] {
        if (!m_libraryPanel)
            return;
        m_libraryPanel->parentWidget()->show();
        m_libraryPanel->focusSearch();
    });
    findPrompt->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    findPrompt->setEnabled(m_library != nullptr);
    fileMenu->addSeparator();
    auto *importPrompty =
        fileMenu->addAction(tr("&Import Prompty…"), this, &MainWindow::importPromptyInteractively);
    importPrompty->setEnabled(m_library != nullptr);
    auto *exportPrompty =
        fileMenu->addAction(tr("&Export Prompty…"), this, &MainWindow::exportPromptyInteractively);
    exportPrompty->setEnabled(m_library != nullptr);
    fileMenu->addSeparator();
    auto *newWorkspace = fileMenu->addAction(tr("&New Workspace…"), this, [this] { chooseWorkspace(true); });
    newWorkspace->setObjectName(QStringLiteral("newWorkspaceAction"));
    newWorkspace->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    auto *openWorkspace =
        fileMenu->addAction(tr("&Open Workspace…"), this, [this] { chooseWorkspace(false); });
    openWorkspace->setObjectName(QStringLiteral("openWorkspaceAction"));
    openWorkspace->setShortcut(QKeySequence::Open);
    QMenu *recent = fileMenu->addMenu(tr("Open &Recent"));
    recent->setObjectName(QStringLiteral("recentWorkspacesMenu"));
    // Filled as it opens, so start-up checks no files and the list is current.
    connect(recent, &QMenu::aboutToShow, this, [this, recent] { showRecentWorkspaces(recent); });

    QMenu *runMenu = menuBar()->addMenu(tr("&Run"));
    runMenu->addAction(m_runAction);
    runMenu->addAction(m_stopAction);

    runMenu->addSeparator();
    // One switch for both: a schema on screen is a schema in use, so what runs is what is seen.
    m_schemaAction = runMenu->addAction(tr("Response &Schema"));
    m_schemaAction->setObjectName(QStringLiteral("responseSchemaAction"));
    m_schemaAction->setCheckable(true);
    m_schemaAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J));
    m_schemaAction->setToolTip(
        tr("Ask for JSON that matches a schema, and check every answer (Ctrl+Shift+J)"));
    connect(m_schemaAction, &QAction::toggled, this, &MainWindow::showSchemaPanel);

    auto *count =
        runMenu->addAction(tr("&Count Tokens with the Provider"), this, &MainWindow::countTokensWithProvider);
    count->setObjectName(QStringLiteral("countTokensAction"));
    count->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    count->setToolTip(tr("Ask Anthropic or Gemini for the prompt's exact input tokens"));

    QMenu *settingsMenu = menuBar()->addMenu(tr("&Settings"));
    auto *prices = settingsMenu->addAction(tr("Model &Prices…"), this, &MainWindow::editModelPrices);
    prices->setObjectName(QStringLiteral("modelPricesAction"));

    QMenu *providerMenu = menuBar()->addMenu(tr("&Provider"));
    auto *setKey = providerMenu->addAction(tr("Set API &Key…"), this, &MainWindow::setApiKey);
    setKey->setObjectName(QStringLiteral("setApiKeyAction"));
    setKey->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    auto *forgetKey = providerMenu->addAction(tr("&Forget API Key"), this, &MainWindow::forgetApiKey);
    forgetKey->setObjectName(QStringLiteral("forgetApiKeyAction"));
    providerMenu->addSeparator();
    auto *find = providerMenu->addAction(tr("Find &Local Servers"), this, &MainWindow::findLocalServers);
    find->setObjectName(QStringLiteral("findLocalServersAction"));
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
}

void MainWindow::buildEndpointBar()
{
    auto *bar = addToolBar(tr("Endpoint"));
    bar->setObjectName(QStringLiteral("endpointBar"));
    bar->setMovable(false);

    m_providerBox = new QComboBox(bar);
    m_providerBox->setObjectName(QStringLiteral("providerBox"));
    for (const auto &preset : Providers::providerPresets())
        m_providerBox->addItem(preset.displayName, preset.id);
    m_baseUrlEdit = new QLineEdit(bar);
    m_baseUrlEdit->setObjectName(QStringLiteral("baseUrlEdit"));
    m_baseUrlEdit->setMinimumWidth(260);
    m_baseUrlEdit->setToolTip(tr("API root including its version path"));
    m_modelEdit = new QLineEdit(bar);
    m_modelEdit->setObjectName(QStringLiteral("modelEdit"));
    m_modelEdit->setMinimumWidth(160);
    m_modelEdit->setToolTip(tr("Model name"));
    // Every chat model the catalog prices, matched anywhere in the name as the user types; the
    // list arrives once the catalog has been parsed off the GUI thread.
    auto *completer = new QCompleter(m_modelEdit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_modelEdit->setCompleter(completer);
    connect(m_estimator, &PromptEstimator::catalogChanged, completer, [this, completer] {
        // The completer deletes the list it had, as it is the list's parent.
        completer->setModel(new QStringListModel(m_estimator->catalog().chatModelNames(), completer));
    });

    bar->addWidget(new QLabel(tr(" Provider "), bar));
    bar->addWidget(m_providerBox);
    bar->addWidget(new QLabel(tr("  URL "), bar));
    bar->addWidget(m_baseUrlEdit);
    bar->addWidget(new QLabel(tr("  Model "), bar));
    bar->addWidget(m_modelEdit);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    bar->addAction(m_schemaAction);

    connect(m_providerBox, &QComboBox::currentIndexChanged, this, &MainWindow::applyPreset);
    connect(m_modelEdit, &QLineEdit::textChanged, this, &MainWindow::followModel);
    applyPreset(0);
}

void MainWindow::applyPreset(int index)
{
    const auto &presets = Providers::providerPresets();
    if (index < 0 || index >= presets.size())
        return;
    const auto &preset = presets[index];
    m_baseUrlEdit->setText(preset.endpoint(simulatorRoot()).baseUrl.toString());
    m_baseUrlEdit->setReadOnly(preset.simulated);
    m_modelEdit->setText(preset.defaultModel);
    followModel();
}

void MainWindow::followModel()
{
    const auto &preset = Providers::providerPresets().at(std::max(0, m_providerBox->currentIndex()));
    m_estimator->setModel(m_modelEdit->text().trimmed(),
                          Catalog::catalogProvider(preset.endpoint(simulatorRoot()).protocol));
}

void MainWindow::showPromptBudget()
{
    const auto estimate = m_estimator->estimate();
    if (!estimate) {
        m_budget->showCounting(m_estimator->model());
        return;
    }
    m_budget->showEstimate(m_estimator->model(), *estimate, m_estimator->calibration(),
                           m_estimator->catalog().snapshotDate());
}

QUrl MainWindow::simulatorRoot() const
{
    QUrl root = m_simulatorUrl;
    root.setPath(QString());
    return root;
}

Result<Providers::ProviderEndpoint> MainWindow::currentEndpoint() const
{
    const auto &preset = Providers::providerPresets().at(std::max(0, m_providerBox->currentIndex()));
    Providers::ProviderEndpoint endpoint = preset.endpoint(simulatorRoot());
    endpoint.baseUrl = QUrl(m_baseUrlEdit->text().trimmed(), QUrl::StrictMode);
    if (!endpoint.baseUrl.isValid() || endpoint.baseUrl.host().isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    tr("The URL \"%1\" is not valid. Give the API root, e.g. https://api.openai.com/v1.")
                        .arg(m_baseUrlEdit->text()));
    return endpoint;
}

void MainWindow::runPrompt()
{
    const QString prompt = m_editor->text();
    if (prompt.trimmed().isEmpty()) {
        statusBar()->showMessage(tr("Type a prompt first."), 4000);
        return;
    }
    if (m_streamId != 0 || m_awaitingKey)
        stopRun();

    const auto endpoint = currentEndpoint();
    if (!endpoint) {
        m_pane->showProblem(endpoint.error().message);
        return;
    }
    // The schema and policy on screen now are the ones sent, however long the key takes.
    std::optional<CheckedSchema> schema;
    const Structured::StructuredOutputPolicy policy = m_schemaPanel->policy();
    if (isStructuredOutputOn()) {
        auto checked = m_schemaPanel->currentSchema();
        if (!checked) {
            m_pane->showProblem(tr("Nothing was sent: the response schema has a problem.\n%1\nFix it in the "
                                   "schema panel, or turn structured output off with Ctrl+Shift+J.")
                                    .arg(m_schemaPanel->statusText()));
            statusBar()->showMessage(tr("The response schema has a problem; nothing was sent."), 6000);
            return;
        }
        schema = std::move(*checked);
    }
    const auto rendered = promptRequest();
    if (!rendered) {
        // Only a value missing from a template is fixed in the Variables panel.
        const bool missingValue = rendered.error().where.startsWith(u"message ");
        m_pane->showProblem(
            tr("Nothing was sent: %1: %2%3")
                .arg(rendered.error().where, rendered.error().message,
                     missingValue ? tr("\nGive every variable a value in the Variables panel.") : QString()));
        statusBar()->showMessage(tr("The prompt cannot be sent as it is; nothing was sent."), 6000);
        // The tag without a value is squiggled until the text changes.
        m_editor->showTemplateMarks(Library::promptTextPlace(prompt, rendered.error().where));
        return;
    }
    const Providers::ChatRequest &request = *rendered;
    const auto &preset = Providers::providerPresets().at(std::max(0, m_providerBox->currentIndex()));
    if (preset.simulated) {
        startStream(*endpoint, request, schema, policy);
        return;
    }
    // The keychain answers asynchronously (it may even ask the user to unlock it): the window
    // stays live, and Esc abandons the wait.
    const quint64 lookup = ++m_keyLookup;
    m_awaitingKey = true;
    m_pane->beginAnswer(request.model);
    m_pane->showQueued(tr("looking up the API key"));
    setRunning(true);
    m_credentials->lookup({Credentials::keychainServiceFor(endpoint->baseUrl), preset.apiKeyVariable}, this,
                          [this, lookup, endpoint = *endpoint, request, schema, policy,
                           required = preset.apiKeyRequired](Result<Credentials::Credential> key) mutable {
                              if (lookup != m_keyLookup)
                                  return; // stopped, or another run started meanwhile
                              m_awaitingKey = false;
                              if (key) {
                                  endpoint.apiKey = key->secret;
                              } else if (required) {
                                  setRunning(false);
                                  m_pane->showProblem(missingKeyMessage(key.error()));
                                  return;
                              }
                              startStream(endpoint, request, schema, policy);
                          });
}

void MainWindow::editModelPrices()
{
    auto *dialog = new ModelPricesDialog(m_estimator->userModels(), Catalog::ModelCatalog::bundled(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { m_estimator->setUserModels(dialog->models()); });
    dialog->open();
}

Result<Providers::ChatRequest> MainWindow::promptRequest() const
{
    const auto content = Library::readPromptText(m_editor->text());
    if (!content)
        return tl::unexpected(content.error());
    auto rendered = Library::renderPrompt(*content, m_variables->values());
    if (!rendered)
        return tl::unexpected(rendered.error());
    Providers::ChatRequest request;
    request.model = m_modelEdit->text().trimmed();
    for (const Library::PromptMessage &message : rendered->messages)
        request.messages.append({message.role, message.text});
    const auto unsent = Library::applyCallParameters(content->parameters, request);
    if (!unsent)
        return tl::unexpected(unsent.error());
    if (!unsent->isEmpty())
        statusBar()->showMessage(tr("Kept with the prompt but not sent (a request carries temperature and "
                                    "max_tokens): %1")
                                     .arg(unsent->join(u", ")),
                                 8000);
    return request;
}

void MainWindow::countTokensWithProvider()
{
    const auto endpoint = currentEndpoint();
    if (!endpoint) {
        statusBar()->showMessage(endpoint.error().message, 6000);
        return;
    }
    if (!Providers::RemoteTokenCount::isAvailable(endpoint->protocol)) {
        statusBar()->showMessage(
            tr("Only Anthropic and Gemini count tokens on request; the figure in the status "
               "bar is Lathe's own count."),
            8000);
        return;
    }
    const auto rendered = promptRequest();
    if (!rendered) {
        statusBar()->showMessage(
            tr("Cannot count: %1: %2").arg(rendered.error().where, rendered.error().message), 8000);
        return;
    }
    const Providers::ChatRequest request = *rendered;
    const std::optional<qint64> counted = m_estimator->countedTokens();
    const auto &preset = Providers::providerPresets().at(std::max(0, m_providerBox->currentIndex()));
    statusBar()->showMessage(tr("Asking the provider to count the tokens for %1…").arg(request.model));
    m_credentials->lookup(
        {Credentials::keychainServiceFor(endpoint->baseUrl), preset.apiKeyVariable}, this,
        [this, endpoint = *endpoint, request, counted,
         required = preset.apiKeyRequired](Result<Credentials::Credential> key) mutable {
            if (key) {
                endpoint.apiKey = key->secret;
            } else if (required) {
                statusBar()->showMessage(missingKeyMessage(key.error()), 10'000);
                return;
            }
            if (!m_probeNetwork)
                m_probeNetwork = new QNetworkAccessManager(this);
            auto *count = new Providers::RemoteTokenCount(m_probeNetwork, endpoint, request, this);
            connect(
                count, &Providers::RemoteTokenCount::finished, this,
                [this, count, model = request.model, counted](const Providers::TokenCountOutcome &outcome) {
                    count->deleteLater();
                    if (!outcome.ok()) {
                        statusBar()->showMessage(
                            tr("The provider did not count: %1").arg(outcome.error->toString()), 10'000);
                        return;
                    }
                    const QLocale locale;
                    QString message =
                        tr("%1 counts %2 input tokens.").arg(model, locale.toString(outcome.inputTokens));
                    if (counted) {
                        message +=
                            u' ' + tr("Lathe's uncalibrated estimate was %1.").arg(locale.toString(*counted));
                        // An exact count is the best calibration sample there is.
                        if (const auto refused =
                                m_estimator->learnFromReportedCount(model, *counted, outcome.inputTokens))
                            message += u' ' + tr("Not used for calibration: %1.").arg(*refused);
                    }
                    statusBar()->showMessage(message, 20'000);
                });
            count->start();
        });
}

void MainWindow::startStream(const Providers::ProviderEndpoint &endpoint,
                             const Providers::ChatRequest &request,
                             const std::optional<CheckedSchema> &schema,
                             const Structured::StructuredOutputPolicy &policy)
{
    m_firstTokenMs = -1;
    m_deltaCount = 0;
    m_runClock.start();
    m_targets = {Providers::ChatTarget{endpoint, request.model}};
    m_estimateAtSend = m_estimator->estimate();
    m_countedAtSend = m_estimator->countedTokens();
    if (schema) {
        m_pane->beginStructuredAnswer(request.model, schema->schema, policy.attemptsPerTarget);
        m_streamId = m_hub->startStructured(m_targets, request, schema->schema, schema->json, policy);
    } else {
        m_pane->beginAnswer(request.model);
        m_streamId = m_hub->start(m_targets, request);
    }
    setRunning(true);
    statusBar()->showMessage(tr("Waiting for %1…").arg(request.model));
    m_statsLabel->clear();
    m_statsTimer.start();
}

std::optional<QString> MainWindow::keychainServiceOrSay() const
{
    const auto endpoint = currentEndpoint();
    if (!endpoint) {
        statusBar()->showMessage(endpoint.error().message, 6000);
        return std::nullopt;
    }
    return Credentials::keychainServiceFor(endpoint->baseUrl);
}

void MainWindow::setApiKey()
{
    const auto service = keychainServiceOrSay();
    if (!service)
        return;
    bool accepted = false;
    const QString key = QInputDialog::getText(this, tr("Set API Key"),
                                              tr("API key for %1. It is kept in the system keychain, "
                                                 "never in Lathe's files.")
                                                  .arg(*service),
                                              QLineEdit::Password, QString(), &accepted)
                            .trimmed();
    if (!accepted || key.isEmpty())
        return;
    m_credentials->store(*service, key, this, [this, service = *service](Result<void> stored) {
        statusBar()->showMessage(stored ? tr("The API key for %1 is in the keychain.").arg(service)
                                        : stored.error().message,
                                 8000);
    });
}

void MainWindow::forgetApiKey()
{
    const auto service = keychainServiceOrSay();
    if (!service)
        return;
    m_credentials->remove(*service, this, [this, service = *service](Result<void> removed) {
        statusBar()->showMessage(removed ? tr("The keychain holds no API key for %1 now.").arg(service)
                                         : removed.error().message,
                                 8000);
    });
}

void MainWindow::findLocalServers()
{
    if (m_discovery)
        return; // one search at a time; it ends within its timeout
    if (!m_probeNetwork)
        m_probeNetwork = new QNetworkAccessManager(this);
    m_discovery = new Providers::LocalServerDiscovery(m_probeNetwork, Providers::defaultLocalProbes(), this);
    connect(m_discovery, &Providers::LocalServerDiscovery::finished, this,
            [this](const QList<Providers::DiscoveredServer> &servers) {
                m_discovery->deleteLater();
                offerLocalServers(servers);
            });
    statusBar()->showMessage(tr("Looking for model servers on this machine…"));
    m_discovery->start();
}

void MainWindow::offerLocalServers(const QList<Providers::DiscoveredServer> &servers)
{
    const auto &presets = Providers::providerPresets();
    auto *menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("localServersMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    int found = 0;
    for (const Providers::DiscoveredServer &server : servers) {
        const auto preset = std::find_if(presets.cbegin(), presets.cend(), [&server](const auto &candidate) {
            return candidate.id == server.presetId;
        });
        const QString name = preset == presets.cend() ? server.presetId : preset->displayName;
        const QString where = server.baseUrl.authority();
        if (!server.isListed()) {
            menu->addAction(tr("%1 · %2 · %3")
                                .arg(name, where, server.error ? server.error->message : tr("no models")))
                ->setEnabled(false);
            continue;
        }
        ++found;
        for (const QString &model : server.models) {
            const int presetIndex = static_cast<int>(std::distance(presets.cbegin(), preset));
            menu->addAction(tr("%1 · %2 · %3").arg(name, where, model), this,
                            [this, presetIndex, url = server.baseUrl, model] {
                                m_providerBox->setCurrentIndex(presetIndex);
                                m_baseUrlEdit->setText(url.toString());
                                m_modelEdit->setText(model);
                                m_editor->setFocus();
                            });
        }
    }
    statusBar()->showMessage(found == 0 ? tr("No model server answered on this machine.")
                                        : tr("%n local server(s) found; pick a model.", nullptr, found),
                             8000);
    menu->popup(m_providerBox->mapToGlobal(QPoint(0, m_providerBox->height())));
}

void MainWindow::stopRun()
{
    if (m_awaitingKey) {
        ++m_keyLookup; // its answer will be ignored
        m_awaitingKey = false;
        m_pane->stopAnswer();
        setRunning(false);
        return;
    }
    if (m_streamId == 0)
        return;
    m_hub->cancel(m_streamId);
    m_streamId = 0;
    m_pane->stopAnswer();
    setRunning(false);
    showLiveStats();
    statusBar()->showMessage(tr("Stopped. The text that arrived is kept."), 6000);
}

void MainWindow::onQueued(Providers::StreamId id, const QString &reason)
{
    if (id != m_streamId)
        return;
    m_pane->showQueued(reason);
    statusBar()->showMessage(reason.isEmpty() ? tr("Waiting for %1…").arg(m_targets.value(0).model)
                                              : tr("Queued: %1").arg(reason));
}

void MainWindow::onAttempt(Providers::StreamId id, const Providers::AttemptRecord &attempt, int nextWaitMs,
                           int nextTarget)
{
    if (id != m_streamId)
        return;
    QString next;
    if (nextTarget == attempt.targetIndex)
        next = tr("retrying in %1").arg(formatMs(nextWaitMs));
    else if (nextTarget >= 0 && nextTarget < m_targets.size())
        next = tr("falling back to %1").arg(m_targets[nextTarget].label());
    m_pane->addAttempt(attempt, next);
}

void MainWindow::onEvents(Providers::StreamId id, const QList<StreamEvent> &events)
{
    if (id != m_streamId)
        return;
    for (const StreamEvent &event : events) {
        if (event.kind != StreamEvent::Kind::TextDelta)
            continue;
        if (m_firstTokenMs < 0) {
            m_firstTokenMs = m_runClock.nsecsElapsed() / 1.0e6;
            statusBar()->showMessage(tr("Streaming…"));
        }
        ++m_deltaCount;
        m_pane->appendText(event.text);
    }
}

bool MainWindow::isStructuredOutputOn() const
{
    return m_schemaAction->isChecked();
}

void MainWindow::showSchemaPanel(bool shown)
{
    m_schemaPanel->setVisible(shown);
    if (shown) {
        m_schemaPanel->editor()->setFocus();
        statusBar()->showMessage(tr("Structured output on: runs ask for JSON that matches the schema. "
                                    "Ctrl+Shift+J turns it off."),
                                 8000);
    } else {
        m_editor->setFocus();
        statusBar()->showMessage(tr("Structured output off."), 4000);
    }
}

void MainWindow::onStructuredAttemptStarted(Providers::StreamId id, int targetIndex, int attempt)
{
    if (id != m_streamId)
        return;
    // Live figures follow the answer on screen.
    m_firstTokenMs = -1;
    m_deltaCount = 0;
    m_runClock.start();
    m_pane->beginStructuredAttempt(m_targets.value(targetIndex).label(), attempt);
    if (attempt > 1)
        statusBar()->showMessage(
            tr("Asking %1 again (attempt %2)…").arg(m_targets.value(targetIndex).model).arg(attempt));
}

void MainWindow::onStructuredAttempt(Providers::StreamId id, const Structured::StructuredAttempt &attempt)
{
    if (id != m_streamId)
        return;
    m_pane->finishStructuredAttempt(attempt, usageFigures(attempt.run.outcome.usage));
}

void MainWindow::onStructuredFinished(Providers::StreamId id, const Structured::StructuredOutcome &outcome)
{
    if (id != m_streamId)
        return;
    m_streamId = 0;
    m_statsTimer.stop();
    setRunning(false);
    m_pane->finishStructuredAnswer(outcome);
    // Re-asks carry the earlier answers and the schema, which the estimate of the prompt did not
    // count; so the pane shows what all answers used, and the calibration learns nothing here.
    Providers::TokenUsage total;
    for (const Structured::StructuredAttempt &attempt : outcome.attempts)
        total = addUsage(total, attempt.run.outcome.usage);
    const QString figures = usageFigures(total);
    m_pane->showUsage(figures.isEmpty() || outcome.attempts.size() < 2
                          ? figures
                          : tr("%1 answers: ").arg(outcome.attempts.size()) + figures);
    if (!outcome.attempts.isEmpty())
        showFinalStats(outcome.attempts.last().run.outcome, outcome.attempts.size());
    statusBar()->showMessage(outcome.succeeded ? tr("Done.")
                             : outcome.error   ? tr("Failed: %1").arg(outcome.error->message)
                                               : tr("Failed."));
}

void MainWindow::onFinished(Providers::StreamId id, const Providers::RunOutcome &run)
{
    const ChatOutcome &outcome = run.outcome;
    if (id != m_streamId)
        return;
    m_streamId = 0;
    m_statsTimer.stop();
    setRunning(false);
    m_pane->finishAnswer(outcome);
    m_pane->showUsage(usageSummary(outcome.usage));
    if (m_countedAtSend) {
        if (const auto refused = m_estimator->learnFromReportedCount(
                m_targets.value(0).model, *m_countedAtSend, outcome.usage.inputTokens))
            qCInfo(lcProviders) << "calibration sample refused:" << *refused;
    }
    showFinalStats(outcome, run.attempts.size());
    statusBar()->showMessage(outcome.completed ? tr("Done.") : tr("Failed: %1").arg(outcome.error->message));
}

void MainWindow::showFinalStats(const Providers::ChatOutcome &outcome, qsizetype attempts)
{
    QStringList parts;
    if (outcome.timings.firstTokenMs >= 0)
        parts << tr("TTFT %1").arg(formatMs(outcome.timings.firstTokenMs));
    if (const auto rate = outcome.tokensPerSecond())
        parts << tr("%1 tok/s").arg(*rate, 0, 'f', 1);
    const qint64 tokens = outcome.outputTokens();
    parts << (tokens == 1 ? tr("1 output token") : tr("%1 output tokens").arg(tokens));
    parts << tr("total %1").arg(formatMs(outcome.timings.totalMs));
    if (attempts > 1)
        parts << tr("%1 attempts").arg(attempts);
    m_statsLabel->setText(parts.join(QStringLiteral("  ·  ")));
}

QString MainWindow::usageSummary(const Providers::TokenUsage &usage) const
{
    if (usage.isEmpty())
        return {};
    QString summary = usageFigures(usage);
    if (m_estimateAtSend) {
        const QLocale locale;
        const QString approx = m_estimateAtSend->approximate ? QStringLiteral("\u2248") : QString();
        QString before = tr("estimated %1%2 in").arg(approx, locale.toString(m_estimateAtSend->tokens));
        if (m_estimateAtSend->costUsd)
            before += QStringLiteral(", ") + approx + Catalog::formatUsd(*m_estimateAtSend->costUsd);
        summary += QStringLiteral("  \u00B7  ") + before;
    }
    return summary;
}

QString MainWindow::usageFigures(const Providers::TokenUsage &usage) const
{
    if (usage.isEmpty())
        return {};
    const QLocale locale;
    QStringList parts;
    parts << tr("%1 in \u2192 %2 out")
                 .arg(locale.toString(std::max<qint64>(usage.inputTokens, 0)),
                      locale.toString(std::max<qint64>(usage.outputTokens, 0)));
    if (usage.cachedInputTokens > 0)
        parts << tr("%1 cached").arg(locale.toString(usage.cachedInputTokens));
    if (usage.reasoningTokens > 0)
        parts << tr("%1 reasoning").arg(locale.toString(usage.reasoningTokens));
    const auto &model = m_estimateAtSend ? m_estimateAtSend->model : std::nullopt;
    const auto cost = model ? Catalog::costOfUsage(*model, usage) : std::nullopt;
    parts << (cost ? Catalog::formatUsd(cost->total()) : tr("no price"));
    return parts.join(QStringLiteral("  \u00B7  "));
}

void MainWindow::showLiveStats()
{
    if (m_firstTokenMs < 0) {
        m_statsLabel->setText(tr("waiting %1").arg(formatMs(m_runClock.nsecsElapsed() / 1.0e6)));
        return;
    }
    QStringList parts{tr("TTFT %1").arg(formatMs(m_firstTokenMs))};
    const double generatingMs = m_runClock.nsecsElapsed() / 1.0e6 - m_firstTokenMs;
    if (generatingMs > 0 && m_deltaCount > 1)
        parts << tr("%1 tok/s").arg(m_deltaCount * 1000.0 / generatingMs, 0, 'f', 1);
    parts << (m_deltaCount == 1 ? tr("1 delta") : tr("%1 deltas").arg(m_deltaCount));
    m_statsLabel->setText(parts.join(QStringLiteral("  ·  ")));
}

void MainWindow::setRunning(bool running)
{
    m_runAction->setEnabled(true);
    m_stopAction->setEnabled(running);
}

void MainWindow::saveVersionInteractively()
{
    if (!m_library)
        return;
    bool accepted = false;
    QString name = m_openPrompt;
    if (name.isEmpty()) {
        name = QInputDialog::getText(this, tr("Save Version"), tr("Name of the new prompt:"),
                                     QLineEdit::Normal, QString(), &accepted)
                   .trimmed();
        if (!accepted)
            return;
    }
    const QString message =
        QInputDialog::getText(this, tr("Save Version"), tr("What changed in %1?").arg(name),
                              QLineEdit::Normal, QString(), &accepted);
    if (!accepted)
        return;
    const auto saved = saveVersion(name, message);
    if (!saved)
        statusBar()->showMessage(tr("Not saved: %1").arg(saved.error().message), 10'000);
}

void MainWindow::keepScenario()
{
    m_scenarioDelay.stop();
    if (!m_library || m_openPrompt.isEmpty())
        return;
    const Library::Scenario scenario{m_variables->currentScenario(), m_variables->typedValues(), {}};
    if (auto kept = m_library->saveScenario(m_openPrompt, scenario); !kept)
        statusBar()->showMessage(tr("The values could not be kept: %1").arg(kept.error().message), 10'000);
}

void MainWindow::showScenarios()
{
    if (!m_library || m_openPrompt.isEmpty())
        return;
    const auto scenarios = m_library->scenarios(m_openPrompt);
    if (!scenarios) {
        statusBar()->showMessage(scenarios.error().toString(), 10'000);
        return;
    }
    const bool hasDefault = std::any_of(scenarios->begin(), scenarios->end(), [](const Library::Scenario &s) {
        return s.name == QLatin1String("default");
    });
    m_variables->setScenarios(*scenarios,
                              hasDefault || scenarios->empty() ? u"default"_qs : scenarios->front().name);
}

void MainWindow::saveDraft()
{
    if (!m_drafts || m_editor->text() == m_draftedText)
        return;
    const Library::Draft draft{m_editor->text(), m_openPrompt, m_openVersion, {}};
    if (auto saved = m_drafts->save(kDraftSlot, draft); !saved) {
        statusBar()->showMessage(tr("Your unsaved text could not be kept: %1").arg(saved.error().message),
                                 10'000);
        return;
    }
    m_draftedText = draft.text;
}

Result<Library::SaveOutcome> MainWindow::saveVersion(const QString &name, const QString &message)
{
    if (!m_library)
        return fail(ErrorCode::InvalidArgument, tr("No workspace is open."));
    auto read = Library::readPromptText(m_editor->text());
    if (!read)
        return tl::unexpected(read.error());
    Library::PromptContent content = std::move(*read);
    if (const QString model = m_modelEdit->text().trimmed(); !model.isEmpty())
        content.parameters["model"] = model.toStdString();
    if (isStructuredOutputOn()) {
        if (const auto schema = m_schemaPanel->currentSchema())
            content.responseSchema = nlohmann::json::parse(schema->json.toStdString(), nullptr, false);
    }
    auto saved = m_library->save(name, content, message, qEnvironmentVariable("USER"));
    if (!saved)
        return saved;
    const bool newPrompt = m_openPrompt != name;
    m_openPrompt = name;
    m_openVersion = saved->version.number;
    // The values typed for it become its scenario (a new prompt's first).
    keepScenario();
    if (newPrompt)
        showScenarios();
    // Saved as a version: the draft has nothing more to keep.
    if (m_drafts && m_drafts->discard(kDraftSlot))
        m_draftedText = m_editor->text();
    setWindowTitle(tr("%1 v%2 – Lathe").arg(name).arg(saved->version.number));
    statusBar()->showMessage(
        saved->created
            ? tr("Saved %1 v%2.").arg(name).arg(saved->version.number)
            : tr("Nothing changed since %1 v%2; no new version.").arg(name).arg(saved->version.number),
        6000);
    if (m_libraryPanel) {
        m_libraryPanel->refresh();
        m_libraryPanel->selectVersion(name, saved->version.number);
    }
    return saved;
}

namespace
{

QString notesText(const std::vector<Library::PromptyNote> &notes)
{
    QStringList lines;
    for (const Library::PromptyNote &note : notes)
        lines << QStringLiteral("• %1: %2").arg(note.where, note.what);
    return lines.join(u'\n');
}

} // namespace

void MainWindow::importPromptyInteractively()
{
    if (!m_library)
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Prompty"), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
        tr("Prompty files (*.prompty);;All files (*)"));
    if (path.isEmpty())
        return;
    const auto document = Library::readPromptyFile(path);
    if (!document) {
        QMessageBox::warning(this, tr("Import Prompty"),
                             tr("The file could not be read.\n\n%1").arg(document.error().toString()));
        return;
    }
    bool accepted = false;
    const QString name =
        QInputDialog::getText(this, tr("Import Prompty"), tr("Save it in the library as:"), QLineEdit::Normal,
                              Library::importName(*document, path), &accepted)
            .trimmed();
    if (!accepted || name.isEmpty())
        return;
    const auto imported = importPromptyDocument(*document, name, QFileInfo(path).fileName());
    if (!imported) {
        QMessageBox::warning(this, tr("Import Prompty"), imported.error().toString());
        return;
    }
    std::vector<Library::PromptyNote> notes = document->notes;
    notes.insert(notes.end(), imported->notes.begin(), imported->notes.end());
    if (!notes.empty())
        QMessageBox::information(this, tr("Import Prompty"),
                                 tr("Imported as %1 v%2. What Lathe did not keep:\n\n%3")
                                     .arg(name)
                                     .arg(imported->saved.version.number)
                                     .arg(notesText(notes)));
}

Result<Library::PromptyImport> MainWindow::importPromptyFile(const QString &path, const QString &name)
{
    if (!m_library)
        return fail(ErrorCode::InvalidArgument, tr("No workspace is open."));
    const auto document = Library::readPromptyFile(path);
    if (!document)
        return tl::unexpected(document.error());
    return importPromptyDocument(*document, name, QFileInfo(path).fileName());
}

Result<Library::PromptyImport> MainWindow::importPromptyDocument(const Library::PromptyDocument &document,
                                                                 const QString &name, const QString &fileName)
{
    auto imported = Library::importPrompty(*m_library, document, name, tr("Imported from %1").arg(fileName),
                                           qEnvironmentVariable("USER"));
    if (!imported)
        return imported;
    if (m_libraryPanel) {
        m_libraryPanel->refresh();
        m_libraryPanel->selectVersion(name, imported->saved.version.number);
    }
    openVersion(imported->saved.version);
    return imported;
}

void MainWindow::exportPromptyInteractively()
{
    if (!m_library)
        return;
    QString reference;
    if (m_libraryPanel && m_libraryPanel->selectedPrompt() && m_libraryPanel->selectedVersion())
        reference = QStringLiteral("%1@%2")
                        .arg(*m_libraryPanel->selectedPrompt())
                        .arg(*m_libraryPanel->selectedVersion());
    else if (!m_openPrompt.isEmpty() && m_openVersion)
        reference = QStringLiteral("%1@%2").arg(m_openPrompt).arg(*m_openVersion);
    if (reference.isEmpty()) {
        statusBar()->showMessage(tr("Select a version in the library to export, or save the prompt first."),
                                 6000);
        return;
    }
    const QString base = reference.section(u'@', 0, 0).section(u'/', -1);
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export %1").arg(reference),
                                     QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                         .filePath(base + u".prompty"),
                                     tr("Prompty files (*.prompty)"));
    if (path.isEmpty())
        return;
    const auto notes = exportPromptyFile(reference, path);
    if (!notes) {
        QMessageBox::warning(this, tr("Export Prompty"), notes.error().toString());
        return;
    }
    if (!notes->empty())
        QMessageBox::information(
            this, tr("Export Prompty"),
            tr("Exported %1. What the file cannot say:\n\n%2").arg(reference, notesText(*notes)));
    else
        statusBar()->showMessage(tr("Exported %1 to %2.").arg(reference, QDir::toNativeSeparators(path)),
                                 6000);
}

Result<std::vector<Library::PromptyNote>> MainWindow::exportPromptyFile(const QString &reference,
                                                                        const QString &path)
{
    if (!m_library)
        return fail(ErrorCode::InvalidArgument, tr("No workspace is open."));
    const auto version = m_library->resolve(reference);
    if (!version)
        return tl::unexpected(version.error());
    const auto document = Library::promptyOfVersion(*m_library, *version);
    if (!document)
        return tl::unexpected(document.error());
    const Library::PromptyText written = Library::writePrompty(*document);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(written.text.toUtf8()) < 0 || !file.commit())
        return fail(ErrorCode::Io, tr("cannot write: %1").arg(file.errorString()), path);
    return written.notes;
}

void MainWindow::openVersion(const Library::PromptVersion &version)
{
    // Saves what was typed first, so opening a version never loses it; the editor's undo
    // (Ctrl+Z) brings it back too.
    saveDraft();
    m_editor->selectAll();
    m_editor->replaceSelectedText(Library::toPromptText(version.content));
    if (const auto model = version.content.parameters.find("model");
        model != version.content.parameters.end() && model->is_string())
        m_modelEdit->setText(QString::fromStdString(model->get<std::string>()));
    if (m_scenarioDelay.isActive())
        keepScenario(); // the previous prompt's values, before they are replaced
    const bool otherPrompt = m_openPrompt != version.prompt;
    m_openPrompt = version.prompt;
    m_openVersion = version.number;
    if (otherPrompt)
        showScenarios();
    setWindowTitle(tr("%1 v%2 – Lathe").arg(version.prompt).arg(version.number));
    statusBar()->showMessage(tr("Opened %1 v%2.").arg(version.prompt).arg(version.number), 4000);
    m_editor->setFocus();
}

} // namespace Lathe::Ui
