// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResponsePane.h"

#include <cmath>

#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

#include "providers/ChatRun.h"

namespace Lathe::Ui
{

ResponsePane::ResponsePane(QWidget *parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_usage(new QLabel(this))
    , m_attempts(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_view(new QPlainTextEdit(this))
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
    layout->addWidget(m_view, 1);

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ResponsePane::flush);
}

void ResponsePane::beginAnswer(const QString &model)
{
    m_flushTimer.stop();
    m_pending.clear();
    m_model = model;
    m_view->clear();
    m_banner->hide();
    m_usage->clear();
    m_usage->hide();
    m_attemptLines.clear();
    m_attempts->clear();
    m_attempts->hide();
    m_header->setText(tr("%1 · waiting for the first token…").arg(model));
}

void ResponsePane::showQueued(const QString &reason)
{
    m_header->setText(reason.isEmpty() ? tr("%1 · sending…").arg(m_model)
                                       : tr("%1 · queued: %2").arg(m_model, reason));
}

void ResponsePane::addAttempt(const Providers::AttemptRecord &attempt, const QString &next)
{
    const Providers::ChatOutcome &outcome = attempt.outcome;
    QString line = tr("%1 attempt %2 · %3")
                       .arg(outcome.completed ? QStringLiteral("\u2713") : QStringLiteral("\u2717"))
                       .arg(attempt.attempt)
                       .arg(attempt.target);
    if (outcome.error)
        line += QStringLiteral(" · ") + outcome.error->message;
    if (outcome.timings.totalMs >= 0)
        line += tr(" · %1 ms").arg(std::lround(outcome.timings.totalMs));
    if (!next.isEmpty())
        line += QStringLiteral(" \u2192 ") + next;
    // Failed attempts in the banner's red, the one that answered in green: the eye finds the
    // story of the run without reading every line. Provider text is escaped: it is not markup.
    const QString colour = outcome.completed ? QStringLiteral("#1e6b34") : QStringLiteral("#8a1c1c");
    m_attemptLines << QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colour, line.toHtmlEscaped());
    // One clean attempt is the common case and needs no list.
    const bool worthShowing = m_attemptLines.size() > 1 || !outcome.completed;
    m_attempts->setText(m_attemptLines.join(QStringLiteral("<br>")));
    m_attempts->setVisible(worthShowing);
}

void ResponsePane::appendText(const QString &text)
{
    if (text.isEmpty())
        return;
    if (m_pending.isEmpty() && m_view->document()->isEmpty())
        m_header->setText(tr("%1 · streaming").arg(m_model));
    m_pending += text;
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
        m_header->setText(tr("%1 · %2").arg(m_model, reason));
        return;
    }
    m_header->setText(tr("%1 · failed").arg(m_model));
    QString message = outcome.error ? outcome.error->toString() : tr("the answer is incomplete");
    if (!outcome.text.isEmpty())
        message += tr("\nThe text that arrived before the failure is kept below.");
    showBanner(message);
}

void ResponsePane::stopAnswer()
{
    flush();
    m_header->setText(tr("%1 · stopped").arg(m_model));
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
}

void ResponsePane::showBanner(const QString &message)
{
    m_banner->setText(message);
    m_banner->show();
}

} // namespace Lathe::Ui
