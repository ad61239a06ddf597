// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "catalog/InputEstimate.h"
#include "catalog/TokenCalibration.h"

class QLabel;
class QProgressBar;

namespace Lathe::Ui
{

/**
 * The status bar's view of what the prompt will cost before it is sent: input tokens and cost
 * for the selected model, and a gauge of how much of its context window the prompt plus the
 * answer's reserved tokens take. Approximate figures (models without a public tokenizer) are
 * marked ≈; a model the catalog does not know says "no price" rather than $0. The gauge turns
 * amber at 90% and red past 100%, and its tooltip says why.
 */
class PromptBudgetIndicator final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptBudgetIndicator)

public:
    explicit PromptBudgetIndicator(QWidget *parent = nullptr);

    void showCounting(const QString &model);
    void showEstimate(const QString &model, const Catalog::InputEstimate &estimate,
                      const Catalog::CalibrationRatio &calibration, const QString &snapshotDate);

    /** The figures as shown, for tests and screen readers. */
    QString summaryText() const;
    /** The gauge's state: "none" (unknown window), "ok", "near" (≥ 90%) or "over" (> 100%). */
    QString gaugeState() const;

private:
    QLabel *m_summary;
    QProgressBar *m_gauge;
};

} // namespace Lathe::Ui
