// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace Lathe::Providers
{
struct AttemptRecord;
struct ChatOutcome;
} // namespace Lathe::Providers

namespace Lathe::Ui
{

/**
 * Shows one model's answer as it streams in. Text is queued and reaches the widget at most
 * once per frame (a 16 ms single-shot timer), so a fast stream costs one repaint per frame,
 * not one per token; the view follows the end only when the user has not scrolled away.
 * Errors show inline in a banner above the text, and the text that arrived stays. A run that
 * needed retries or fallbacks lists its attempts under the header.
 */
class ResponsePane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResponsePane)

public:
    static constexpr int kFlushIntervalMs = 16;

    explicit ResponsePane(QWidget *parent = nullptr);

    /** Clears the pane for a new answer from `model`. */
    void beginAnswer(const QString &model);
    /** The request waits in the app's queue for `reason`; an empty reason: it is being sent. */
    void showQueued(const QString &reason);
    /**
     * Lists an attempt once a run has needed more than one: the target, how it ended, and what
     * follows (`next`, e.g. "retrying in 0.5 s"; empty for the last).
     */
    void addAttempt(const Providers::AttemptRecord &attempt, const QString &next);
    /** Queues text for the next frame. */
    void appendText(const QString &text);
    /** Shows how the answer ended: complete, or the error with the text kept. */
    void finishAnswer(const Providers::ChatOutcome &outcome);
    /** The user stopped the answer. */
    void stopAnswer();
    /** Shows a problem that kept the request from being sent. */
    void showProblem(const QString &message);
    /** Shows what the answer used and cost beside what was estimated before it was sent. */
    void showUsage(const QString &summary);
    QString usageText() const;

    /** The attempts listed so far, as plain text, one line each. */
    QString attemptsText() const;
    /** The text on screen (queued text not yet flushed is not included). */
    QString text() const;

private:
    void flush();
    void showBanner(const QString &message);

    QLabel *m_header;
    QLabel *m_usage;
    QLabel *m_attempts;
    QStringList m_attemptLines; ///< rich text, one line per attempt
    QLabel *m_banner;
    QPlainTextEdit *m_view;
    QString m_pending;
    QString m_model;
    QTimer m_flushTimer;
};

} // namespace Lathe::Ui
