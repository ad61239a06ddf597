// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/ModelCatalog.h"

#include <QFile>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include "base/LogCategories.h"

namespace Lathe::Catalog
{

namespace
{

using nlohmann::json;

// LiteLLM's price fields, USD per token. Tiered variants ("…_above_200k_tokens") are read apart.
struct PriceField
{
    const char *key;
    std::optional<double> TokenPrices::*price;
};
constexpr PriceField kPriceFields[] = {
    {"input_cost_per_token", &TokenPrices::input},
    {"output_cost_per_token", &TokenPrices::output},
    {"cache_read_input_token_cost", &TokenPrices::cacheRead},
    {"cache_creation_input_token_cost", &TokenPrices::cacheWrite},
    {"output_cost_per_reasoning_token", &TokenPrices::reasoning},
};

/** A price: a finite, non-negative number. Anything else makes the whole entry unusable. */
Result<std::optional<double>> priceIn(const json &entry, const std::string &key)
{
    const auto it = entry.find(key);
    if (it == entry.end() || it->is_null())
        return std::optional<double>();
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0)
        return fail(ErrorCode::Protocol,
                    QStringLiteral("not a price: %1").arg(QString::fromStdString(it->dump())),
                    QString::fromStdString(key));
    return std::optional<double>(it->get<double>());
}

qint64 countIn(const json &entry, const char *key)
{
    const auto it = entry.find(key);
    if (it == entry.end() || !it->is_number())
        return -1;
    const double value = it->get<double>();
    return std::isfinite(value) && value > 0 ? qint64(value) : -1;
}

QString stringIn(const json &entry, const char *key)
{
    const auto it = entry.find(key);
    return it != entry.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

/** The long-context tier's threshold, from the first "…_above_<N>k_tokens" price field. */
qint64 longContextThreshold(const json &entry)
{
    static const QRegularExpression tier(QStringLiteral("^input_cost_per_token_above_(\\d+)k_tokens$"));
    for (const auto &[key, value] : entry.items()) {
        const QRegularExpressionMatch match = tier.match(QString::fromStdString(key));
        if (match.hasMatch() && value.is_number())
            return match.captured(1).toLongLong() * 1000;
    }
    return 0;
}

Result<ModelInfo> modelFrom(const QString &name, const json &entry)
{
    ModelInfo model;
    model.name = name;
    model.provider = stringIn(entry, "litellm_provider");
    model.mode = stringIn(entry, "mode");
    model.maxInputTokens = countIn(entry, "max_input_tokens");
    model.maxOutputTokens = countIn(entry, "max_output_tokens");
    if (model.maxOutputTokens < 0)
        model.maxOutputTokens = countIn(entry, "max_tokens"); // the legacy name
    for (const PriceField &field : kPriceFields) {
        const auto price = priceIn(entry, field.key);
        if (!price)
            return tl::unexpected(price.error());
        model.prices.*field.price = *price;
    }
    model.longContextThreshold = longContextThreshold(entry);
    if (model.longContextThreshold > 0) {
        const std::string suffix = "_above_" + std::to_string(model.longContextThreshold / 1000) + "k_tokens";
        for (const PriceField &field : kPriceFields) {
            const auto price = priceIn(entry, field.key + suffix);
            if (!price)
                return tl::unexpected(price.error());
            // A price the tier does not change stays the standard one.
            model.longContextPrices.*field.price = price->has_value() ? *price : model.prices.*field.price;
        }
    }
    return model;
}

/** "-2024-08-06", "-20250929", "@20250929" or "-latest" at the end of a model name. */
const QRegularExpression &dateSuffix()
{
    static const QRegularExpression suffix(QStringLiteral("(?:-\\d{4}-\\d{2}-\\d{2}|[-@]\\d{8}|-latest)$"));
    return suffix;
}

/**
 * The names to try for what a user typed, most specific first: the name, then without each
 * leading "provider/" segment, then all of that again without a date suffix; each with the
 * provider hint's prefix before it plain.
 */
QStringList candidateNames(QStringView typed, QStringView providerHint)
{
    QString name = typed.trimmed().toString().toLower();
    // OpenAI's fine-tune ids are ft:BASE:ORG:SUFFIX:ID and are billed at the fine-tune prices
    // the table lists as "ft:BASE", never at the base model's.
    if (name.startsWith(u"ft:"))
        name = QStringLiteral("ft:") + name.mid(3).section(u':', 0, 0);
    QStringList names;
    const QString hint = providerHint.toString().toLower();
    const auto add = [&](const QString &candidate) {
        if (candidate.isEmpty())
            return;
        if (!hint.isEmpty() && !candidate.startsWith(hint + u'/'))
            names << hint + u'/' + candidate;
        names << candidate;
    };
    if (name.startsWith(u"models/")) // Gemini's resource names
        name = name.mid(7);
    QString undated = name;
    undated.remove(dateSuffix());
    for (const QString &form : {name, undated}) {
        add(form);
        for (qsizetype slash = form.indexOf(u'/'); slash >= 0; slash = form.indexOf(u'/', slash + 1))
            add(form.mid(slash + 1));
    }
    names.removeDuplicates();
    return names;
}

} // namespace

const TokenPrices &ModelInfo::pricesFor(qint64 inputTokens) const
{
    return longContextThreshold > 0 && inputTokens > longContextThreshold ? longContextPrices : prices;
}

const ModelCatalog &ModelCatalog::bundled()
{
    static const ModelCatalog catalog = [] {
        const QString path = QStringLiteral(":/lathe/catalog/model_prices.json");
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcCatalog) << "the bundled model catalog is missing:" << path;
            return ModelCatalog();
        }
        auto parsed = fromLiteLlmJson(file.readAll(), path, QString::fromLatin1(kBundledSnapshotDate));
        if (!parsed) {
            qCWarning(lcCatalog) << "the bundled model catalog is unreadable:" << parsed.error().toString();
            return ModelCatalog();
        }
        return std::move(*parsed);
    }();
    return catalog;
}

Result<ModelCatalog> ModelCatalog::fromLiteLlmJson(QByteArrayView text, const QString &where,
                                                   const QString &snapshotDate)
{
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error &e) {
        return fail(ErrorCode::Protocol, QString::fromUtf8(e.what()),
                    QStringLiteral("%1, byte %2").arg(where).arg(e.byte));
    }
    if (!root.is_object())
        return fail(ErrorCode::Protocol, QStringLiteral("a model table is a JSON object of models"), where);

    ModelCatalog catalog;
    catalog.m_snapshotDate = snapshotDate;
    for (const auto &[key, entry] : root.items()) {
        const QString name = QString::fromStdString(key);
        if (name == u"sample_spec") // LiteLLM's documentation of the fields, not a model
            continue;
        if (!entry.is_object()) {
            catalog.m_warnings << QStringLiteral("%1: model \"%2\" is not an object").arg(where, name);
            continue;
        }
        auto model = modelFrom(name, entry);
        if (!model) {
            catalog.m_warnings << QStringLiteral("%1: model \"%2\", field %3: %4")
                                      .arg(where, name, model.error().where, model.error().message);
            continue;
        }
        catalog.m_models.insert(name.toLower(), std::move(*model));
    }
    return catalog;
}

ModelCatalog ModelCatalog::withUserModels(const QList<ModelInfo> &models) const
{
    ModelCatalog result = *this;
    for (const ModelInfo &model : models)
        result.m_models.insert(model.name.trimmed().toLower(), model);
    return result;
}

std::optional<ModelInfo> ModelCatalog::find(QStringView model, QStringView providerHint) const
{
    for (const QString &name : candidateNames(model, providerHint)) {
        if (const auto it = m_models.constFind(name); it != m_models.cend())
            return *it;
    }
    return std::nullopt;
}

QStringList ModelCatalog::chatModelNames() const
{
    QStringList names;
    for (const ModelInfo &model : m_models) {
        if (model.mode == u"chat" || model.mode == u"responses" || model.source != ModelSource::Bundled)
            names << model.name;
    }
    names.sort(Qt::CaseInsensitive);
    return names;
}

QString catalogProvider(Providers::WireProtocol protocol)
{
    switch (protocol) {
    case Providers::WireProtocol::OpenAiChat:
    case Providers::WireProtocol::OpenAiResponses:
        return QStringLiteral("openai");
    case Providers::WireProtocol::Anthropic:
        return QStringLiteral("anthropic");
    case Providers::WireProtocol::Gemini:
        return QStringLiteral("gemini");
    case Providers::WireProtocol::Ollama:
        return QStringLiteral("ollama");
    }
    return {};
}

} // namespace Lathe::Catalog
