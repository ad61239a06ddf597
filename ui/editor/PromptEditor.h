// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <utility>

#include <QStringList>

#include <Qsci/qsciscintilla.h>

#include "library/PromptContent.h"

namespace Lathe::Ui
{

/**
 * The prompt editor: QScintilla set up for prose prompts (UTF-8, word wrap, a line-number
 * margin that grows with the document, a monospace font that follows the system's). It shows
 * which message each line belongs to (a bar in the role's colour beside it, the role line
 * tinted), greys a front matter, tints {{tags}}, squiggles a template error, and completes
 * variable names after "{{" (and on Ctrl+Space inside a tag).
 */
class PromptEditor final : public QsciScintilla
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEditor)

public:
    explicit PromptEditor(QWidget *parent = nullptr);

    /**
     * Marks every {{tag}} with a tinted box (sections in their own tint), and the template error at
     * `problemLine`, `problemColumn` (0-based, in characters) with a red squiggle to the end of its line.
     */
    void showTemplateMarks(std::optional<std::pair<int, int>> problem);
    /** Whether the character at `line`, `column` is marked as a tag / as the problem (for tests). */
    bool isTagAt(int line, int column) const;
    bool isSectionAt(int line, int column) const;
    bool isProblemAt(int line, int column) const;

    /** Shows the messages' roles and the front matter of the text as `layout` finds them. */
    void showLayout(const Library::PromptTextLayout &layout);
    /** The role whose colour the line shows; empty outside messages (for tests). */
    QString roleShownAt(int line) const;
    bool isFrontMatterAt(int line) const;

    /** The names offered after "{{": the prompt's variables. */
    void setVariableNames(const QStringList &names);
    /** Offers the names that start with what is typed inside the tag at the caret, if any. */
    void completeVariableName();

protected:
    bool event(QEvent *event) override;

private:
    void updateLineNumberMarginWidth();
    /** After a typed character: "{{" (or a sigil after it) opens the list of names. */
    void onCharacterAdded(int character);
    /** The name typed so far inside the tag that ends at the caret, when the caret is in one. */
    std::optional<QString> tagPrefixAtCaret() const;
    void insertVariableName(const QString &name);

    QStringList m_variableNames;
};

} // namespace Lathe::Ui
