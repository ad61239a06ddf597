// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/UserModels.h"

#include <cmath>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <nlohmann/json.hpp>

namespace Lathe::Catalog::UserModels
{

namespace
{

using json = nlohmann::ordered_json;

struct PerMillionField
{
    const char *key;
    std::optional<double> TokenPrices::*price;
};
constexpr PerMillionField kPriceFields[] = {
    {"input_per_million", &TokenPrices::input},
    {"output_per_million", &TokenPrices::output},
    {"cache_read_per_million", &TokenPrices::cacheRead},
};

struct CountField
{
    const char *key;
    qint64 ModelInfo::*count;
};
constexpr CountField kCountFields[] = {
    {"context_window", &ModelInfo::maxInputTokens},
    {"max_output", &ModelInfo::maxOutputTokens},
};

Result<ModelInfo> modelFrom(const json &entry, const QString &where)
{
    if (!entry.is_object())
        return fail(ErrorCode::Protocol, QStringLiteral("a model is a JSON object"), where);
    const auto name = entry.find("name");
    if (name == entry.end() || !name->is_string() ||
        QString::fromStdString(name->get<std::string>()).trimmed().isEmpty())
        return fail(ErrorCode::Protocol, QStringLiteral("a model needs a name"),
                    where + QStringLiteral(".name"));
    ModelInfo model;
    model.name = QString::fromStdString(name->get<std::string>()).trimmed();
    for (const PerMillionField &field : kPriceFields) {
        const auto it = entry.find(field.key);
        if (it == entry.end() || it->is_null())
            continue;
        if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0)
            return fail(ErrorCode::Protocol, QStringLiteral("not a price in USD per million tokens"),
                        where + u'.' + QLatin1String(field.key));
        model.prices.*field.price = it->get<double>() / 1e6;
    }
    for (const CountField &field : kCountFields) {
        const auto it = entry.find(field.key);
        if (it == entry.end() || it->is_null())
            continue;
        if (!it->is_number_integer() || it->get<qint64>() < 1)
            return fail(ErrorCode::Protocol, QStringLiteral("not a token count"),
                        where + u'.' + QLatin1String(field.key));
        model.*field.count = it->get<qint64>();
    }
    return model;
}

} // namespace

Result<QList<ModelInfo>> fromJson(QByteArrayView text, const QString &where)
{
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error &e) {
        return fail(ErrorCode::Protocol, QString::fromUtf8(e.what()),
                    QStringLiteral("%1, byte %2").arg(where).arg(e.byte));
    }
    const auto version = root.is_object() ? root.find("version") : root.end();
    if (version == root.end() || !version->is_number_integer() || version->get<int>() != kFormatVersion)
        return fail(ErrorCode::Protocol, QStringLiteral("not a version %1 model list").arg(kFormatVersion),
                    where + QStringLiteral(": version"));
    const auto models = root.find("models");
    if (models == root.end() || !models->is_array())
        return fail(ErrorCode::Protocol, QStringLiteral("\"models\" must be an array"),
                    where + QStringLiteral(": models"));
    QList<ModelInfo> result;
    for (size_t i = 0; i < models->size(); ++i) {
        auto model = modelFrom((*models)[i], QStringLiteral("%1: models[%2]").arg(where).arg(i));
        if (!model)
            return tl::unexpected(model.error());
        result.append(std::move(*model));
    }
    return result;
}

Result<QList<ModelInfo>> load(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QList<ModelInfo>();
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot read: %1").arg(file.errorString()), path);
    return fromJson(file.readAll(), path);
}

QByteArray toJson(const QList<ModelInfo> &models)
{
    json list = json::array();
    for (const ModelInfo &model : models) {
        json entry{{"name", model.name.toStdString()}};
        for (const PerMillionField &field : kPriceFields) {
            const auto &price = model.prices.*field.price;
            // Rounded to a millionth of a dollar per million: what was typed, without float noise.
            entry[field.key] = price ? json(std::round(*price * 1e12) / 1e6) : json();
        }
        for (const CountField &field : kCountFields)
            entry[field.key] = model.*field.count > 0 ? json(model.*field.count) : json();
        list.push_back(entry);
    }
    const json root{{"version", kFormatVersion}, {"models", list}};
    return QByteArray::fromStdString(root.dump(2)) + '\n';
}

Result<void> save(const QString &path, const QList<ModelInfo> &models)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toJson(models)) < 0 || !file.commit())
        return fail(ErrorCode::Io, QStringLiteral("cannot write: %1").arg(file.errorString()), path);
    return {};
}

QList<ModelInfo> classified(QList<ModelInfo> models, const ModelCatalog &bundled)
{
    for (ModelInfo &model : models) {
        const auto known = bundled.find(model.name);
        model.source = known && known->name.compare(model.name, Qt::CaseInsensitive) == 0
                           ? ModelSource::Override
                           : ModelSource::Custom;
        if (known && model.provider.isEmpty())
            model.provider = known->provider;
    }
    return models;
}

} // namespace Lathe::Catalog::UserModels
