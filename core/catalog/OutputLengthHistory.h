// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include "base/Result.h"
#include "catalog/TokenLimits.h"
#include "providers/ChatTypes.h"

namespace Lathe::Catalog
{

/** The output-token samples a lookup found, and where they came from. */
struct OutputLengthSamples
{
    enum class Scope
    {
        ThisPrompt, ///< past runs of the same prompt on the same model
        ThisModel,  ///< past runs of the model, whatever the prompt
        None,       ///< too few runs of either to say anything
    };

    Scope scope = Scope::None;
    QList<qint64> tokens; ///< ascending; empty when scope is None
};

/**
 * How long a model's answers have been: output-token counts of past successful runs, keyed by
 * (prompt, model). Model names compare case-insensitively, as the catalog's do.
 *
 * The prompt key is a fingerprint of the prompt as it went over the wire (promptKey()), so one
 * prompt has a key per wire protocol; a model is reached through one protocol, which is all a
 * (prompt, model) lookup needs. A later issue keys runs by prompt version instead, which only
 * changes what callers pass.
 *
 * Plain value; not synchronised.
 */
class OutputLengthHistory
{
public:
    /// A lookup uses a prompt's own runs from this many on, else the model's runs across
    /// prompts, and says nothing below it at either level: one or two runs give a mean but no
    /// spread, and a band drawn from them would look surer than it is.
    static constexpr qsizetype kMinSamples = 3;

    /**
     * The runs in a request ledger (JSON lines, RequestLedger::toJson's format). A sample is a
     * completed attempt without error whose usage reports an output count; the model is the
     * part of "target" after the host. A line that cannot be read is left out and listed in
     * warnings() as "file:line: why". A missing file is an empty history (nothing has run yet);
     * a file that exists but cannot be opened is an error.
     */
    static Result<OutputLengthHistory> fromLedger(const QString &path);

    /**
     * The fingerprint of the prompt in a request body as the wire carries it: hex SHA-256 of
     * the compact JSON of its prompt fields (messages, system, input, instructions, contents,
     * systemInstruction), without the model, settings or tools. Empty for a body without any.
     */
    static QString promptKey(const nlohmann::json &requestBody);
    /** The same fingerprint for a request not yet sent, through `protocol`'s request body. */
    static QString promptKey(Providers::WireProtocol protocol, const Providers::ChatRequest &request);

    /** Adds one run; a count below 0 or above kMaxTokensPerRequest is an InvalidArgument error. */
    Result<void> add(const QString &promptKey, const QString &model, qint64 outputTokens);

    /** The prompt's runs on `model` when there are kMinSamples, else the model's, else none. */
    OutputLengthSamples lookup(const QString &promptKey, const QString &model) const;

    /** Every sample held. */
    qsizetype size() const { return m_size; }
    /** Ledger lines left out, each as "file:line: why". */
    const QStringList &warnings() const { return m_warnings; }

private:
    struct ModelRuns
    {
        QList<qint64> all;
        QHash<QString, QList<qint64>> byPrompt;
    };

    QHash<QString, ModelRuns> m_models; ///< keyed by the lower-case model name
    qsizetype m_size = 0;
    QStringList m_warnings;
};

} // namespace Lathe::Catalog
