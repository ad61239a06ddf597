// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelPricesDialog.h"

#include <cmath>

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace Lathe::Ui
{

namespace
{

QString perMillionText(const std::optional<double> &perToken)
{
    return perToken ? QString::number(std::round(*perToken * 1e12) / 1e6, 'g', 12) : QString();
}

QString countText(qint64 count)
{
    return count > 0 ? QString::number(count) : QString();
}

} // namespace

ModelPricesDialog::ModelPricesDialog(const QList<Catalog::ModelInfo> &userModels,
                                     const Catalog::ModelCatalog &bundled, QWidget *parent)
    : QDialog(parent)
    , m_bundled(bundled)
    , m_model(new QStandardItemModel(0, ColumnCount, this))
    , m_view(new QTableView(this))
    , m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("modelPricesDialog"));
    setWindowTitle(tr("Model Prices"));
    m_model->setHorizontalHeaderLabels({tr("Model"), tr("Input $/1M"), tr("Output $/1M"),
                                        tr("Cached input $/1M"), tr("Context window"), tr("Max output")});
    m_view->setModel(m_model);
    m_view->setObjectName(QStringLiteral("modelPricesTable"));
    m_view->horizontalHeader()->setSectionResizeMode(Name, QHeaderView::Stretch);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (const Catalog::ModelInfo &model : userModels)
        appendRow(model);

    auto *intro =
        new QLabel(tr("Your prices go on top of the bundled LiteLLM table of %1. Prices are US dollars "
                      "per million tokens; leave a cell empty where you do not know it.")
                       .arg(bundled.snapshotDate()),
                   this);
    intro->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("modelPricesProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #8a1c1c;"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *add = buttons->addButton(tr("&Add Model…"), QDialogButtonBox::ActionRole);
    auto *remove = buttons->addButton(tr("&Remove"), QDialogButtonBox::ActionRole);
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    connect(add, &QPushButton::clicked, this, [this] {
        bool accepted = false;
        const QString name = QInputDialog::getText(this, tr("Add Model"), tr("Model name, as you send it:"),
                                                   QLineEdit::Normal, QString(), &accepted);
        if (accepted && !name.trimmed().isEmpty())
            addModel(name.trimmed());
    });
    connect(remove, &QPushButton::clicked, this, &ModelPricesDialog::removeSelected);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_model, &QStandardItemModel::itemChanged, this, &ModelPricesDialog::validate);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(760, 360);
    validate();
}

void ModelPricesDialog::appendRow(const Catalog::ModelInfo &model)
{
    QList<QStandardItem *> row;
    row << new QStandardItem(model.name) << new QStandardItem(perMillionText(model.prices.input))
        << new QStandardItem(perMillionText(model.prices.output))
        << new QStandardItem(perMillionText(model.prices.cacheRead))
        << new QStandardItem(countText(model.maxInputTokens))
        << new QStandardItem(countText(model.maxOutputTokens));
    m_model->appendRow(row);
}

void ModelPricesDialog::addModel(const QString &name)
{
    Catalog::ModelInfo model;
    if (const auto known = m_bundled.find(name))
        model = *known;
    model.name = name;
    appendRow(model);
    m_view->setCurrentIndex(m_model->index(m_model->rowCount() - 1, InputPrice));
    m_view->setFocus();
}

void ModelPricesDialog::setLastRowCell(int column, const QString &text)
{
    m_model->item(m_model->rowCount() - 1, column)->setText(text);
}

void ModelPricesDialog::removeSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (auto it = rows.crbegin(); it != rows.crend(); ++it)
        m_model->removeRow(it->row());
    validate();
}

void ModelPricesDialog::validate()
{
    QString problem;
    for (int row = 0; row < m_model->rowCount() && problem.isEmpty(); ++row) {
        const QString name = m_model->item(row, Name)->text().trimmed();
        for (int column = InputPrice; column < ColumnCount; ++column) {
            const QString text = m_model->item(row, column)->text().trimmed();
            if (text.isEmpty())
                continue;
            bool ok = false;
            const double value = text.toDouble(&ok);
            const bool isCount = column == ContextWindow || column == MaxOutput;
            if (!ok || value < 0 || !std::isfinite(value) ||
                (isCount && (value < 1 || value != std::floor(value)))) {
                problem = tr("%1, %2: \"%3\" is not %4.")
                              .arg(name.isEmpty() ? tr("Row %1").arg(row + 1) : name,
                                   m_model->headerData(column, Qt::Horizontal).toString(), text,
                                   isCount ? tr("a whole number of tokens") : tr("a price"));
                break;
            }
        }
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_okButton->setEnabled(problem.isEmpty());
}

QList<Catalog::ModelInfo> ModelPricesDialog::models() const
{
    QList<Catalog::ModelInfo> models;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        Catalog::ModelInfo model;
        model.name = m_model->item(row, Name)->text().trimmed();
        if (model.name.isEmpty())
            continue;
        const auto price = [this, row](int column) -> std::optional<double> {
            bool ok = false;
            const double perMillion = m_model->item(row, column)->text().trimmed().toDouble(&ok);
            return ok ? std::optional<double>(perMillion / 1e6) : std::nullopt;
        };
        const auto count = [this, row](int column) {
            bool ok = false;
            const qint64 value = m_model->item(row, column)->text().trimmed().toLongLong(&ok);
            return ok ? value : qint64(-1);
        };
        model.prices.input = price(InputPrice);
        model.prices.output = price(OutputPrice);
        model.prices.cacheRead = price(CachedInputPrice);
        model.maxInputTokens = count(ContextWindow);
        model.maxOutputTokens = count(MaxOutput);
        models.append(model);
    }
    return models;
}

} // namespace Lathe::Ui
