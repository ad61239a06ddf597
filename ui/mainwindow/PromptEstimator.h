// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <optional>

#include <QObject>
#include <QString>

#include "catalog/InputEstimate.h"
#include "catalog/ModelCatalog.h"
#include "catalog/TokenCalibration.h"
#include "tokens/BpeEncoding.h"

class QsciScintilla;

namespace Lathe::Ui
{

class LiveTokenCount;

/**
 * What the prompt in the editor will cost for the selected model, kept current as the user
 * types or changes the model: live token counts per encoding (loaded off the GUI thread), the
 * model catalog, and the calibration that scales approximate counts, which it updates from the
 * usage each finished run reports.
 */
class PromptEstimator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEstimator)

public:
    /**
     * `dataFolder`: where the calibration and the user's model prices are kept between
     * sessions; empty: nothing is kept.
     */
    PromptEstimator(QsciScintilla *editor, QString dataFolder, QObject *parent = nullptr);
    ~PromptEstimator() override;

    /** The model (and the catalog provider its endpoint belongs to) to estimate for. */
    void setModel(const QString &model, const QString &providerHint);

    const QString &model() const { return m_model; }
    /** The estimate for the current text and model; nullopt while the tokenizer loads or counts. */
    std::optional<Catalog::InputEstimate> estimate() const;
    /** The count before calibration, framing included, that estimate() was made from. */
    std::optional<qint64> countedTokens() const;
    Catalog::CalibrationRatio calibration() const;
    /** Empty until the bundled table has been parsed off the GUI thread (catalogChanged()). */
    const Catalog::ModelCatalog &catalog() const { return m_catalog; }
    const QList<Catalog::ModelInfo> &userModels() const { return m_userModels; }
    /** Replaces the user's prices and custom models, and keeps them. */
    void setUserModels(const QList<Catalog::ModelInfo> &models);

    /**
     * Learns from the provider's input count for a prompt of `model` that counted
     * `countedTokens` here (countedTokens() when it was sent): a finished run's usage, or a
     * count-tokens answer. Only approximately counted models learn. Returns why a sample was
     * refused, if it was.
     */
    std::optional<QString> learnFromReportedCount(const QString &model, qint64 countedTokens,
                                                  qint64 reportedInputTokens);

signals:
    /** estimate() changed, or became pending. */
    void changed();
    /** catalog() has the bundled table now, or the user's models changed. */
    void catalogChanged();
    /** The calibration file could not be read or written; the estimator goes on without it. */
    void problem(const QString &message);

private:
    /** Takes what the thread pool loaded: the encodings, and the bundled table now parsed. */
    void adoptLoaded(std::map<Tokens::Encoding, Tokens::BpeEncoding> encodings);

    QsciScintilla *m_editor;
    QString m_calibrationPath;
    QString m_userModelsPath;
    QList<Catalog::ModelInfo> m_userModels;
    Catalog::ModelCatalog m_catalog; ///< the bundled table with the user's models on top
    Catalog::TokenCalibration m_calibration;
    std::map<Tokens::Encoding, LiveTokenCount *> m_counts; ///< empty until the encodings load
    std::map<Tokens::Encoding, qint64> m_framing;          ///< a user message's framing, per encoding
    QString m_model;
    QString m_providerHint;
};

} // namespace Lathe::Ui
