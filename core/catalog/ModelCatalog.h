// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "base/Result.h"
#include "providers/ChatTypes.h"

namespace Lathe::Catalog
{

/** USD per token; nullopt where the catalog does not say (never read as 0). */
struct TokenPrices
{
    std::optional<double> input;
    std::optional<double> output;
    std::optional<double> cacheRead;  ///< input tokens read from the prompt cache
    std::optional<double> cacheWrite; ///< input tokens written to the prompt cache (5-minute TTL)
    std::optional<double> reasoning;  ///< where reasoning is billed apart from output

    bool operator==(const TokenPrices &) const = default;
};

enum class ModelSource
{
    Bundled,  ///< the carried LiteLLM table
    Override, ///< a bundled model whose prices or limits the user changed
    Custom,   ///< a model the user added
};

/** What Lathe knows about one model: prices and limits. */
struct ModelInfo
{
    QString name;     ///< the catalog's name for the model, e.g. "gpt-4o" or "gemini/gemini-2.5-pro"
    QString provider; ///< LiteLLM's provider id: "openai", "anthropic", "gemini", "ollama", …
    QString mode;     ///< "chat", "responses", "completion", "embedding", …
    TokenPrices prices;
    /// Some models bill every token of a request at other prices once its input exceeds this
    /// many tokens (Gemini 2.5 Pro and Claude Sonnet above 200k); 0: no such tier.
    qint64 longContextThreshold = 0;
    TokenPrices longContextPrices;
    qint64 maxInputTokens = -1; ///< the context window for the prompt; -1 unknown
    qint64 maxOutputTokens = -1;
    ModelSource source = ModelSource::Bundled;

    /** Whether an input and an output price are both known, so a cost can be computed. */
    bool hasPrice() const { return prices.input.has_value() && prices.output.has_value(); }
    /** The prices that apply to a request with `inputTokens` of input. */
    const TokenPrices &pricesFor(qint64 inputTokens) const;
};

/**
 * Model prices and limits by name: the carried LiteLLM snapshot, with the user's overrides and
 * custom models on top. Names match the way users type them: any case, with or without a
 * provider prefix ("openai/gpt-4o", "models/gemini-2.5-pro"), dated variants of a known model
 * ("gpt-4o-2099-01-01", "claude-sonnet-4-5@20250929"), fine-tunes ("ft:gpt-4o-mini-2024-07-18:org::id").
 * A model it cannot match has no entry: callers say "no price" rather than guess zero.
 * Immutable value; safe to read from any thread.
 */
class ModelCatalog
{
public:
    /** The date of the carried table's upstream snapshot, shown beside every price. */
    static constexpr const char *kBundledSnapshotDate = "2026-07-24";

    /** The carried table (`:/lathe/catalog/model_prices.json`). Parsed once, then shared. */
    static const ModelCatalog &bundled();

    /**
     * Parses a LiteLLM-format table. Entries with unusable fields are left out and listed in
     * warnings() with the model and field; an input that is not a JSON object is an error.
     */
    static Result<ModelCatalog> fromLiteLlmJson(QByteArrayView json, const QString &where,
                                                const QString &snapshotDate);

    ModelCatalog() = default;

    /** This catalog with `models` on top: a name already here is replaced, a new one added. */
    ModelCatalog withUserModels(const QList<ModelInfo> &models) const;

    /**
     * The entry for `model`. `providerHint` is the LiteLLM provider id of the endpoint the
     * model is sent to ("gemini", "ollama", …): it picks "gemini/gemini-2.5-pro" over the
     * Vertex entry of the same bare name.
     */
    std::optional<ModelInfo> find(QStringView model, QStringView providerHint = {}) const;

    /** The names a user might mean, for completion: every chat or responses model. */
    QStringList chatModelNames() const;
    qsizetype size() const { return m_models.size(); }
    const QString &snapshotDate() const { return m_snapshotDate; }
    /** Entries left out while parsing, each naming the model and field. */
    const QStringList &warnings() const { return m_warnings; }

private:
    QHash<QString, ModelInfo> m_models; ///< keyed by the lower-case name
    QString m_snapshotDate;
    QStringList m_warnings;
};

/** The LiteLLM provider id of the service behind a protocol's default base URL ("openai", …). */
QString catalogProvider(Providers::WireProtocol protocol);

} // namespace Lathe::Catalog
