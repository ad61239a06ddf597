// SPDX-License-Identifier: GPL-3.0-or-later
#include "VariablesPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "library/PromptRendering.h"

namespace Lathe::Ui
{

namespace
{

constexpr int kValueColumn = 2;

/** What the Type column says: the type and the default, "integer = 3". */
QString declarationText(const Library::VariableDeclaration *declaration)
{
    if (!declaration)
        return QString();
    QString text = declaration->type == Library::VariableType::Any
                       ? QString()
                       : Library::variableTypeName(declaration->type);
    if (declaration->defaultValue) {
        QString value = QString::fromStdString(declaration->defaultValue->dump());
        if (value.size() > 24)
            value = value.left(23) + u'…';
        text += (text.isEmpty() ? u"= "_qs : u" = "_qs) + value;
    }
    return text;
}

} // namespace

VariablesPanel::VariablesPanel(QWidget *parent)
    : QWidget(parent)
    , m_scenarioBox(new QComboBox(this))
    , m_table(new QTableWidget(0, 3, this))
    , m_status(new QLabel(this))
{
    m_table->setObjectName(QStringLiteral("variablesTable"));
    m_table->setHorizontalHeaderLabels({tr("Variable"), tr("Type"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setEditTriggers(QAbstractItemView::AllEditTriggers);
    m_status->setObjectName(QStringLiteral("variablesStatus"));
    m_status->setWordWrap(true);
    m_scenarioBox->setObjectName(QStringLiteral("scenarioBox"));
    m_scenarioBox->setToolTip(tr("The scenario: a named set of values this prompt keeps"));
    auto *add = new QToolButton(this);
    add->setText(tr("Save as…"));
    add->setToolTip(tr("Keep the values shown as a new scenario"));
    connect(add, &QToolButton::clicked, this, [this] {
        bool accepted = false;
        const QString name = QInputDialog::getText(this, tr("New Scenario"), tr("Name of the scenario:"),
                                                   QLineEdit::Normal, {}, &accepted)
                                 .trimmed();
        if (accepted && !name.isEmpty())
            addScenario(name);
    });
    connect(m_scenarioBox, &QComboBox::activated, this, [this](int index) {
        if (index < 0 || std::size_t(index) >= m_scenarios.size())
            return;
        m_values = m_scenarios[std::size_t(index)].values;
        showValues();
        Q_EMIT valuesEdited();
    });
    auto *scenarioRow = new QHBoxLayout;
    scenarioRow->addWidget(m_scenarioBox, 1);
    scenarioRow->addWidget(add);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(scenarioRow);
    layout->addWidget(m_table);
    layout->addWidget(m_status);
    connect(m_table, &QTableWidget::cellChanged, this, [this](int row, int) { storeEditedValue(row); });
    setScenarios({}, tr("default"));
    setPrompt({});
}

Library::PromptVariables VariablesPanel::setPrompt(const Library::PromptContent &content)
{
    const Library::PromptVariables variables = Library::variablesOf(content);
    m_declarations = content.variables;
    m_filling = true;
    if (variables.names != shownNames()) {
        m_table->setRowCount(int(variables.names.size()));
        for (int row = 0; row < variables.names.size(); ++row) {
            auto *name = new QTableWidgetItem(variables.names[row]);
            name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            m_table->setItem(row, 0, name);
            auto *type = new QTableWidgetItem;
            type->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            m_table->setItem(row, 1, type);
            const auto value = m_values.find(variables.names[row]);
            m_table->setItem(row, kValueColumn,
                             new QTableWidgetItem(value != m_values.end() ? value->second : QString()));
        }
    }
    // Declarations change as the front matter is typed, without the names changing.
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto declared = m_declarations.find(m_table->item(row, 0)->text());
        const Library::VariableDeclaration *declaration =
            declared != m_declarations.end() ? &declared->second : nullptr;
        m_table->item(row, 1)->setText(declarationText(declaration));
        const QString description = declaration ? declaration->description : QString();
        m_table->item(row, 0)->setToolTip(description);
        m_table->item(row, 1)->setToolTip(description);
    }
    m_filling = false;
    if (variables.problem) {
        showProblem(*variables.problem);
    } else {
        m_status->setStyleSheet(QString());
        m_status->setText(
            variables.names.isEmpty()
                ? tr("No {{variables}} in the prompt.")
                : tr("Type a value for each; [ or { starts JSON. A name needs a value or a default to run."));
    }
    return variables;
}

void VariablesPanel::showProblem(const Error &error)
{
    m_status->setStyleSheet(QStringLiteral("color: #b00020"));
    m_status->setText(tr("Error at %1: %2").arg(error.where, error.message));
}

void VariablesPanel::showNotes(const QStringList &notes)
{
    if (notes.isEmpty())
        return;
    m_status->setText(m_status->text() + u'\n' + tr("Front matter: %1").arg(notes.join(u"; ")));
}

void VariablesPanel::storeEditedValue(int row)
{
    if (m_filling)
        return;
    const QTableWidgetItem *name = m_table->item(row, 0);
    const QTableWidgetItem *value = m_table->item(row, kValueColumn);
    if (name && value) {
        m_values[name->text()] = value->text();
        Q_EMIT valuesEdited();
    }
}

void VariablesPanel::showValues()
{
    m_filling = true;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto value = m_values.find(m_table->item(row, 0)->text());
        m_table->item(row, kValueColumn)->setText(value != m_values.end() ? value->second : QString());
    }
    m_filling = false;
}

void VariablesPanel::setScenarios(const std::vector<Library::Scenario> &scenarios, const QString &current)
{
    m_scenarios = scenarios;
    if (std::none_of(m_scenarios.begin(), m_scenarios.end(),
                     [&](const Library::Scenario &scenario) { return scenario.name == current; }))
        m_scenarios.push_back({current, {}, {}});
    m_scenarioBox->clear();
    for (const Library::Scenario &scenario : m_scenarios)
        m_scenarioBox->addItem(scenario.name);
    const int index = m_scenarioBox->findText(current);
    m_scenarioBox->setCurrentIndex(index);
    m_values = m_scenarios[std::size_t(index)].values;
    showValues();
}

QString VariablesPanel::currentScenario() const
{
    return m_scenarioBox->currentText();
}

void VariablesPanel::addScenario(const QString &name)
{
    const int existing = m_scenarioBox->findText(name);
    if (existing >= 0) {
        m_scenarios[std::size_t(existing)].values = m_values;
        m_scenarioBox->setCurrentIndex(existing);
    } else {
        m_scenarios.push_back({name, m_values, {}});
        m_scenarioBox->addItem(name);
        m_scenarioBox->setCurrentIndex(m_scenarioBox->count() - 1);
    }
    Q_EMIT valuesEdited();
}

void VariablesPanel::setValue(const QString &name, const QString &value)
{
    m_values[name] = value;
    showValues();
    Q_EMIT valuesEdited();
}

nlohmann::json VariablesPanel::values() const
{
    nlohmann::json values = nlohmann::json::object();
    for (const QString &name : shownNames()) {
        const auto value = m_values.find(name);
        if (value == m_values.end())
            continue;
        const auto declared = m_declarations.find(name);
        if (declared == m_declarations.end()) {
            values[name.toStdString()] =
                Library::valueFromTypedText(value->second, Library::VariableType::Any);
            continue;
        }
        // An emptied value gives the default its turn.
        if (value->second.isEmpty() && declared->second.defaultValue)
            continue;
        values[name.toStdString()] = Library::valueFromTypedText(value->second, declared->second.type);
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
