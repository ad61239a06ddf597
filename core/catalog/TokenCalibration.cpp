// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/TokenCalibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include "catalog/TokenLimits.h"

namespace Lathe::Catalog
{

namespace
{

using nlohmann::json;

// A sample count a double holds exactly; a file claiming more was not written by Lathe.
constexpr qint64 kMaxStoredSamples = qint64(1) << 53;

std::optional<double> positiveNumber(const json &entry, const char *key)
{
    const auto it = entry.find(key);
    if (it == entry.end() || !it->is_number())
        return std::nullopt;
    const double value = it->get<double>();
    if (!std::isfinite(value) || value <= 0 || value > double(kMaxTokensPerRequest))
        return std::nullopt;
    return value;
}

} // namespace

Result<TokenCalibration> TokenCalibration::load(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return TokenCalibration();
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot open the token calibration: ") + file.errorString(),
                    path);
    return fromJson(file.readAll(), path);
}

Result<TokenCalibration> TokenCalibration::fromJson(QByteArrayView text, const QString &where)
{
    const auto corrupt = [&where](const QString &why, const QString &field) {
        return fail(ErrorCode::Protocol, QStringLiteral("the token calibration is corrupt: ") + why,
                    where + QStringLiteral(": ") + field);
    };

    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error &error) {
        return corrupt(QStringLiteral("not JSON"), QStringLiteral("byte %1").arg(error.byte));
    }
    if (!root.is_object())
        return corrupt(QStringLiteral("not a JSON object"), QStringLiteral("byte 1"));
    const auto version = root.find("version");
    if (version == root.end() || !version->is_number_integer())
        return corrupt(QStringLiteral("no version number"), QStringLiteral("version"));
    if (version->get<qint64>() != kFormatVersion)
        return corrupt(QStringLiteral("unknown version %1").arg(version->get<qint64>()),
                       QStringLiteral("version"));
    const auto models = root.find("models");
    if (models == root.end() || !models->is_object())
        return corrupt(QStringLiteral("no models object"), QStringLiteral("models"));

    TokenCalibration calibration;
    for (const auto &[name, entry] : models->items()) {
        const QString model = QString::fromStdString(name);
        const QString field = QStringLiteral("models.") + model;
        const auto estimated = positiveNumber(entry, "estimated");
        if (!estimated)
            return corrupt(QStringLiteral("not a token count"), field + QStringLiteral(".estimated"));
        const auto reported = positiveNumber(entry, "reported");
        if (!reported)
            return corrupt(QStringLiteral("not a token count"), field + QStringLiteral(".reported"));
        const auto samples = entry.find("samples");
        if (samples == entry.end() || !samples->is_number_integer() || samples->get<qint64>() < 1 ||
            samples->get<qint64>() > kMaxStoredSamples)
            return corrupt(QStringLiteral("not a sample count"), field + QStringLiteral(".samples"));
        // Every sample's ratio is in range, so a mean's is too; one outside was not ours.
        const double ratio = *reported / *estimated;
        if (ratio < kMinRatio || ratio > kMaxRatio)
            return corrupt(QStringLiteral("a ratio of %1 is out of range").arg(ratio), field);
        calibration.m_models.insert(model.toLower(), {*estimated, *reported, samples->get<qint64>()});
    }
    return calibration;
}

QByteArray TokenCalibration::toJson() const
{
    json models = json::object();
    for (auto it = m_models.cbegin(); it != m_models.cend(); ++it)
        models[it.key().toStdString()] = {
            {"estimated", it->estimated}, {"reported", it->reported}, {"samples", it->samples}};
    const json root = {{"version", kFormatVersion}, {"models", std::move(models)}};
    return QByteArray::fromStdString(root.dump(2, ' ', false, json::error_handler_t::replace) + '\n');
}

Result<void> TokenCalibration::save(const QString &path) const
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(ErrorCode::Io, QStringLiteral("cannot create the token calibration's folder"), path);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io,
                    QStringLiteral("cannot write the token calibration: ") + file.errorString(), path);
    file.write(toJson());
    if (!file.commit())
        return fail(ErrorCode::Io,
                    QStringLiteral("cannot write the token calibration: ") + file.errorString(), path);
    return {};
}

Result<void> TokenCalibration::record(const QString &model, qint64 estimatedTokens, qint64 reportedTokens)
{
    if (estimatedTokens <= 0 || reportedTokens <= 0)
        return {};
    if (estimatedTokens > kMaxTokensPerRequest || reportedTokens > kMaxTokensPerRequest)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("rejected a calibration sample of %1 estimated and %2 reported tokens: "
                                   "no request is that long")
                        .arg(estimatedTokens)
                        .arg(reportedTokens),
                    model);
    const double estimated = double(estimatedTokens);
    const double reported = double(reportedTokens);
    if (reported < kMinRatio * estimated || reported > kMaxRatio * estimated)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("rejected a calibration sample of %1 estimated and %2 reported tokens: "
                                   "a ratio outside %3 to %4")
                        .arg(estimatedTokens)
                        .arg(reportedTokens)
                        .arg(kMinRatio)
                        .arg(kMaxRatio),
                    model);

    RunningMeans &means = m_models[model.toLower()];
    ++means.samples;
    const double weight = 1.0 / double(std::min(means.samples, kWindow));
    means.estimated += weight * (estimated - means.estimated);
    means.reported += weight * (reported - means.reported);
    return {};
}

CalibrationRatio TokenCalibration::ratio(const QString &model) const
{
    const auto it = m_models.constFind(model.toLower());
    if (it == m_models.constEnd())
        return {};
    return {it->reported / it->estimated, it->samples};
}

qint64 TokenCalibration::calibrate(const QString &model, qint64 estimate) const
{
    if (estimate <= 0)
        return 0;
    const double scaled = double(estimate) * ratio(model).ratio;
    // A ratio up to 5 can push an absurd estimate past qint64; saturate rather than overflow.
    constexpr double kLimit = double(std::numeric_limits<qint64>::max());
    return scaled >= kLimit ? std::numeric_limits<qint64>::max() : std::llround(scaled);
}

} // namespace Lathe::Catalog
