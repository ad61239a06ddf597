// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>

#include <QWidget>

#include <nlohmann/json.hpp>

#include "library/PromptContent.h"

class QLabel;
class QTableWidget;

namespace Lathe::Ui
{

/**
 * The values of the prompt's {{variables}}: one row per name its templates use, found as you
 * type, with a value you type beside it. A value that starts with [ or { and is JSON is that
 * JSON (for sections over lists and dotted names); anything else is text. Values stay while the
 * names come and go, so deleting a tag and typing it back loses nothing. A template error shows
 * with its message, line and column.
 */
class VariablesPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VariablesPanel)

public:
    explicit VariablesPanel(QWidget *parent = nullptr);

    /** Shows the names `content` uses (and its first template error). */
    void setPrompt(const Library::PromptContent &content);
    /** The value of every name shown, as render data. */
    nlohmann::json values() const;
    void setValue(const QString &name, const QString &value);

    QStringList shownNames() const;
    QString statusText() const;

private:
    void storeEditedValue(int row);

    QTableWidget *m_table;
    QLabel *m_status;
    std::map<QString, QString> m_values; // every value typed, also for names not shown now
    bool m_filling = false;
};

} // namespace Lathe::Ui
