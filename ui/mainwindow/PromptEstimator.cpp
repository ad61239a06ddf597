// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptEstimator.h"

#include <QPointer>
#include <QThreadPool>

#include "catalog/UserModels.h"
#include "editor/LiveTokenCount.h"
#include "tokens/ChatTokenCount.h"

namespace Lathe::Ui
{

PromptEstimator::PromptEstimator(QsciScintilla *editor, QString dataFolder, QObject *parent)
    : QObject(parent)
    , m_editor(editor)
    , m_calibrationPath(dataFolder.isEmpty() ? QString()
                                             : dataFolder + QStringLiteral("/token-calibration.json"))
    , m_userModelsPath(dataFolder.isEmpty() ? QString() : dataFolder + QStringLiteral("/model-prices.json"))
{
    if (!m_userModelsPath.isEmpty()) {
        auto loaded = Catalog::UserModels::load(m_userModelsPath);
        if (loaded) {
            m_userModels = std::move(*loaded); // classified once the bundled table is parsed
        } else {
            QMetaObject::invokeMethod(
                this, [this, message = loaded.error().toString()] { emit problem(message); },
                Qt::QueuedConnection);
        }
    }
    if (!m_calibrationPath.isEmpty()) {
        auto loaded = Catalog::TokenCalibration::load(m_calibrationPath);
        if (loaded)
            m_calibration = std::move(*loaded);
        else
            // Reported once the window is up; meanwhile counts go uncalibrated.
            QMetaObject::invokeMethod(
                this, [this, message = loaded.error().toString()] { emit problem(message); },
                Qt::QueuedConnection);
    }
    // Parsing the bundled model table (about 90 ms) and both rank files (about 110 ms) happens on
    // the thread pool, and the indicator says "counting" until then.
    QThreadPool::globalInstance()->start([self = QPointer<PromptEstimator>(this)] {
        Catalog::ModelCatalog::bundled(); // parsed once, then shared
        std::map<Tokens::Encoding, Tokens::BpeEncoding> encodings;
        QStringList errors;
        for (const Tokens::Encoding encoding : {Tokens::Encoding::Cl100kBase, Tokens::Encoding::O200kBase}) {
            auto loaded = Tokens::BpeEncoding::load(encoding);
            if (loaded)
                encodings.emplace(encoding, std::move(*loaded));
            else
                errors << loaded.error().toString();
        }
        QMetaObject::invokeMethod(
            self,
            [self, encodings = std::move(encodings), errors] {
                for (const QString &error : errors)
                    emit self->problem(error);
                self->adoptLoaded(encodings);
            },
            Qt::QueuedConnection);
    });
}

PromptEstimator::~PromptEstimator() = default;

void PromptEstimator::adoptLoaded(std::map<Tokens::Encoding, Tokens::BpeEncoding> encodings)
{
    m_userModels = Catalog::UserModels::classified(m_userModels, Catalog::ModelCatalog::bundled());
    m_catalog = Catalog::ModelCatalog::bundled().withUserModels(m_userModels);
    emit catalogChanged();
    for (auto &[encoding, bpe] : encodings) {
        m_framing[encoding] = Tokens::chatFramingTokens(bpe, {QStringLiteral("user")});
        auto *count = new LiveTokenCount(m_editor, std::move(bpe), this);
        connect(count, &LiveTokenCount::changed, this, &PromptEstimator::changed);
        m_counts.emplace(encoding, count);
    }
    emit changed();
}

void PromptEstimator::setModel(const QString &model, const QString &providerHint)
{
    if (model == m_model && providerHint == m_providerHint)
        return;
    m_model = model;
    m_providerHint = providerHint;
    emit changed();
}

std::optional<qint64> PromptEstimator::countedTokens() const
{
    const Tokens::Encoding encoding = Catalog::countingPlanFor(m_model).encoding;
    const auto count = m_counts.find(encoding);
    if (count == m_counts.end())
        return std::nullopt;
    const auto tokens = count->second->tokens();
    if (!tokens)
        return std::nullopt;
    return *tokens + m_framing.at(encoding);
}

std::optional<Catalog::InputEstimate> PromptEstimator::estimate() const
{
    const auto counted = countedTokens();
    if (!counted)
        return std::nullopt;
    return Catalog::estimateInput(m_model, *counted, Catalog::countingPlanFor(m_model), m_catalog,
                                  m_providerHint, m_calibration.ratio(m_model).ratio);
}

void PromptEstimator::setUserModels(const QList<Catalog::ModelInfo> &models)
{
    m_userModels = Catalog::UserModels::classified(models, Catalog::ModelCatalog::bundled());
    m_catalog = Catalog::ModelCatalog::bundled().withUserModels(m_userModels);
    emit catalogChanged();
    if (!m_userModelsPath.isEmpty()) {
        if (const auto saved = Catalog::UserModels::save(m_userModelsPath, m_userModels); !saved)
            emit problem(saved.error().toString());
    }
    emit changed();
}

Catalog::CalibrationRatio PromptEstimator::calibration() const
{
    return m_calibration.ratio(m_model);
}

std::optional<QString> PromptEstimator::learnFromReportedCount(const QString &model, qint64 countedTokens,
                                                               qint64 reportedInputTokens)
{
    if (!Catalog::countingPlanFor(model).approximate || reportedInputTokens <= 0)
        return std::nullopt;
    if (const auto recorded = m_calibration.record(model, countedTokens, reportedInputTokens); !recorded)
        return recorded.error().message;
    if (!m_calibrationPath.isEmpty()) {
        if (const auto saved = m_calibration.save(m_calibrationPath); !saved)
            emit problem(saved.error().toString());
    }
    if (model == m_model)
        emit changed();
    return std::nullopt;
}

} // namespace Lathe::Ui
