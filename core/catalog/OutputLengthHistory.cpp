// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/OutputLengthHistory.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QFile>

#include "providers/ProviderProtocol.h"

namespace Lathe::Catalog
{

namespace
{

using nlohmann::json;

// Where the protocols put the prompt: OpenAI Chat and Ollama "messages"; Anthropic "system" and
// "messages"; Responses "instructions" and "input"; Gemini "systemInstruction" and "contents".
constexpr const char *kPromptFields[] = {"messages",     "system",   "input",
                                         "instructions", "contents", "systemInstruction"};

// A ledger full of garbage would otherwise list a warning per line; the rest are counted.
constexpr qsizetype kMaxListedWarnings = 100;

struct LedgerSample
{
    QString promptKey;
    QString model;
    qint64 outputTokens = 0;
};

// The sample in one ledger line; nullopt for a well-formed line that is no sample (a failed
// attempt, no output count); an error message for a line that cannot be read.
tl::expected<std::optional<LedgerSample>, QString> readLine(const QByteArray &line)
{
    const json value = json::parse(line.constBegin(), line.constEnd(), nullptr, false);
    if (value.is_discarded())
        return tl::unexpected(QStringLiteral("not JSON"));
    if (!value.is_object())
        return tl::unexpected(QStringLiteral("not a JSON object"));
    const auto version = value.find("v");
    if (version == value.end() || !version->is_number_integer())
        return tl::unexpected(QStringLiteral("no ledger version (\"v\")"));
    if (version->get<qint64>() != 1)
        return tl::unexpected(QStringLiteral("unknown ledger version %1").arg(version->get<qint64>()));

    const auto target = value.find("target");
    if (target == value.end() || !target->is_string())
        return tl::unexpected(QStringLiteral("\"target\" is missing or not a string"));
    const auto completed = value.find("completed");
    if (completed == value.end() || !completed->is_boolean())
        return tl::unexpected(QStringLiteral("\"completed\" is missing or not true/false"));
    const auto error = value.find("error");
    if (error != value.end() && !error->is_null() && !error->is_object())
        return tl::unexpected(QStringLiteral("\"error\" is neither null nor an object"));
    const auto usage = value.find("usage");
    if (usage == value.end() || !usage->is_object())
        return tl::unexpected(QStringLiteral("\"usage\" is missing or not an object"));
    const auto output = usage->find("output");
    if (output != usage->end() && !output->is_null() && !output->is_number_integer())
        return tl::unexpected(QStringLiteral("\"usage.output\" is not an integer"));

    const bool succeeded = completed->get<bool>() && (error == value.end() || error->is_null());
    if (!succeeded || output == usage->end() || output->is_null())
        return std::optional<LedgerSample>();

    // The target is ChatTarget::label(), "host/model"; a model name may hold slashes itself.
    const QString label = QString::fromStdString(target->get<std::string>());
    const QString model = label.mid(label.indexOf(QLatin1Char('/')) + 1);
    if (model.isEmpty())
        return tl::unexpected(QStringLiteral("\"target\" names no model"));

    // A body that is not a JSON object (the ledger keeps such bodies as text) has no prompt
    // key: the run still counts for its model.
    const auto body = value.find("request_body");
    const QString key = body != value.end() ? OutputLengthHistory::promptKey(*body) : QString();
    return std::optional<LedgerSample>(LedgerSample{key, model, output->get<qint64>()});
}

} // namespace

Result<OutputLengthHistory> OutputLengthHistory::fromLedger(const QString &path)
{
    OutputLengthHistory history;
    QFile file(path);
    if (!file.exists())
        return history;
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot open the ledger: ") + file.errorString(), path);

    qsizetype unlisted = 0;
    qint64 lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        const auto sample = readLine(line);
        QString why = sample ? QString() : sample.error();
        if (sample && *sample) {
            const LedgerSample &run = **sample;
            if (auto added = history.add(run.promptKey, run.model, run.outputTokens); !added)
                why = added.error().message;
        }
        if (why.isEmpty())
            continue;
        if (history.m_warnings.size() < kMaxListedWarnings)
            history.m_warnings.append(QStringLiteral("%1:%2: %3").arg(path).arg(lineNumber).arg(why));
        else
            ++unlisted;
    }
    if (unlisted > 0)
        history.m_warnings.append(QStringLiteral("%1: %2 more unreadable lines").arg(path).arg(unlisted));
    return history;
}

QString OutputLengthHistory::promptKey(const nlohmann::json &requestBody)
{
    if (!requestBody.is_object())
        return {};
    json prompt = json::object();
    for (const char *field : kPromptFields)
        if (const auto it = requestBody.find(field); it != requestBody.end())
            prompt[field] = *it;
    if (prompt.empty())
        return {};
    // nlohmann::json keeps object keys sorted, so the compact text is the same however the
    // body was ordered on the wire.
    const std::string text = prompt.dump(-1, ' ', false, json::error_handler_t::replace);
    return QString::fromLatin1(QCryptographicHash::hash(QByteArrayView(text.data(), qsizetype(text.size())),
                                                        QCryptographicHash::Sha256)
                                   .toHex());
}

QString OutputLengthHistory::promptKey(Providers::WireProtocol protocol,
                                       const Providers::ChatRequest &request)
{
    Providers::ProviderEndpoint endpoint;
    endpoint.protocol = protocol;
    endpoint.baseUrl = Providers::defaultBaseUrl(protocol);
    const QByteArray body = Providers::protocolFor(protocol).buildRequest(endpoint, request).body;
    return promptKey(json::parse(body.constBegin(), body.constEnd(), nullptr, false));
}

Result<void> OutputLengthHistory::add(const QString &promptKey, const QString &model, qint64 outputTokens)
{
    if (outputTokens < 0 || outputTokens > kMaxTokensPerRequest)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("an output of %1 tokens is out of range").arg(outputTokens), model);
    ModelRuns &runs = m_models[model.toLower()];
    runs.all.append(outputTokens);
    if (!promptKey.isEmpty())
        runs.byPrompt[promptKey].append(outputTokens);
    ++m_size;
    return {};
}

OutputLengthSamples OutputLengthHistory::lookup(const QString &promptKey, const QString &model) const
{
    const auto runs = m_models.constFind(model.toLower());
    if (runs == m_models.constEnd())
        return {};
    OutputLengthSamples found;
    if (const auto prompt = runs->byPrompt.constFind(promptKey);
        !promptKey.isEmpty() && prompt != runs->byPrompt.constEnd() && prompt->size() >= kMinSamples)
        found = {OutputLengthSamples::Scope::ThisPrompt, *prompt};
    else if (runs->all.size() >= kMinSamples)
        found = {OutputLengthSamples::Scope::ThisModel, runs->all};
    std::sort(found.tokens.begin(), found.tokens.end());
    return found;
}

} // namespace Lathe::Catalog
