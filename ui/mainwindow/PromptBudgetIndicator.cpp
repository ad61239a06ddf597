// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptBudgetIndicator.h"

#include <cmath>

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>

#include "catalog/UsageCost.h"

namespace Lathe::Ui
{

namespace
{

constexpr double kNearShare = 0.9;

QString perMillion(const std::optional<double> &perToken)
{
    return perToken ? Catalog::formatUsd(*perToken * 1e6) : QStringLiteral("—");
}

QString compactTokens(qint64 tokens)
{
    if (tokens >= 1'000'000 && tokens % 1'000'000 == 0)
        return QStringLiteral("%1M").arg(tokens / 1'000'000);
    if (tokens >= 1000)
        return QStringLiteral("%1k").arg(std::lround(double(tokens) / 1000.0));
    return QString::number(tokens);
}

} // namespace

PromptBudgetIndicator::PromptBudgetIndicator(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_gauge(new QProgressBar(this))
{
    setObjectName(QStringLiteral("promptBudget"));
    m_summary->setObjectName(QStringLiteral("promptBudgetSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_gauge->setObjectName(QStringLiteral("contextGauge"));
    m_gauge->setRange(0, 1000);
    m_gauge->setTextVisible(true);
    m_gauge->setFixedWidth(150);
    m_gauge->setMaximumHeight(16);
    auto *separator = new QFrame(this);
    separator->setFrameShape(QFrame::VLine);
    separator->setFrameShadow(QFrame::Sunken);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->addWidget(separator);
    layout->addWidget(m_summary);
    layout->addWidget(m_gauge);
}

void PromptBudgetIndicator::showCounting(const QString &model)
{
    m_summary->setText(tr("%1 · counting tokens…").arg(model));
    m_gauge->hide();
}

void PromptBudgetIndicator::showEstimate(const QString &model, const Catalog::InputEstimate &estimate,
                                         const Catalog::CalibrationRatio &calibration,
                                         const QString &snapshotDate)
{
    const QLocale locale;
    const QString approx = estimate.approximate ? QStringLiteral("\u2248") : QString();
    QString cost = tr("no price");
    if (estimate.costUsd)
        cost = approx + Catalog::formatUsd(*estimate.costUsd);
    m_summary->setText(
        tr("%1 · %2%3 tokens · %4")
            .arg(model.isEmpty() ? tr("no model") : model, approx, locale.toString(estimate.tokens), cost));

    QStringList details;
    if (estimate.model) {
        const Catalog::ModelInfo &info = *estimate.model;
        details << tr("Priced as %1 (%2), per million tokens: input %3, output %4, cached input %5.")
                       .arg(info.name,
                            info.source == Catalog::ModelSource::Bundled
                                ? tr("LiteLLM table of %1").arg(snapshotDate)
                                : tr("your price"),
                            perMillion(info.prices.input), perMillion(info.prices.output),
                            perMillion(info.prices.cacheRead));
    } else {
        details << tr("The model catalog does not know \"%1\", so there is no price. Add it under Settings.")
                       .arg(model);
    }
    if (estimate.approximate) {
        details << (calibration.samples > 0
                        ? tr("Approximate: %1 has no public tokenizer; counted with o200k_base and scaled by "
                             "%2, learned from %n run(s).",
                             nullptr, int(calibration.samples))
                              .arg(model)
                              .arg(calibration.ratio, 0, 'f', 3)
                        : tr("Approximate: %1 has no public tokenizer; counted with o200k_base. Runs will "
                             "calibrate it.")
                              .arg(model));
    }
    details << tr("Counted as one user message, with its chat framing.");
    m_summary->setToolTip(details.join(u'\n'));

    const auto share = estimate.contextShare();
    m_gauge->setVisible(true);
    if (!share) {
        m_gauge->setValue(0);
        m_gauge->setFormat(tr("context unknown"));
        m_gauge->setToolTip(tr("The context window of this model is not known."));
        m_gauge->setProperty("state", QStringLiteral("none"));
    } else {
        m_gauge->setValue(int(std::min(*share, 1.0) * 1000));
        m_gauge->setFormat(
            tr("%1% of %2").arg(std::lround(*share * 100)).arg(compactTokens(estimate.contextWindow)));
        const QString state = *share > 1.0           ? QStringLiteral("over")
                              : *share >= kNearShare ? QStringLiteral("near")
                                                     : QStringLiteral("ok");
        m_gauge->setProperty("state", state);
        QString tip = tr("%1 prompt tokens + %2 reserved for the answer, of a %3-token context window.")
                          .arg(locale.toString(estimate.tokens),
                               locale.toString(std::max<qint64>(estimate.maxOutputTokens, 0)),
                               locale.toString(estimate.contextWindow));
        if (state == u"over")
            tip += u'\n' + tr("It does not fit: shorten the prompt or lower the answer's token limit.");
        m_gauge->setToolTip(tip);
    }
    const QString state = m_gauge->property("state").toString();
    const char *colour = state == u"over" ? "#c62828" : state == u"near" ? "#ef8f00" : nullptr;
    m_gauge->setStyleSheet(
        colour ? QStringLiteral("QProgressBar::chunk { background: %1; }").arg(QLatin1String(colour))
               : QString());
}

QString PromptBudgetIndicator::summaryText() const
{
    return m_summary->text() + (m_gauge->isVisible() ? QStringLiteral(" · ") + m_gauge->text() : QString());
}

QString PromptBudgetIndicator::gaugeState() const
{
    return m_gauge->isVisible() ? m_gauge->property("state").toString() : QStringLiteral("none");
}

} // namespace Lathe::Ui
