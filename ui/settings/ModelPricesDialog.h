// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

#include "catalog/ModelCatalog.h"

class QLabel;
class QStandardItemModel;
class QTableView;

namespace Lathe::Ui
{

/**
 * Settings ▸ Model Prices: the user's own prices and limits, one row per model, on top of the
 * bundled LiteLLM table. Adding a row for a model the table knows starts from its prices. Prices are USD per
 * million tokens; an empty cell is unknown, which is not the same as 0. Cells are checked as they are edited.
 */
class ModelPricesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelPricesDialog)

public:
    ModelPricesDialog(const QList<Catalog::ModelInfo> &userModels, const Catalog::ModelCatalog &bundled,
                      QWidget *parent = nullptr);

    /** The rows as models; rows without a name are left out. */
    QList<Catalog::ModelInfo> models() const;
    /** Adds a row for `name`, filled from the bundled table when it knows the model. */
    void addModel(const QString &name);
    /** Sets the cell of `column` in the last row, as typing into it would. */
    void setLastRowCell(int column, const QString &text);

    enum Column
    {
        Name,
        InputPrice,
        OutputPrice,
        CachedInputPrice,
        ContextWindow,
        MaxOutput,
        ColumnCount
    };

private:
    void appendRow(const Catalog::ModelInfo &model);
    void removeSelected();
    void validate();

    const Catalog::ModelCatalog &m_bundled;
    QStandardItemModel *m_model;
    QTableView *m_view;
    QLabel *m_problem;
    class QPushButton *m_okButton = nullptr;
};

} // namespace Lathe::Ui
