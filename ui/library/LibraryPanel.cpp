// SPDX-License-Identifier: GPL-3.0-or-later
#include "LibraryPanel.h"

#include <functional>

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSet>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStyle>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

#include "library/PromptDiff.h"

namespace Lathe::Ui
{

namespace
{

constexpr int kNameRole = Qt::UserRole + 1;
constexpr int kNumberRole = Qt::UserRole + 2;

QTreeView *makeList(QStandardItemModel *model, QWidget *parent)
{
    auto *view = new QTreeView(parent);
    view->setModel(model);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view->setTextElideMode(Qt::ElideRight);
    return view;
}

/** An action of a list: Ctrl+`key` while the list has the keyboard, and in its context menu. */
void addListAction(QTreeView *list, const QString &text, Qt::Key key, const std::function<void()> &run)
{
    auto *action = new QAction(text, list);
    action->setShortcut(QKeySequence(Qt::CTRL | key));
    action->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(action, &QAction::triggered, list, run);
    list->addAction(action);
    list->setContextMenuPolicy(Qt::ActionsContextMenu);
}

QStandardItem *item(const QString &text)
{
    auto *cell = new QStandardItem(text);
    cell->setEditable(false);
    return cell;
}

/** One diff line as HTML: a coloured row, the words that changed darker. */
QString lineHtml(const Library::DiffLine &line)
{
    using Kind = Library::DiffLine::Kind;
    const char *background = line.kind == Kind::Removed ? "#fbe3e4"
                             : line.kind == Kind::Added ? "#e3f6e5"
                                                        : "transparent";
    const char *strong = line.kind == Kind::Removed ? "#f3b4b8" : "#a9e2b0";
    const QChar mark = line.kind == Kind::Same ? u' ' : line.kind == Kind::Removed ? u'−' : u'+';
    QString text;
    int at = 0;
    for (const auto &[start, end] : line.changed) {
        text += line.text.mid(at, start - at).toHtmlEscaped();
        text += QStringLiteral("<span style=\"background:%1\">%2</span>")
                    .arg(QLatin1String(strong), line.text.mid(start, end - start).toHtmlEscaped());
        at = end;
    }
    text += line.text.mid(at).toHtmlEscaped();
    return QStringLiteral("<div style=\"background:%1; white-space:pre-wrap\">%2 %3</div>")
        .arg(QLatin1String(background), mark, text);
}

QString diffHtml(const Library::PromptDiff &diff)
{
    using Library::MessageDiff;
    QString html;
    for (const MessageDiff &message : diff.messages) {
        const QString role = message.kind == MessageDiff::Kind::Removed ? message.oldRole : message.newRole;
        const int index = message.kind == MessageDiff::Kind::Removed ? message.oldIndex : message.newIndex;
        QString title = QStringLiteral("Message %1 · %2").arg(index + 1).arg(role);
        if (message.kind == MessageDiff::Kind::Added)
            title += QStringLiteral(" · added");
        else if (message.kind == MessageDiff::Kind::Removed)
            title += QStringLiteral(" · removed");
        else if (message.kind == MessageDiff::Kind::Changed && message.oldRole != message.newRole)
            title += QStringLiteral(" · was %1").arg(message.oldRole);
        else if (message.kind == MessageDiff::Kind::Same)
            title += QStringLiteral(" · unchanged");
        html += QStringLiteral("<p style=\"margin:6px 0 2px 0\"><b>%1</b></p>").arg(title.toHtmlEscaped());
        for (const Library::DiffLine &line : message.lines)
            html += lineHtml(line);
    }
    if (!diff.parameters.empty()) {
        html += QStringLiteral("<p style=\"margin:6px 0 2px 0\"><b>Parameters</b></p>");
        for (const auto &change : diff.parameters) {
            const auto text = [](const std::optional<nlohmann::json> &value) {
                return value ? QString::fromStdString(value->dump()) : QStringLiteral("—");
            };
            html += QStringLiteral("<div>%1: %2 → %3</div>")
                        .arg(QString::fromStdString(change.key).toHtmlEscaped(),
                             text(change.before).toHtmlEscaped(), text(change.after).toHtmlEscaped());
        }
    }
    if (!diff.schema.empty()) {
        html += QStringLiteral("<p style=\"margin:6px 0 2px 0\"><b>Response schema</b></p>");
        for (const Library::DiffLine &line : diff.schema)
            html += lineHtml(line);
    }
    return html;
}

} // namespace

LibraryPanel::LibraryPanel(Library::PromptLibrary *library, QWidget *parent)
    : QWidget(parent)
    , m_library(library)
    , m_search(new QLineEdit(this))
    , m_tagFilter(new QComboBox(this))
    , m_promptModel(new QStandardItemModel(this))
    , m_historyTitle(new QLabel(this))
    , m_versionModel(new QStandardItemModel(this))
    , m_diff(new QTextBrowser(this))
{
    m_search->setObjectName(QStringLiteral("librarySearch"));
    m_search->setPlaceholderText(tr("Search prompts (Ctrl+P)"));
    m_search->setClearButtonEnabled(true);
    m_promptModel->setHorizontalHeaderLabels({tr("Prompt"), tr("Version"), tr("Labels"), tr("Tags")});
    m_versionModel->setHorizontalHeaderLabels({tr("Version"), tr("Saved"), tr("Labels"), tr("Message")});
    m_prompts = makeList(m_promptModel, this);
    // The name takes the width; version and labels what they need.
    m_prompts->header()->setStretchLastSection(false);
    m_prompts->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_prompts->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    // Labels and tags can be long lists: a fixed share each (elided, whole in the tooltip), so
    // the names keep the width.
    for (const auto &[column, width] : {std::pair{2, 84}, std::pair{3, 72}}) {
        m_prompts->header()->setSectionResizeMode(column, QHeaderView::Interactive);
        m_prompts->header()->resizeSection(column, width);
    }
    m_prompts->setObjectName(QStringLiteral("libraryPrompts"));
    m_tagFilter->setObjectName(QStringLiteral("libraryTagFilter"));
    m_tagFilter->setToolTip(tr("Show only the prompts with this tag (or type #tag in the search)"));
    m_versions = makeList(m_versionModel, this);
    m_versions->header()->setStretchLastSection(true);
    for (int column = 0; column < 3; ++column)
        m_versions->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_versions->setObjectName(QStringLiteral("libraryVersions"));
    m_diff->setObjectName(QStringLiteral("libraryDiff"));
    m_diff->setOpenLinks(false);
    m_historyTitle->setObjectName(QStringLiteral("libraryHistoryTitle"));

    auto *history = new QWidget(this);
    auto *historyLayout = new QVBoxLayout(history);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    historyLayout->addWidget(m_historyTitle);
    historyLayout->addWidget(m_versions);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_prompts);
    splitter->addWidget(history);
    splitter->addWidget(m_diff);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setStretchFactor(2, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_tagFilter);
    layout->addLayout(searchRow);
    layout->addWidget(splitter);

    // Searching as one types, but not on every keystroke of a fast typist.
    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(150);
    connect(&m_searchDelay, &QTimer::timeout, this, &LibraryPanel::search);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchDelay.start(); });
    connect(m_tagFilter, &QComboBox::activated, this, &LibraryPanel::search);
    connect(m_prompts->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LibraryPanel::showHistory);
    connect(m_versions->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LibraryPanel::showDiff);
    connect(m_prompts, &QTreeView::activated, this, [this] { openSelected(false); });
    connect(m_versions, &QTreeView::activated, this, [this] { openSelected(true); });
    addListAction(m_versions, tr("Set &Label…"), Qt::Key_L, [this] { labelSelectedVersionInteractively(); });
    addListAction(m_versions, tr("Roll &Back to This Version"), Qt::Key_R, [this] {
        if (const auto rolled = rollBackToSelectedVersion(); !rolled)
            Q_EMIT problem(rolled.error().toString());
    });
    m_versions->setToolTip(
        tr("Enter opens the version; Ctrl+L points a label at it; Ctrl+R makes it the latest again."));
    addListAction(m_prompts, tr("Edit &Tags…"), Qt::Key_T, [this] { editSelectedTagsInteractively(); });
    m_prompts->setToolTip(tr("Enter opens the latest version; Ctrl+T edits the prompt's tags."));
    m_search->installEventFilter(this);
    m_prompts->installEventFilter(this);
    m_versions->installEventFilter(this);

    if (!m_library) {
        m_search->setEnabled(false);
        m_tagFilter->setEnabled(false);
        m_historyTitle->setText(tr("No workspace is open, so there is no prompt library."));
        return;
    }
    refresh();
}

void LibraryPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void LibraryPanel::labelSelectedVersionInteractively()
{
    const std::optional<int> version = selectedVersion();
    if (!version || !m_library)
        return;
    QStringList labels{u"production"_qs, u"staging"_qs};
    for (const Library::PromptVersion &each : m_history) {
        for (const QString &label : each.labels) {
            if (!labels.contains(label))
                labels << label;
        }
    }
    bool accepted = false;
    const QString label =
        QInputDialog::getItem(this, tr("Set Label"),
                              tr("Point this label at v%1 of %2:").arg(*version).arg(*selectedPrompt()),
                              labels, 0, true, &accepted)
            .trimmed();
    if (!accepted || label.isEmpty())
        return;
    if (const auto moved = labelSelectedVersion(label); !moved)
        Q_EMIT problem(moved.error().message);
}

Result<Library::LabelMove> LibraryPanel::labelSelectedVersion(const QString &label)
{
    const std::optional<QString> prompt = selectedPrompt();
    const std::optional<int> version = selectedVersion();
    if (!prompt || !version || !m_library)
        return fail(ErrorCode::InvalidArgument, tr("Select a version first."));
    auto moved = m_library->setLabel(*prompt, *version, label, qEnvironmentVariable("USER"));
    if (moved)
        refresh();
    return moved;
}

Result<Library::SaveOutcome> LibraryPanel::rollBackToSelectedVersion()
{
    const std::optional<QString> prompt = selectedPrompt();
    const std::optional<int> version = selectedVersion();
    if (!prompt || !version || !m_library)
        return fail(ErrorCode::InvalidArgument, tr("Select a version first."));
    auto rolled = m_library->rollBack(*prompt, *version, qEnvironmentVariable("USER"));
    if (rolled) {
        refresh();
        selectVersion(*prompt, rolled->version.number);
    }
    return rolled;
}

void LibraryPanel::refresh()
{
    const std::optional<QString> prompt = selectedPrompt();
    const std::optional<int> version = selectedVersion();
    if (m_library) {
        auto prompts = m_library->list();
        if (!prompts) {
            Q_EMIT problem(prompts.error().toString());
            return;
        }
        m_summaries = std::move(*prompts);
        m_summaryByName.clear();
        for (std::size_t i = 0; i < m_summaries.size(); ++i)
            m_summaryByName.insert(m_summaries[i].name, i);
        showTags();
    }
    search();
    if (prompt && version)
        selectVersion(*prompt, *version);
}

void LibraryPanel::selectVersion(const QString &name, int number)
{
    selectPrompt(name);
    if (selectedPrompt() != name)
        return;
    for (int row = 0; row < m_versionModel->rowCount(); ++row) {
        if (m_versionModel->item(row)->data(kNumberRole).toInt() == number)
            m_versions->setCurrentIndex(m_versionModel->index(row, 0));
    }
}

void LibraryPanel::showTags()
{
    std::map<QString, int> counts;
    for (const Library::PromptSummary &prompt : m_summaries) {
        for (const QString &tag : prompt.tags)
            ++counts[tag];
    }
    const QString current = m_tagFilter->currentData().toString();
    m_tagFilter->clear();
    m_tagFilter->addItem(tr("All tags"), QString());
    for (const auto &[tag, count] : counts)
        m_tagFilter->addItem(QStringLiteral("#%1 (%2)").arg(tag).arg(count), tag);
    m_tagFilter->setCurrentIndex(std::max(0, m_tagFilter->findData(current)));
    m_tagFilter->setVisible(!counts.empty());
}

void LibraryPanel::search()
{
    if (!m_library)
        return;
    // "#tag" words filter by tag; the other words are searched for in names and messages.
    QStringList tags;
    QStringList words;
    for (const QString &word : m_search->text().split(u' ', Qt::SkipEmptyParts)) {
        if (word.startsWith(u'#') && word.size() > 1)
            tags << word.mid(1);
        else
            words << word;
    }
    if (const QString chosen = m_tagFilter->currentData().toString(); !chosen.isEmpty())
        tags << chosen;
    const auto tagged = [&](const Library::PromptSummary &prompt) {
        return std::all_of(tags.begin(), tags.end(), [&](const QString &tag) {
            return prompt.tags.contains(tag, Qt::CaseInsensitive);
        });
    };
    std::vector<const Library::PromptSummary *> found;
    if (words.isEmpty()) {
        for (const Library::PromptSummary &prompt : m_summaries) {
            if (tagged(prompt))
                found.push_back(&prompt);
        }
        showPrompts(found, PromptLayout::Folders);
        return;
    }
    const auto names = m_library->search(words.join(u' '));
    if (!names) {
        Q_EMIT problem(names.error().toString());
        return;
    }
    // Best match first, as the search ranks them.
    for (const QString &name : *names) {
        const auto summary = m_summaryByName.constFind(name);
        if (summary != m_summaryByName.constEnd() && tagged(m_summaries[*summary]))
            found.push_back(&m_summaries[*summary]);
    }
    showPrompts(found, PromptLayout::Ranked);
}

void LibraryPanel::showPrompts(const std::vector<const Library::PromptSummary *> &prompts,
                               PromptLayout layout)
{
    const std::optional<QString> selected = selectedPrompt();
    m_promptModel->removeRows(0, m_promptModel->rowCount());
    m_promptItems.clear();
    // Folders: "support/triage" is "triage" in the folder "support". The list is sorted by name,
    // so a folder's prompts come together and each folder is made once.
    std::map<QString, QStandardItem *> folders;
    const auto folderOf = [&](const QString &path) {
        QStandardItem *parent = m_promptModel->invisibleRootItem();
        QString sofar;
        for (const QString &part : path.split(u'/', Qt::SkipEmptyParts)) {
            sofar += part + u'/';
            auto &folder = folders[sofar];
            if (!folder) {
                folder = item(part);
                folder->setIcon(style()->standardIcon(QStyle::SP_DirIcon));
                folder->setSelectable(false);
                parent->appendRow({folder, item(QString()), item(QString()), item(QString())});
            }
            parent = folder;
        }
        return parent;
    };
    for (const Library::PromptSummary *prompt : prompts) {
        const qsizetype slash = prompt->name.lastIndexOf(u'/');
        // "a/" (a name may end in "/") has no last part to show under "a": it stays whole.
        const bool inFolder = layout == PromptLayout::Folders && slash > 0 && slash < prompt->name.size() - 1;
        QList<QStandardItem *> row{
            item(inFolder ? prompt->name.mid(slash + 1) : prompt->name),
            item(QStringLiteral("v%1").arg(prompt->latestVersion)), item(prompt->labels.join(u", ")),
            item(prompt->tags.isEmpty() ? QString() : u'#' + prompt->tags.join(u" #"))};
        row.front()->setData(prompt->name, kNameRole);
        row[2]->setToolTip(row[2]->text());
        row[3]->setToolTip(row[3]->text());
        row.front()->setToolTip(tr("%1, saved %2")
                                    .arg(prompt->name, QLocale().toString(prompt->updatedAt.toLocalTime(),
                                                                          QLocale::ShortFormat)));
        (inFolder ? folderOf(prompt->name.left(slash)) : m_promptModel->invisibleRootItem())->appendRow(row);
        m_promptItems.push_back(row.front());
    }
    m_prompts->setRootIsDecorated(!folders.empty());
    m_prompts->expandAll();
    if (selected)
        selectPrompt(*selected);
    if (!m_prompts->currentIndex().isValid() && !m_promptItems.empty())
        m_prompts->setCurrentIndex(m_promptItems.front()->index());
    if (m_promptItems.empty()) {
        m_history.clear();
        m_versionModel->removeRows(0, m_versionModel->rowCount());
        m_diff->clear();
        m_historyTitle->setText(m_search->text().trimmed().isEmpty()
                                    ? tr("No prompts yet. Save one with File ▸ Save Version (Ctrl+S).")
                                    : tr("No prompt matches \"%1\".").arg(m_search->text().trimmed()));
    }
}

void LibraryPanel::selectPrompt(const QString &name)
{
    for (QStandardItem *prompt : m_promptItems) {
        if (prompt->data(kNameRole).toString() == name) {
            m_prompts->setCurrentIndex(prompt->index());
            return;
        }
    }
}

std::optional<QString> LibraryPanel::selectedPrompt() const
{
    const QModelIndex current = m_prompts->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    const QVariant name = current.siblingAtColumn(0).data(kNameRole);
    if (!name.isValid()) // a folder
        return std::nullopt;
    return name.toString();
}

void LibraryPanel::editSelectedTagsInteractively()
{
    const std::optional<QString> prompt = selectedPrompt();
    if (!prompt || !m_library)
        return;
    const auto current = m_library->tags(*prompt);
    if (!current) {
        Q_EMIT problem(current.error().toString());
        return;
    }
    bool accepted = false;
    const QString text =
        QInputDialog::getText(this, tr("Tags"), tr("Tags of %1, separated by spaces:").arg(*prompt),
                              QLineEdit::Normal, current->join(u' '), &accepted);
    if (!accepted)
        return;
    if (const auto set =
            setSelectedTags(text.split(QRegularExpression(QStringLiteral("[\\s,#]+")), Qt::SkipEmptyParts));
        !set)
        Q_EMIT problem(set.error().toString());
}

Result<void> LibraryPanel::setSelectedTags(const QStringList &tags)
{
    const std::optional<QString> prompt = selectedPrompt();
    if (!prompt || !m_library)
        return fail(ErrorCode::InvalidArgument, tr("Select a prompt first."));
    auto set = m_library->setTags(*prompt, tags);
    if (set)
        refresh();
    return set;
}

std::optional<int> LibraryPanel::selectedVersion() const
{
    const QModelIndex current = m_versions->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return m_versionModel->item(current.row())->data(kNumberRole).toInt();
}

void LibraryPanel::showHistory()
{
    m_history.clear();
    m_labelMoves.clear();
    m_versionModel->removeRows(0, m_versionModel->rowCount());
    m_diff->clear();
    const std::optional<QString> name = selectedPrompt();
    if (!name || !m_library)
        return;
    auto history = m_library->history(*name);
    if (!history) {
        Q_EMIT problem(history.error().toString());
        return;
    }
    m_history = std::move(*history);
    auto moves = m_library->labelMoves(*name);
    if (!moves) {
        Q_EMIT problem(moves.error().toString());
        return;
    }
    m_labelMoves = std::move(*moves);
    m_historyTitle->setText(tr("History of %1: %n version(s)", nullptr, int(m_history.size())).arg(*name));
    for (const Library::PromptVersion &version : m_history) {
        QList<QStandardItem *> row{
            item(QStringLiteral("v%1").arg(version.number)),
            item(QLocale().toString(version.createdAt.toLocalTime(), QLocale::ShortFormat)),
            item(version.labels.join(u", ")), item(version.message)};
        row.front()->setData(version.number, kNumberRole);
        if (!version.author.isEmpty())
            row[1]->setToolTip(tr("by %1").arg(version.author));
        row[3]->setToolTip(version.message);
        m_versionModel->appendRow(row);
    }
    if (!m_history.empty())
        m_versions->setCurrentIndex(m_versionModel->index(0, 0));
}

void LibraryPanel::showDiff()
{
    const QModelIndex current = m_versions->currentIndex();
    if (!current.isValid() || std::size_t(current.row()) >= m_history.size()) {
        m_diff->clear();
        return;
    }
    const Library::PromptVersion &version = m_history[std::size_t(current.row())];
    const auto parent =
        std::find_if(m_history.begin(), m_history.end(), [&](const Library::PromptVersion &v) {
            return version.parent && v.number == *version.parent;
        });
    const Library::PromptContent before =
        parent != m_history.end() ? parent->content : Library::PromptContent{};
    QString html = parent != m_history.end()
                       ? tr("<p><b>v%1</b> against v%2</p>").arg(version.number).arg(parent->number)
                       : tr("<p><b>v%1</b>, the first version</p>").arg(version.number);
    html += diffHtml(Library::diffPrompts(before, version.content));
    // Where the labels have pointed, newest first: what was live when.
    if (!m_labelMoves.empty()) {
        html += tr("<p style=\"margin:10px 0 2px 0\"><b>Label moves</b></p>");
        for (const Library::LabelMove &move : m_labelMoves) {
            const QString from = move.fromVersion ? QStringLiteral("v%1").arg(*move.fromVersion) : tr("new");
            QString line = QStringLiteral("%1: %2 → v%3 · %4")
                               .arg(move.label, from)
                               .arg(move.toVersion)
                               .arg(QLocale().toString(move.at.toLocalTime(), QLocale::ShortFormat));
            if (!move.author.isEmpty())
                line += tr(" by %1").arg(move.author);
            html += QStringLiteral("<div>%1</div>").arg(line.toHtmlEscaped());
        }
    }
    m_diff->setHtml(html);
}

void LibraryPanel::openSelected(bool fromHistory)
{
    if (fromHistory) {
        const QModelIndex current = m_versions->currentIndex();
        if (current.isValid() && std::size_t(current.row()) < m_history.size())
            Q_EMIT versionOpened(m_history[std::size_t(current.row())]);
        return;
    }
    if (!m_history.empty())
        Q_EMIT versionOpened(m_history.front());
}

QStringList LibraryPanel::shownPrompts() const
{
    QStringList names;
    for (const QStandardItem *prompt : m_promptItems) {
        const QModelIndex index = prompt->index();
        QString line = prompt->data(kNameRole).toString() + u' ' +
                       index.siblingAtColumn(1).data().toString() + u' ' +
                       index.siblingAtColumn(2).data().toString();
        if (const QString tags = index.siblingAtColumn(3).data().toString(); !tags.isEmpty())
            line += u' ' + tags;
        names << line;
    }
    return names;
}

QStringList LibraryPanel::shownVersions() const
{
    QStringList versions;
    for (int row = 0; row < m_versionModel->rowCount(); ++row)
        versions << m_versionModel->item(row, 0)->text() + u' ' + m_versionModel->item(row, 2)->text() +
                        u' ' + m_versionModel->item(row, 3)->text();
    return versions;
}

QString LibraryPanel::shownDiff() const
{
    return m_diff->toPlainText();
}

bool LibraryPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto *key = static_cast<QKeyEvent *>(event);
    if (watched == m_search &&
        (key->key() == Qt::Key_Down || key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
        if (m_searchDelay.isActive()) { // the list must show what was typed before Enter picks from it
            m_searchDelay.stop();
            search();
        }
        if (key->key() == Qt::Key_Down) {
            m_prompts->setFocus(Qt::TabFocusReason);
        } else {
            openSelected(false);
        }
        return true;
    }
    if ((watched == m_prompts || watched == m_versions) &&
        (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
        openSelected(watched == m_versions);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Lathe::Ui
