// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResponsePane.h"

#include <cmath>

#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

#include "panes/JsonAnswerView.h"
#include "providers/ChatRun.h"
#include "structured/StructuredRun.h"

namespace Lathe::Ui
{

ResponsePane::ResponsePane(QWidget *parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_usage(new QLabel(this))
    , m_attempts(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_view(new QPlainTextEdit(this))
    , m_json(new JsonAnswerView(this))
{
    setObjectName(QStringLiteral("responsePane"));
    m_view->setObjectName(QStringLiteral("responseText"));
    m_view->setReadOnly(true);
    m_view->setUndoRedoEnabled(false);
    m_view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_view->setPlaceholderText(tr("The answer streams here. Press Ctrl+Enter in the prompt to run it."));

    m_header->setObjectName(QStringLiteral("responseHeader"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setText(tr("Response"));
    QFont headerFont = m_header->font();
    headerFont.setBold(true);
    m_header->setFont(headerFont);
    m_header->setContentsMargins(4, 2, 4, 2);

    m_usage->setObjectName(QStringLiteral("responseUsage"));
    m_usage->setTextFormat(Qt::PlainText);
    m_usage->setWordWrap(true);
    m_usage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_usage->setContentsMargins(4, 0, 4, 4);
    m_usage->setForegroundRole(QPalette::PlaceholderText);
    m_usage->hide();

    m_attempts->setObjectName(QStringLiteral("responseAttempts"));
    m_attempts->setTextFormat(Qt::RichText);
    m_attempts->setWordWrap(true);
    m_attempts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_attempts->setContentsMargins(4, 0, 4, 4);
    m_attempts->hide();

    m_banner->setObjectName(QStringLiteral("responseBanner"));
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #611a15; border: 1px solid "
                                           "#f5c2c0; border-radius: 4px; padding: 6px; }"));
    m_banner->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_header);
    layout->addWidget(m_usage);
    layout->addWidget(m_attempts);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);

    // A plain answer has one view and needs no tabs; a structured one shows both.
    m_tabs->setObjectName(QStringLiteral("responseTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_view, tr("Text"));
    m_tabs->addTab(m_json, tr("JSON"));
    m_tabs->tabBar()->hide();

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ResponsePane::flush);
}

void ResponsePane::clear(const QString &model)
{
    m_flushTimer.stop();
    m_pending.clear();
    m_model = model;
    m_subject = model;
    m_view->clear();
    m_banner->hide();
    m_usage->clear();
    m_usage->hide();
    m_attemptLines.clear();
    m_attempts->clear();
    m_attempts->hide();
    m_header->setText(tr("%1 · waiting for the first token…").arg(model));
}

void ResponsePane::beginAnswer(const QString &model)
{
    clear(model);
    m_structured = false;
    m_tabs->setCurrentWidget(m_view);
    m_tabs->tabBar()->hide();
}

void ResponsePane::beginStructuredAnswer(const QString &model, const Schema::JsonSchema &schema,
                                         int attemptsPerTarget)
{
    clear(model);
    m_structured = true;
    m_attemptsPerTarget = attemptsPerTarget;
    m_json->begin(schema);
    m_tabs->tabBar()->show();
    m_tabs->setCurrentWidget(m_json);
}

void ResponsePane::beginStructuredAttempt(const QString &target, int attempt)
{
    m_flushTimer.stop();
    m_pending.clear();
    m_view->clear();
    m_json->clear();
    m_banner->hide();
    m_subject = tr("attempt %1 of %2 on %3").arg(attempt).arg(m_attemptsPerTarget).arg(target);
    m_header->setText(tr("%1 · waiting for the first token…").arg(m_subject));
}

void ResponsePane::showQueued(const QString &reason)
{
    m_header->setText(reason.isEmpty() ? tr("%1 · sending…").arg(m_subject)
                                       : tr("%1 · queued: %2").arg(m_subject, reason));
}

void ResponsePane::addAttempt(const Providers::AttemptRecord &attempt, const QString &next)
{
    const Providers::ChatOutcome &outcome = attempt.outcome;
    // In a structured run each answer gets its own line (finishStructuredAttempt); only the
    // network requests that failed on the way to it are worth a line of their own.
    if (m_structured && outcome.completed)
        return;
    QString line = m_structured
                       ? tr("\u21B3 request %1 · %2").arg(attempt.attempt).arg(attempt.target)
                       : tr("%1 attempt %2 · %3")
                             .arg(outcome.completed ? QStringLiteral("\u2713") : QStringLiteral("\u2717"))
                             .arg(attempt.attempt)
                             .arg(attempt.target);
    if (outcome.error)
        line += QStringLiteral(" · ") + outcome.error->message;
    if (outcome.timings.totalMs >= 0)
        line += tr(" · %1 ms").arg(std::lround(outcome.timings.totalMs));
    if (!next.isEmpty())
        line += QStringLiteral(" \u2192 ") + next;
    addAttemptLine(outcome.completed, line);
    // One clean attempt is the common case and needs no list.
    m_attempts->setVisible(m_attemptLines.size() > 1 || !outcome.completed);
}

void ResponsePane::finishStructuredAttempt(const Structured::StructuredAttempt &attempt, const QString &usage)
{
    flush();
    m_json->showVerdict(attempt);
    const QString verdict = verdictOf(attempt);
    m_header->setText(tr("%1 · %2").arg(m_subject, verdict));
    QString line =
        tr("%1 %2 · attempt %3 · %4")
            .arg(attempt.accepted ? QStringLiteral("\u2713") : QStringLiteral("\u2717"), attempt.target)
            .arg(attempt.attempt)
            .arg(verdict);
    if (!usage.isEmpty())
        line += QStringLiteral(" · ") + usage;
    if (!attempt.next.isEmpty())
        line += QStringLiteral(" \u2192 ") + attempt.next;
    addAttemptLine(attempt.accepted, line);
    // Even one answer is worth its line here: it carries the verdict and the cost.
    m_attempts->show();
}

void ResponsePane::finishStructuredAnswer(const Structured::StructuredOutcome &outcome)
{
    flush();
    const int attempts = int(outcome.attempts.size());
    if (outcome.succeeded) {
        m_header->setText(attempts > 1
                              ? tr("%1 · matches the schema after %2 attempts").arg(m_model).arg(attempts)
                              : tr("%1 · matches the schema").arg(m_model));
        return;
    }
    m_header->setText(tr("%1 · no answer matched the schema").arg(m_model));
    showBanner(outcome.error ? outcome.error->toString() : tr("No answer matched the schema."));
}

QString ResponsePane::verdictOf(const Structured::StructuredAttempt &attempt)
{
    if (attempt.accepted)
        return attempt.repaired ? tr("matched the schema after repair") : tr("matched the schema");
    if (attempt.readError)
        return tr("not JSON: %1").arg(attempt.readError->message);
    if (attempt.value && !attempt.violations.empty()) {
        const Schema::ValidationError &first = attempt.violations.front();
        const QString place =
            first.instanceLocation.empty() ? tr("(root)") : QString::fromStdString(first.instanceLocation);
        const std::size_t count = attempt.violations.size();
        QString verdict = (count == 1 ? tr("1 violation") : tr("%1 violations").arg(count)) +
                          QStringLiteral(" \u2014 ") + place + QStringLiteral(": ") + first.message;
        if (attempt.violations.size() > 1)
            verdict += QStringLiteral(" \u2026");
        return verdict;
    }
    if (attempt.run.outcome.error)
        return tr("failed: %1").arg(attempt.run.outcome.error->message);
    return tr("no answer");
}

void ResponsePane::addAttemptLine(bool succeeded, const QString &line)
{
    // Failed attempts in the banner's red, the one that answered in green: the eye finds the
    // story of the run without reading every line. Provider text is escaped: it is not markup.
    const QString colour = succeeded ? QStringLiteral("#1e6b34") : QStringLiteral("#8a1c1c");
    m_attemptLines << QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colour, line.toHtmlEscaped());
    m_attempts->setText(m_attemptLines.join(QStringLiteral("<br>")));
}

void ResponsePane::appendText(const QString &text)
{
    if (text.isEmpty())
        return;
    if (m_pending.isEmpty() && m_view->document()->isEmpty())
        m_header->setText(tr("%1 · streaming").arg(m_subject));
    m_pending += text;
    if (m_structured)
        m_json->appendText(text);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ResponsePane::finishAnswer(const Providers::ChatOutcome &outcome)
{
    flush();
    if (outcome.completed) {
        const QString reason = outcome.finishReason == QLatin1String("length")
                                   ? tr("complete (stopped at the token limit)")
                                   : tr("complete");
        m_header->setText(tr("%1 · %2").arg(m_subject, reason));
        return;
    }
    m_header->setText(tr("%1 · failed").arg(m_subject));
    QString message = outcome.error ? outcome.error->toString() : tr("the answer is incomplete");
    if (!outcome.text.isEmpty())
        message += tr("\nThe text that arrived before the failure is kept below.");
    showBanner(message);
}

void ResponsePane::stopAnswer()
{
    flush();
    m_header->setText(tr("%1 · stopped").arg(m_subject));
}

void ResponsePane::showProblem(const QString &message)
{
    m_header->setText(tr("Response"));
    showBanner(message);
}

void ResponsePane::showUsage(const QString &summary)
{
    m_usage->setText(summary);
    m_usage->setVisible(!summary.isEmpty());
}

QString ResponsePane::usageText() const
{
    return m_usage->text();
}

QString ResponsePane::attemptsText() const
{
    QTextDocument document;
    document.setHtml(m_attempts->text());
    return document.toPlainText();
}

QString ResponsePane::text() const
{
    return m_view->toPlainText();
}

QString ResponsePane::headerText() const
{
    return m_header->text();
}

void ResponsePane::flush()
{
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    QScrollBar *scrollBar = m_view->verticalScrollBar();
    const bool followEnd = scrollBar->value() == scrollBar->maximum();
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(m_pending);
    m_pending.clear();
    if (followEnd)
        scrollBar->setValue(scrollBar->maximum());
    if (m_structured)
        m_json->refresh();
}

void ResponsePane::showBanner(const QString &message)
{
    m_banner->setText(message);
    m_banner->show();
}

} // namespace Lathe::Ui
