// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptEditor.h"

#include <QFontDatabase>
#include <QKeyEvent>

namespace Lathe::Ui
{

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

void PromptEditor::updateLineNumberMarginWidth()
{
    // Room for the widest line number plus one digit of padding.
    setMarginWidth(0, QStringLiteral("0") + QString::number(std::max(lines(), 10)));
}

} // namespace Lathe::Ui
