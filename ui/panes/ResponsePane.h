// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace Lathe::Providers
{
struct AttemptRecord;
struct ChatOutcome;
} // namespace Lathe::Providers

namespace Lathe::Schema
{
class JsonSchema;
}

namespace Lathe::Structured
{
struct StructuredAttempt;
struct StructuredOutcome;
} // namespace Lathe::Structured

namespace Lathe::Ui
{

class JsonAnswerView;

/**
 * Shows one model's answer as it streams in. Text is queued and reaches the widget at most
 * once per frame (a 16 ms single-shot timer), so a fast stream costs one repaint per frame,
 * not one per token; the view follows the end only when the user has not scrolled away.
 * Errors show inline in a banner above the text, and the text that arrived stays. A run that
 * needed retries or fallbacks lists its attempts under the header.
 *
 * A structured answer (one that must match a JSON Schema) gets a second tab, JSON, which shows
 * the value as it streams and its verdict (JsonAnswerView). Each answer of a structured run
 * clears the pane and is listed when it ends, with its verdict, tokens and cost, and what
 * followed (a re-ask, a fallback); failed network requests show under it.
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
    /**
     * Clears the pane for a structured run of `model` against `schema`, which asks each model
     * up to `attemptsPerTarget` times; the JSON tab comes to the front.
     */
    void beginStructuredAnswer(const QString &model, const Schema::JsonSchema &schema, int attemptsPerTarget);
    /** An answer of the structured run starts: text and JSON clear; "attempt N of M on TARGET". */
    void beginStructuredAttempt(const QString &target, int attempt);
    /**
     * An answer of the structured run ended: its verdict under the JSON, and a line in the
     * attempts list with `usage` (its tokens and cost; empty when unknown) and attempt.next.
     */
    void finishStructuredAttempt(const Structured::StructuredAttempt &attempt, const QString &usage);
    /** The structured run ended: the verdict in the header, the reason in the banner if it failed. */
    void finishStructuredAnswer(const Structured::StructuredOutcome &outcome);
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
    /** The header line: the model or attempt, and how the answer stands. */
    QString headerText() const;

private:
    void clear(const QString &model);
    void flush();
    void showBanner(const QString &message);
    void addAttemptLine(bool succeeded, const QString &line);
    static QString verdictOf(const Structured::StructuredAttempt &attempt);

    QLabel *m_header;
    QLabel *m_usage;
    QLabel *m_attempts;
    QStringList m_attemptLines; ///< rich text, one line per attempt
    QLabel *m_banner;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_view;
    JsonAnswerView *m_json;
    QString m_pending;
    QString m_model;
    QString m_subject; ///< what the header is about: the model, or "attempt 2 of 3 on …"
    bool m_structured = false;
    int m_attemptsPerTarget = 1;
    QTimer m_flushTimer;
};

} // namespace Lathe::Ui
