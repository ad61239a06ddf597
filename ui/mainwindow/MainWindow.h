// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>
#include <QTimer>
#include <QUrl>

#include "providers/StreamHub.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;

namespace Lathe::Ui
{

class PromptEditor;
class ResponsePane;

/**
 * The workbench window: the prompt editor beside the response pane, the endpoint bar above,
 * the run statistics below. Ctrl+Enter runs the prompt, Esc stops it.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /** `simulatorUrl` is the API root of the in-process simulator, the default provider. */
    MainWindow(Providers::StreamHub *hub, QUrl simulatorUrl, QWidget *parent = nullptr);

    void runPrompt();
    void stopRun();

private:
    void buildEndpointBar();
    void applyPreset(int index);
    QUrl simulatorRoot() const;
    void onQueued(Providers::StreamId id, const QString &reason);
    void onAttempt(Providers::StreamId id, const Providers::AttemptRecord &attempt, int nextWaitMs,
                   int nextTarget);
    void onEvents(Providers::StreamId id, const QList<Providers::StreamEvent> &events);
    void onFinished(Providers::StreamId id, const Providers::RunOutcome &run);
    void showLiveStats();
    void setRunning(bool running);

    Providers::StreamHub *m_hub;
    QUrl m_simulatorUrl;
    PromptEditor *m_editor;
    ResponsePane *m_pane;
    QComboBox *m_providerBox = nullptr;
    QLineEdit *m_baseUrlEdit = nullptr;
    QLineEdit *m_modelEdit = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QLabel *m_statsLabel;

    Providers::StreamId m_streamId = 0;     // 0: nothing running
    QList<Providers::ChatTarget> m_targets; // of the running stream
    QElapsedTimer m_runClock;               // for live figures; final ones come from the outcome
    double m_firstTokenMs = -1;
    qint64 m_deltaCount = 0;
    QTimer m_statsTimer;
};

} // namespace Lathe::Ui
