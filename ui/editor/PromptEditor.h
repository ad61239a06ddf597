// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Qsci/qsciscintilla.h>

namespace Lathe::Ui
{

/**
 * The prompt editor: QScintilla set up for prose prompts (UTF-8, word wrap, a line-number
 * margin that grows with the document, a monospace font that follows the system's).
 */
class PromptEditor final : public QsciScintilla
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEditor)

public:
    explicit PromptEditor(QWidget *parent = nullptr);

protected:
    bool event(QEvent *event) override;

private:
    void updateLineNumberMarginWidth();
};

} // namespace Lathe::Ui
