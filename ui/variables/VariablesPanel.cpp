// SPDX-License-Identifier: GPL-3.0-or-later
#include "VariablesPanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "library/PromptRendering.h"

namespace Lathe::Ui
{

namespace
{

nlohmann::json valueOf(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(u'[') || trimmed.startsWith(u'{')) {
        nlohmann::json parsed = nlohmann::json::parse(trimmed.toStdString(), nullptr, false);
        if (!parsed.is_discarded())
            return parsed;
    }
    return text.toStdString();
}

} // namespace

VariablesPanel::VariablesPanel(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, 2, this))
    , m_status(new QLabel(this))
{
    m_table->setObjectName(QStringLiteral("variablesTable"));
    m_table->setHorizontalHeaderLabels({tr("Variable"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setEditTriggers(QAbstractItemView::AllEditTriggers);
    m_status->setObjectName(QStringLiteral("variablesStatus"));
    m_status->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_table);
    layout->addWidget(m_status);
    connect(m_table, &QTableWidget::cellChanged, this, [this](int row, int) { storeEditedValue(row); });
    setPrompt({});
}

void VariablesPanel::setPrompt(const Library::PromptContent &content)
{
    const Library::PromptVariables variables = Library::variablesOf(content);
    if (variables.names != shownNames()) {
        m_filling = true;
        m_table->setRowCount(int(variables.names.size()));
        for (int row = 0; row < variables.names.size(); ++row) {
            auto *name = new QTableWidgetItem(variables.names[row]);
            name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            m_table->setItem(row, 0, name);
            const auto value = m_values.find(variables.names[row]);
            m_table->setItem(row, 1,
                             new QTableWidgetItem(value != m_values.end() ? value->second : QString()));
        }
        m_filling = false;
    }
    if (variables.problem) {
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        m_status->setText(
            tr("Template error at %1: %2").arg(variables.problem->where, variables.problem->message));
    } else {
        m_status->setStyleSheet(QString());
        m_status->setText(
            variables.names.isEmpty()
                ? tr("No {{variables}} in the prompt.")
                : tr("Type a value for each; [ or { starts JSON. Every name needs a value to run."));
    }
}

void VariablesPanel::storeEditedValue(int row)
{
    if (m_filling)
        return;
    const QTableWidgetItem *name = m_table->item(row, 0);
    const QTableWidgetItem *value = m_table->item(row, 1);
    if (name && value)
        m_values[name->text()] = value->text();
}

void VariablesPanel::setValue(const QString &name, const QString &value)
{
    m_values[name] = value;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, 0)->text() == name)
            m_table->item(row, 1)->setText(value);
    }
}

nlohmann::json VariablesPanel::values() const
{
    nlohmann::json values = nlohmann::json::object();
    for (const QString &name : shownNames()) {
        const auto value = m_values.find(name);
        if (value != m_values.end())
            values[name.toStdString()] = valueOf(value->second);
    }
    return values;
}

QStringList VariablesPanel::shownNames() const
{
    QStringList names;
    for (int row = 0; row < m_table->rowCount(); ++row)
        names << m_table->item(row, 0)->text();
    return names;
}

QString VariablesPanel::statusText() const
{
    return m_status->text();
}

} // namespace Lathe::Ui
