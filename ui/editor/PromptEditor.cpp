// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptEditor.h"

#include <QFontDatabase>
#include <QKeyEvent>
#include <QRegularExpression>

namespace Lathe::Ui
{

namespace
{

constexpr int kTagIndicator = 8; // Scintilla leaves 0-7 to lexers
constexpr int kProblemIndicator = 9;

} // namespace

PromptEditor::PromptEditor(QWidget *parent)
    : QsciScintilla(parent)
{
    setUtf8(true);
    const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    setFont(font);
    setMarginsFont(font);
    setWrapMode(WrapWord);
    setWrapVisualFlags(WrapFlagNone);
    setEolMode(EolUnix);
    setTabWidth(4);
    setIndentationsUseTabs(false);
    setAutoIndent(true);
    setBraceMatching(NoBraceMatch);
    setCaretLineVisible(true);
    setCaretLineBackgroundColor(palette().color(QPalette::AlternateBase));
    setMarginType(0, NumberMargin);
    setMarginLineNumbers(0, true);
    setFolding(NoFoldStyle);
    connect(this, &QsciScintilla::linesChanged, this, &PromptEditor::updateLineNumberMarginWidth);
    indicatorDefine(StraightBoxIndicator, kTagIndicator);
    setIndicatorForegroundColor(QColor(0x3b, 0x82, 0xf6, 60), kTagIndicator);
    setIndicatorDrawUnder(true, kTagIndicator);
    indicatorDefine(SquiggleIndicator, kProblemIndicator);
    setIndicatorForegroundColor(QColor(0xd0, 0x1c, 0x2c), kProblemIndicator);
    updateLineNumberMarginWidth();
}

bool PromptEditor::event(QEvent *event)
{
    // Scintilla claims Escape for itself, which would swallow the window's Stop shortcut.
    // Leave Escape to the window unless a completion list or call tip is open to dismiss.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier && !isListActive() &&
            !isCallTipActive()) {
            event->ignore();
            return true;
        }
    }
    return QsciScintilla::event(event);
}

void PromptEditor::showTemplateMarks(std::optional<std::pair<int, int>> problem)
{
    const int lastLine = std::max(0, lines() - 1);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), kTagIndicator);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), kProblemIndicator);
    static const QRegularExpression kTag(QStringLiteral("\\{\\{.*?\\}\\}\\}?"));
    for (int line = 0; line < lines(); ++line) {
        const QString lineText = text(line);
        for (auto match = kTag.globalMatch(lineText); match.hasNext();) {
            const auto tag = match.next();
            fillIndicatorRange(line, int(tag.capturedStart()), line, int(tag.capturedEnd()), kTagIndicator);
        }
    }
    if (problem && problem->first >= 0 && problem->first < lines()) {
        const QString lineText = text(problem->first);
        int end = int(lineText.size());
        while (end > 0 && (lineText[end - 1] == u'\n' || lineText[end - 1] == u'\r'))
            --end;
        const int start = std::min(problem->second, std::max(0, end - 1));
        fillIndicatorRange(problem->first, start, problem->first, std::max(end, start + 1),
                           kProblemIndicator);
    }
}

bool PromptEditor::isTagAt(int line, int column) const
{
    const long position = positionFromLineIndex(line, column);
    return SendScintilla(SCI_INDICATORVALUEAT, kTagIndicator, position) != 0;
}

bool PromptEditor::isProblemAt(int line, int column) const
{
    const long position = positionFromLineIndex(line, column);
    return SendScintilla(SCI_INDICATORVALUEAT, kProblemIndicator, position) != 0;
}

void PromptEditor::updateLineNumberMarginWidth()
{
    // Room for the widest line number plus one digit of padding.
    setMarginWidth(0, QStringLiteral("0") + QString::number(std::max(lines(), 10)));
}

} // namespace Lathe::Ui
