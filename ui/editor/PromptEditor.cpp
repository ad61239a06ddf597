// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptEditor.h"

#include <QAction>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QRegularExpression>

namespace Lathe::Ui
{

namespace
{

constexpr int kTagIndicator = 8; // Scintilla leaves 0-7 to lexers
constexpr int kProblemIndicator = 9;
constexpr int kFrontMatterIndicator = 10;
constexpr int kSectionIndicator = 11;
constexpr int kRoleMargin = 1;
constexpr int kVariableList = 1; // the id of the user list of variable names

/** Each role's colour, its bar marker (the margin) and its line marker (the tinted role line). */
struct RoleStyle
{
    const char16_t *role;
    QColor colour;
    int barMarker;
    int lineMarker;
};

const RoleStyle kRoleStyles[] = {
    {u"system", QColor(0x8b, 0x5c, 0xf6), 0, 4},
    {u"user", QColor(0x3b, 0x82, 0xf6), 1, 5},
    {u"assistant", QColor(0x10, 0xb9, 0x81), 2, 6},
    {u"placeholder", QColor(0xf5, 0x9e, 0x0b), 3, 7},
};

/** Scintilla's columns count characters (code points); a QString counts UTF-16 units. */
int columnOf(QStringView line, qsizetype utf16Index)
{
    int column = 0;
    for (qsizetype i = 0; i < std::min(utf16Index, line.size()); ++i) {
        if (!line[i].isLowSurrogate() || i == 0 || !line[i - 1].isHighSurrogate())
            ++column;
    }
    return column;
}

qsizetype utf16IndexOf(QStringView line, int column)
{
    qsizetype index = 0;
    for (int passed = 0; passed < column && index < line.size(); ++passed)
        index += line[index].isHighSurrogate() && index + 1 < line.size() && line[index + 1].isLowSurrogate()
                     ? 2
                     : 1;
    return index;
}

const RoleStyle *styleOf(const QString &role)
{
    for (const RoleStyle &style : kRoleStyles) {
        if (role == QStringView(style.role))
            return &style;
    }
    return nullptr;
}

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
    indicatorDefine(StraightBoxIndicator, kSectionIndicator);
    setIndicatorForegroundColor(QColor(0xf5, 0x9e, 0x0b, 80), kSectionIndicator);
    setIndicatorDrawUnder(true, kSectionIndicator);
    indicatorDefine(TextColorIndicator, kFrontMatterIndicator);
    setIndicatorForegroundColor(QColor(0x6b, 0x72, 0x80), kFrontMatterIndicator);

    // A thin margin after the line numbers, where each message has a bar in its role's colour.
    setMarginType(kRoleMargin, SymbolMargin);
    setMarginWidth(kRoleMargin, 5);
    setMarginSensitivity(kRoleMargin, false);
    int barMask = 0;
    for (const RoleStyle &style : kRoleStyles) {
        markerDefine(FullRectangle, style.barMarker);
        setMarkerBackgroundColor(style.colour, style.barMarker);
        setMarkerForegroundColor(style.colour, style.barMarker);
        barMask |= 1 << style.barMarker;
        // A background marker is drawn opaque, so the tint is mixed with the paper here.
        const QColor paper = palette().color(QPalette::Base);
        const auto mix = [&](int a, int b) {
            return (a * 18 + b * 82) / 100;
        };
        markerDefine(Background, style.lineMarker);
        setMarkerBackgroundColor(QColor(mix(style.colour.red(), paper.red()),
                                        mix(style.colour.green(), paper.green()),
                                        mix(style.colour.blue(), paper.blue())),
                                 style.lineMarker);
    }
    setMarginMarkerMask(0, 0);
    setMarginMarkerMask(kRoleMargin, barMask);

    // Variable names after "{{".
    connect(this, &QsciScintilla::SCN_CHARADDED, this, &PromptEditor::onCharacterAdded);
    connect(this, &QsciScintilla::userListActivated, this, [this](int id, const QString &name) {
        if (id == kVariableList)
            insertVariableName(name);
    });
    auto *complete = new QAction(this);
    complete->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space));
    complete->setShortcutContext(Qt::WidgetShortcut);
    connect(complete, &QAction::triggered, this, &PromptEditor::completeVariableName);
    addAction(complete);
    updateLineNumberMarginWidth();
}

void PromptEditor::showLayout(const Library::PromptTextLayout &layout)
{
    for (const RoleStyle &style : kRoleStyles) {
        markerDeleteAll(style.barMarker);
        markerDeleteAll(style.lineMarker);
    }
    const int lastLine = std::max(0, lines() - 1);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), kFrontMatterIndicator);
    if (layout.frontMatterLines > 0) {
        const int end = std::min(layout.frontMatterLines, lines()) - 1;
        fillIndicatorRange(0, 0, end, lineLength(end), kFrontMatterIndicator);
    }
    for (std::size_t i = 0; i < layout.roleLines.size(); ++i) {
        const RoleStyle *style = styleOf(layout.roleLines[i].role);
        if (!style)
            continue;
        const int first = layout.roleLines[i].line;
        const int next = i + 1 < layout.roleLines.size() ? layout.roleLines[i + 1].line : lines();
        markerAdd(first, style->lineMarker);
        for (int line = first; line < next; ++line)
            markerAdd(line, style->barMarker);
    }
}

QString PromptEditor::roleShownAt(int line) const
{
    const unsigned mask = markersAtLine(line);
    for (const RoleStyle &style : kRoleStyles) {
        if (mask & (1u << style.barMarker))
            return QString::fromUtf16(style.role);
    }
    return QString();
}

bool PromptEditor::isFrontMatterAt(int line) const
{
    const long position = positionFromLineIndex(line, 0);
    return SendScintilla(SCI_INDICATORVALUEAT, kFrontMatterIndicator, position) != 0;
}

void PromptEditor::setVariableNames(const QStringList &names)
{
    m_variableNames = names;
    m_variableNames.removeDuplicates();
    m_variableNames.sort(Qt::CaseInsensitive);
}

std::optional<QString> PromptEditor::tagPrefixAtCaret() const
{
    int line = 0;
    int column = 0;
    getCursorPosition(&line, &column);
    const QString lineText = text(line);
    const QString before = lineText.left(utf16IndexOf(lineText, column));
    // "{{", an optional sigil (# ^ / & or a third brace) and spaces, then the name's start.
    static const QRegularExpression kOpenTag(QStringLiteral("\\{\\{[#^/&{]?\\s*([\\w.-]*)$"));
    const QRegularExpressionMatch match = kOpenTag.match(before);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1);
}

void PromptEditor::completeVariableName()
{
    const std::optional<QString> prefix = tagPrefixAtCaret();
    if (!prefix)
        return;
    QStringList offered;
    for (const QString &name : m_variableNames) {
        if (name.startsWith(*prefix, Qt::CaseInsensitive))
            offered << name;
    }
    if (offered.isEmpty())
        return;
    showUserList(kVariableList, offered);
}

void PromptEditor::onCharacterAdded(int character)
{
    // Right after "{{" or its sigil; later keys narrow the open list by themselves.
    if (character == '{' || character == '#' || character == '^' || character == '/' || character == '&') {
        if (const auto prefix = tagPrefixAtCaret(); prefix && prefix->isEmpty())
            completeVariableName();
    }
}

void PromptEditor::insertVariableName(const QString &name)
{
    const std::optional<QString> prefix = tagPrefixAtCaret();
    int line = 0;
    int column = 0;
    getCursorPosition(&line, &column);
    const int start = column - (prefix ? columnOf(*prefix, prefix->size()) : 0);
    // Close the tag unless it is closed already.
    const QString lineText = text(line);
    const QString after = lineText.mid(utf16IndexOf(lineText, column));
    const bool closed = after.startsWith(u"}}") || after.trimmed().startsWith(u"}}");
    beginUndoAction();
    setSelection(line, start, line, column);
    replaceSelectedText(closed ? name : name + u"}}");
    endUndoAction();
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
    for (const int indicator : {kTagIndicator, kSectionIndicator, kProblemIndicator})
        clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), indicator);
    static const QRegularExpression kTag(QStringLiteral("\\{\\{(\\s*[#^/]?).*?\\}\\}\\}?"));
    for (int line = 0; line < lines(); ++line) {
        const QString lineText = text(line);
        for (auto match = kTag.globalMatch(lineText); match.hasNext();) {
            const auto tag = match.next();
            // Sections ({{#…}}, {{^…}}, {{/…}}) in another tint than the values they hold.
            const bool section = !tag.captured(1).trimmed().isEmpty();
            fillIndicatorRange(line, columnOf(lineText, tag.capturedStart()), line,
                               columnOf(lineText, tag.capturedEnd()),
                               section ? kSectionIndicator : kTagIndicator);
        }
    }
    if (problem && problem->first >= 0 && problem->first < lines()) {
        const QString lineText = text(problem->first);
        qsizetype endIndex = lineText.size();
        while (endIndex > 0 && (lineText[endIndex - 1] == u'\n' || lineText[endIndex - 1] == u'\r'))
            --endIndex;
        const int end = columnOf(lineText, endIndex);
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

bool PromptEditor::isSectionAt(int line, int column) const
{
    const long position = positionFromLineIndex(line, column);
    return SendScintilla(SCI_INDICATORVALUEAT, kSectionIndicator, position) != 0;
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
