// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>

#include "editor/PromptEditor.h"
#include "panes/ResponsePane.h"
#include "providers/ProviderPresets.h"

namespace Lathe::Ui
{

namespace
{

using Providers::ChatOutcome;
using Providers::StreamEvent;

const QString kSamplePrompt = QStringLiteral(
    "Explain in three short paragraphs why streaming an LLM's answer token by token makes an app "
    "feel faster, even when the total time stays the same.\n");

QString formatMs(double ms)
{
    return ms < 10'000 ? QStringLiteral("%1 ms").arg(qRound(ms))
                       : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

} // namespace

MainWindow::MainWindow(Providers::StreamHub *hub, QUrl simulatorUrl, QWidget *parent)
    : QMainWindow(parent)
    , m_hub(hub)
    , m_simulatorUrl(std::move(simulatorUrl))
    , m_editor(new PromptEditor(this))
    , m_pane(new ResponsePane(this))
    , m_statsLabel(new QLabel(this))
{
    setWindowTitle(tr("Lathe"));
    m_editor->setObjectName(QStringLiteral("promptEditor"));
    m_editor->setText(kSamplePrompt);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_editor);
    splitter->addWidget(m_pane);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({1, 1});
    setCentralWidget(splitter);

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
    buildEndpointBar();

    m_statsLabel->setObjectName(QStringLiteral("statsLabel"));
    statusBar()->addPermanentWidget(m_statsLabel);
    statusBar()->showMessage(tr("Ready. Ctrl+Enter runs the prompt, Esc stops it."));

    connect(m_hub, &Providers::StreamHub::streamQueued, this, &MainWindow::onQueued);
    connect(m_hub, &Providers::StreamHub::attemptFinished, this, &MainWindow::onAttempt);
    connect(m_hub, &Providers::StreamHub::ledgerFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("The request ledger could not be written: %1").arg(message), 10'000);
    });
    connect(m_hub, &Providers::StreamHub::eventsReceived, this, &MainWindow::onEvents);
    connect(m_hub, &Providers::StreamHub::streamFinished, this, &MainWindow::onFinished);
    m_statsTimer.setInterval(250); // live figures at a readable pace, not per token
    connect(&m_statsTimer, &QTimer::timeout, this, &MainWindow::showLiveStats);
    setRunning(false);
    resize(1180, 720);
    m_editor->setFocus();
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

    bar->addWidget(new QLabel(tr(" Provider "), bar));
    bar->addWidget(m_providerBox);
    bar->addWidget(new QLabel(tr("  URL "), bar));
    bar->addWidget(m_baseUrlEdit);
    bar->addWidget(new QLabel(tr("  Model "), bar));
    bar->addWidget(m_modelEdit);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);

    connect(m_providerBox, &QComboBox::currentIndexChanged, this, &MainWindow::applyPreset);
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
}

QUrl MainWindow::simulatorRoot() const
{
    QUrl root = m_simulatorUrl;
    root.setPath(QString());
    return root;
}

void MainWindow::runPrompt()
{
    const QString prompt = m_editor->text();
    if (prompt.trimmed().isEmpty()) {
        statusBar()->showMessage(tr("Type a prompt first."), 4000);
        return;
    }
    if (m_streamId != 0)
        stopRun();

    const auto &preset = Providers::providerPresets().at(std::max(0, m_providerBox->currentIndex()));
    Providers::ProviderEndpoint endpoint = preset.endpoint(simulatorRoot());
    endpoint.baseUrl = QUrl(m_baseUrlEdit->text().trimmed(), QUrl::StrictMode);
    if (!endpoint.baseUrl.isValid() || endpoint.baseUrl.host().isEmpty()) {
        m_pane->showProblem(
            tr("The URL \"%1\" is not valid. Give the API root, e.g. https://api.openai.com/v1.")
                .arg(m_baseUrlEdit->text()));
        return;
    }
    if (!preset.apiKeyVariable.isEmpty())
        endpoint.apiKey = qEnvironmentVariable(preset.apiKeyVariable.toLatin1().constData());
    if (preset.apiKeyRequired && endpoint.apiKey.isEmpty()) {
        m_pane->showProblem(tr("%1 needs an API key. Set the environment variable %2 before starting Lathe.")
                                .arg(preset.displayName, preset.apiKeyVariable));
        return;
    }
    Providers::ChatRequest request;
    request.model = m_modelEdit->text().trimmed();
    request.messages.append({QStringLiteral("user"), prompt});

    m_pane->beginAnswer(request.model);
    m_firstTokenMs = -1;
    m_deltaCount = 0;
    m_runClock.start();
    m_targets = {Providers::ChatTarget{endpoint, request.model}};
    m_streamId = m_hub->start(m_targets, request);
    setRunning(true);
    statusBar()->showMessage(tr("Waiting for %1…").arg(request.model));
    m_statsLabel->clear();
    m_statsTimer.start();
}

void MainWindow::stopRun()
{
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

void MainWindow::onFinished(Providers::StreamId id, const Providers::RunOutcome &run)
{
    const ChatOutcome &outcome = run.outcome;
    if (id != m_streamId)
        return;
    m_streamId = 0;
    m_statsTimer.stop();
    setRunning(false);
    m_pane->finishAnswer(outcome);

    QStringList parts;
    if (outcome.timings.firstTokenMs >= 0)
        parts << tr("TTFT %1").arg(formatMs(outcome.timings.firstTokenMs));
    if (const auto rate = outcome.tokensPerSecond())
        parts << tr("%1 tok/s").arg(*rate, 0, 'f', 1);
    const qint64 tokens = outcome.outputTokens();
    parts << (tokens == 1 ? tr("1 output token") : tr("%1 output tokens").arg(tokens));
    parts << tr("total %1").arg(formatMs(outcome.timings.totalMs));
    if (run.attempts.size() > 1)
        parts << tr("%1 attempts").arg(run.attempts.size());
    m_statsLabel->setText(parts.join(QStringLiteral("  ·  ")));
    statusBar()->showMessage(outcome.completed ? tr("Done.") : tr("Failed: %1").arg(outcome.error->message));
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

} // namespace Lathe::Ui
