// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonAnswerView.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextDocument>
#include <QVBoxLayout>

#include "schema/JsonRepair.h"
#include "structured/StructuredRun.h"

namespace Lathe::Ui
{

namespace
{

QString placeLabel(const std::string &instanceLocation)
{
    return instanceLocation.empty() ? QStringLiteral("(root)") : QString::fromStdString(instanceLocation);
}

} // namespace

JsonAnswerView::JsonAnswerView(QWidget *parent)
    : QWidget(parent)
    , m_view(new QPlainTextEdit(this))
    , m_verdict(new QLabel(this))
{
    setObjectName(QStringLiteral("jsonAnswerView"));
    m_view->setObjectName(QStringLiteral("jsonAnswerText"));
    m_view->setReadOnly(true);
    m_view->setUndoRedoEnabled(false);
    m_view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setPlaceholderText(tr("The JSON value appears here as the answer streams."));

    m_verdict->setObjectName(QStringLiteral("jsonAnswerVerdict"));
    m_verdict->setTextFormat(Qt::RichText);
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->setContentsMargins(4, 2, 4, 2);
    m_verdict->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_verdict);
}

void JsonAnswerView::begin(const Schema::JsonSchema &schema)
{
    m_schema = schema;
    clear();
}

void JsonAnswerView::clear()
{
    m_parser.reset();
    m_dirty = false;
    m_view->clear();
    showLines({});
}

void JsonAnswerView::appendText(const QString &text)
{
    if (m_parser.failed())
        return; // it ignores the rest, and the error is on screen already
    const QByteArray utf8 = text.toUtf8();
    m_parser.append(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    m_dirty = true;
}

void JsonAnswerView::refresh()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    if (!m_parser.started())
        return; // prose or a code fence so far
    showJson(m_parser.current());

    QList<Line> lines;
    if (const auto &error = m_parser.error()) {
        lines << Line{Tone::Problem, tr("Not strict JSON so far: %1").arg(error->toString())};
    } else if (m_schema) {
        // While the answer streams, only what more text cannot mend is reported.
        const Schema::ValidationReport report =
            m_parser.complete() ? m_schema->validate(m_parser.current())
                                : m_schema->validatePartial(m_parser.current(), m_parser.openPointer());
        if (!report.valid)
            addViolations(lines, report.errors);
        else if (m_parser.complete())
            lines << Line{Tone::Good, tr("Matches the schema")};
        else
            lines << Line{Tone::Quiet, tr("No violations so far")};
    }
    showLines(lines);
}

void JsonAnswerView::showVerdict(const Structured::StructuredAttempt &attempt)
{
    m_dirty = false;
    QList<Line> lines;
    if (attempt.value) {
        // What was validated, which a repair may have changed from what streamed.
        showJson(*attempt.value);
        addViolations(lines, attempt.violations);
        if (attempt.violations.empty())
            lines << Line{Tone::Good, tr("Matches the schema")};
        if (attempt.repaired) {
            for (const Schema::RepairFix &fix : attempt.fixes)
                lines << Line{Tone::Repair, tr("Repaired: %1").arg(Schema::describeFix(fix))};
        }
    } else if (attempt.readError) {
        lines << Line{Tone::Problem, tr("Not JSON: %1").arg(attempt.readError->toString())};
    } else if (attempt.run.outcome.error) {
        lines << Line{Tone::Problem, tr("No answer: %1").arg(attempt.run.outcome.error->toString())};
    }
    showLines(lines);
}

QString JsonAnswerView::jsonText() const
{
    return m_view->toPlainText();
}

QString JsonAnswerView::verdictText() const
{
    QTextDocument document;
    document.setHtml(m_verdict->text());
    return document.toPlainText();
}

void JsonAnswerView::showJson(const nlohmann::json &value)
{
    QScrollBar *scrollBar = m_view->verticalScrollBar();
    const bool followEnd = scrollBar->value() == scrollBar->maximum();
    const int position = scrollBar->value();
    // The parser keeps only valid UTF-8, so `replace` never fires; it keeps dump() from throwing.
    m_view->setPlainText(
        QString::fromStdString(value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)));
    scrollBar->setValue(followEnd ? scrollBar->maximum() : position);
}

void JsonAnswerView::addViolations(QList<Line> &lines, const std::vector<Schema::ValidationError> &errors)
{
    const int listed = std::min<int>(int(errors.size()), kMaxListedViolations);
    for (int i = 0; i < listed; ++i)
        lines << Line{Tone::Problem, placeLabel(errors[std::size_t(i)].instanceLocation) +
                                         QStringLiteral(": ") + errors[std::size_t(i)].message};
    if (int(errors.size()) > listed)
        lines << Line{Tone::Problem, tr("… and %1 more").arg(errors.size() - std::size_t(listed))};
}

void JsonAnswerView::showLines(const QList<Line> &lines)
{
    QStringList html;
    for (const Line &line : lines) {
        QString colour;
        switch (line.tone) {
        case Tone::Problem:
            colour = QStringLiteral("#8a1c1c");
            break;
        case Tone::Good:
            colour = QStringLiteral("#1e6b34");
            break;
        case Tone::Repair:
            colour = QStringLiteral("#7a5200");
            break;
        case Tone::Quiet:
            colour = palette().color(QPalette::PlaceholderText).name();
            break;
        }
        // Messages quote the model's answer: text, not markup.
        html << QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colour, line.text.toHtmlEscaped());
    }
    m_verdict->setText(html.join(QStringLiteral("<br>")));
    m_verdict->setVisible(!lines.isEmpty());
}

} // namespace Lathe::Ui
