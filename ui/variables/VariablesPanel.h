// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>

#include <QWidget>

#include <nlohmann/json.hpp>

#include "library/PromptContent.h"
#include "library/PromptLibrary.h"
#include "library/PromptRendering.h"

class QComboBox;
class QLabel;
class QTableWidget;

namespace Lathe::Ui
{

/**
 * The values of the prompt's {{variables}}: one row per name its templates use, found as you
 * type, with its declared type and default and a value you type beside it. A declared type says
 * how the value is read (valueFromTypedText); for an undeclared name a value that starts with [
 * or { and is JSON is that JSON (for sections over lists and dotted names), anything else text. Values stay
 * while the names come and go, so deleting a tag and typing it back loses nothing. A template error shows
 * with its message, line and column. A library prompt keeps named scenarios of values; the box
 * above the table switches between them, and the window keeps the current one as it is edited.
 */
class VariablesPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VariablesPanel)

public:
    explicit VariablesPanel(QWidget *parent = nullptr);

    /** Shows the names `content` uses (and its first template error), and returns them. */
    Library::PromptVariables setPrompt(const Library::PromptContent &content);
    /** Says why the prompt could not be read (its front matter), keeping the names shown. */
    void showProblem(const Error &error);
    /** Adds the front matter's notes (what a version will not keep, how it is read) under the status. */
    void showNotes(const QStringList &notes);
    /** The value of every name shown, as render data. */
    nlohmann::json values() const;
    void setValue(const QString &name, const QString &value);
    /** Every value typed, by name, also for names not shown now: what a scenario keeps. */
    const std::map<QString, QString> &typedValues() const { return m_values; }

    /** Offers `scenarios` and shows `current` (made empty if none has that name). */
    void setScenarios(const std::vector<Library::Scenario> &scenarios, const QString &current);
    QString currentScenario() const;
    /** Adds a scenario named `name` holding the values shown now, and switches to it. */
    void addScenario(const QString &name);

    QStringList shownNames() const;
    QString statusText() const;

Q_SIGNALS:
    /** The user typed a value, or switched or added a scenario: the current one should be kept. */
    void valuesEdited();

private:
    void showValues();
    void storeEditedValue(int row);

    QComboBox *m_scenarioBox;
    std::vector<Library::Scenario> m_scenarios;
    QTableWidget *m_table;
    QLabel *m_status;
    std::map<QString, QString> m_values; // every value typed, also for names not shown now
    std::map<QString, Library::VariableDeclaration> m_declarations; // of the prompt shown
    bool m_filling = false;
};

} // namespace Lathe::Ui
