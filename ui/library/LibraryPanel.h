// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QHash>
#include <QTimer>
#include <QWidget>

#include "library/PromptLibrary.h"

class QComboBox;
class QLabel;
class QStandardItem;
class QLineEdit;
class QStandardItemModel;
class QTextBrowser;
class QTreeView;

namespace Lathe::Ui
{

/**
 * The prompt library beside the editor: a search field (full-text, as you type; "#tag" filters)
 * and a tag filter, the prompts in folders by the "/" in their names with their latest version,
 * labels and tags, the selected prompt's versions newest first, what the selected version
 * changed from the one before it, and where its labels have pointed. Keyboard first: Down from
 * the search goes to the list, Enter on a prompt or a version opens it.
 */
class LibraryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LibraryPanel)

public:
    /** `library` outlives the panel; null: the panel says there is no workspace. */
    explicit LibraryPanel(Library::PromptLibrary *library, QWidget *parent = nullptr);

    /** Reads the library again, keeping the selection (after a save or a label). */
    void refresh();
    /** Selects a prompt (and shows its versions, the latest selected) by name. */
    void selectPrompt(const QString &name);
    /** Selects a prompt and one of its versions, whose changes the panel then shows. */
    void selectVersion(const QString &name, int number);
    /** Puts the keyboard in the search field. */
    void focusSearch();
    /** Asks which label to point at the selected version (Ctrl+L in the history), then does. */
    void labelSelectedVersionInteractively();
    /** Saves the selected version again as the newest (Ctrl+R in the history), and selects it. */
    Result<Library::SaveOutcome> rollBackToSelectedVersion();
    /** Asks for the selected prompt's tags (Ctrl+T in the list), then sets them. */
    void editSelectedTagsInteractively();
    /** Files the selected prompt under exactly `tags`. */
    Result<void> setSelectedTags(const QStringList &tags);
    /** Points `label` at the selected version and shows the move. */
    Result<Library::LabelMove> labelSelectedVersion(const QString &label);

    /** The prompt selected in the list, if any. */
    std::optional<QString> selectedPrompt() const;
    /** The version selected in the history, if any. */
    std::optional<int> selectedVersion() const;

    // For tests and the main window's status: what the panel shows.
    /** Each prompt shown, in order: "full/name vN labels" and " #tags" when it has any. */
    QStringList shownPrompts() const;
    QStringList shownVersions() const;
    QString shownDiff() const;

Q_SIGNALS:
    /** The user opened a version (Enter or a double click on a prompt or a version). */
    void versionOpened(const Lathe::Library::PromptVersion &version);
    /** Reading the library failed; the message names the prompt or the workspace. */
    void problem(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /** Folders: a tree by the "/" in names. Ranked: full names in the search's order. */
    enum class PromptLayout
    {
        Folders,
        Ranked,
    };
    void search();
    void showTags();
    void showPrompts(const std::vector<const Library::PromptSummary *> &prompts, PromptLayout layout);
    void showHistory();
    void showDiff();
    void openSelected(bool fromHistory);

    Library::PromptLibrary *m_library;
    QLineEdit *m_search;
    QComboBox *m_tagFilter;
    QTreeView *m_prompts;
    QStandardItemModel *m_promptModel;
    QLabel *m_historyTitle;
    QTreeView *m_versions;
    QStandardItemModel *m_versionModel;
    QTextBrowser *m_diff;
    QTimer m_searchDelay;
    std::vector<Library::PromptVersion> m_history;   // of the selected prompt, newest first
    std::vector<Library::LabelMove> m_labelMoves;    // of the selected prompt, newest first
    std::vector<Library::PromptSummary> m_summaries; // the whole library by name, read on refresh()
    QHash<QString, std::size_t> m_summaryByName;
    std::vector<QStandardItem *> m_promptItems; // the prompts shown (not folders), in order
};

} // namespace Lathe::Ui
