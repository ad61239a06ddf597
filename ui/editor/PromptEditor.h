// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <utility>

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

    /**
     * Marks every {{tag}} with a tinted box, and the template error at `problemLine`,
     * `problemColumn` (0-based, in characters) with a red squiggle to the end of its line.
     */
    void showTemplateMarks(std::optional<std::pair<int, int>> problem);
    /** Whether the character at `line`, `column` is marked as a tag / as the problem (for tests). */
    bool isTagAt(int line, int column) const;
    bool isProblemAt(int line, int column) const;

protected:
    bool event(QEvent *event) override;

private:
    void updateLineNumberMarginWidth();
};

} // namespace Lathe::Ui
