// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include "base/Result.h"

namespace Lathe::Catalog
{

/** How far a model's approximate counts are off, and how sure Lathe is of it. */
struct CalibrationRatio
{
    double ratio = 1.0; ///< reported over estimated input tokens; 1.0 before any sample
    qint64 samples = 0; ///< requests it learned from

    bool operator==(const CalibrationRatio &) const = default;
};

/**
 * Per model, the running ratio of the input tokens a provider reported to Lathe's estimate for
 * the same request, for the models whose tokenizer is not public (Claude, Gemini, Llama behind
 * a server): their counts are estimated with another tokenizer and scaled by this ratio.
 *
 * The ratio is of token-weighted means, ratio = R / E, where R and E are running means of the
 * reported and estimated counts: a long prompt tells more about a tokenizer than a short one,
 * whose count is dominated by the chat template's few fixed tokens. The first kWindow samples
 * are weighted equally (an exact mean, so early samples count fully); after that each new one
 * has weight 1/kWindow, an exponentially weighted mean, so the ratio follows the user's prompts
 * when they move from prose to code and back.
 *
 * A sample whose own ratio is outside [kMinRatio, kMaxRatio] is rejected as a bad sample (the
 * estimate was of another request, or a provider's count is off): no tokenizer differs from
 * another by a factor of 5. Samples with a non-positive count teach nothing and are ignored.
 *
 * Storage: today a JSON file (load/save, the app's AppDataLocation/lathe/token-calibration.json);
 * a later issue moves it into the workspace, which replaces load/save and keeps the rest.
 * Plain value; not synchronised. Model names compare case-insensitively.
 */
class TokenCalibration
{
public:
    static constexpr qint64 kWindow = 20;
    static constexpr double kMinRatio = 0.2;
    static constexpr double kMaxRatio = 5.0;
    static constexpr int kFormatVersion = 1;

    /**
     * The calibration in `path`. A missing file is an empty calibration (nothing learned yet);
     * an unreadable or corrupt one is an error naming the file and the byte or field, after
     * which the caller goes on with an empty calibration.
     */
    static Result<TokenCalibration> load(const QString &path);
    /** Parses the file format; `where` names the source in errors. */
    static Result<TokenCalibration> fromJson(QByteArrayView json, const QString &where);

    /** Writes the file atomically (QSaveFile), creating its folder. */
    Result<void> save(const QString &path) const;
    QByteArray toJson() const;

    /**
     * Learns from one request. Non-positive counts are ignored; a sample whose ratio is
     * outside [kMinRatio, kMaxRatio], or a count above kMaxTokensPerRequest, is rejected with
     * an InvalidArgument error that names the model and the figures.
     */
    Result<void> record(const QString &model, qint64 estimatedTokens, qint64 reportedTokens);

    CalibrationRatio ratio(const QString &model) const;
    /** `estimate` scaled by the model's ratio, rounded; 0 for a non-positive estimate. */
    qint64 calibrate(const QString &model, qint64 estimate) const;

private:
    struct RunningMeans
    {
        double estimated = 0; ///< running mean of the estimated counts
        double reported = 0;  ///< running mean of the reported counts
        qint64 samples = 0;
    };

    QHash<QString, RunningMeans> m_models; ///< keyed by the lower-case model name
};

} // namespace Lathe::Catalog
