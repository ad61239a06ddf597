// SPDX-License-Identifier: GPL-3.0-or-later
#include "ForecastCommand.h"

#include <cmath>
#include <map>

#include <QFile>

#include <nlohmann/json.hpp>

#include "CliSupport.h"
#include "base/Utf8.h"
#include "catalog/BatchForecast.h"
#include "catalog/InputEstimate.h"
#include "ledger/RequestLedger.h"
#include "tokens/ChatTokenCount.h"

namespace Lathe::Cli
{

namespace
{

using nlohmann::ordered_json;

const QString kCommand = QStringLiteral("forecast");

ordered_json figureJson(const std::optional<qint64> &tokens)
{
    return tokens ? ordered_json(*tokens) : ordered_json();
}

// Costs are rounded to a billionth of a cent, so float noise stays out of the output.
ordered_json figureJson(const std::optional<double> &usd)
{
    return usd ? ordered_json(std::round(*usd * 1e11) / 1e11) : ordered_json();
}

template <typename T> ordered_json bandJson(const Catalog::Band<T> &band)
{
    return {{"low", figureJson(band.low)},
            {"expected", figureJson(band.expected)},
            {"high", figureJson(band.high)}};
}

ordered_json figuresJson(const Catalog::ForecastFigures &figures)
{
    return {{"requests", figures.requests},
            {"input_tokens", bandJson(figures.inputTokens)},
            {"output_tokens", bandJson(figures.outputTokens)},
            {"cost_usd", bandJson(figures.cost)}};
}

Result<qint64> positiveNumber(const QCommandLineParser &parser, const QString &option, qint64 fallback)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value < 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--%1 takes a whole number of at least 1, not '%2'")
                        .arg(option, parser.value(option)));
    return value;
}

} // namespace

int forecastCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Forecast what running a prompt over N cases x M models x R repeats will cost, before it runs.\n\n"
        "Input tokens are counted as Lathe counts them (approximately for models without a public\n"
        "tokenizer). Output lengths are learnt from the request ledger: past runs of the same prompt\n"
        "and model, else of the model; without history the low figure is the input alone and the\n"
        "high one is max_tokens per request. Prints one JSON object with low / expected / high\n"
        "tokens and cost per model and in total; null where a figure cannot be known (no price)."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("A model to forecast; repeat for several."),
         QStringLiteral("name")},
        {QStringLiteral("provider"),
         QStringLiteral("The protocol the models are sent with (default openai)."), QStringLiteral("name"),
         QStringLiteral("openai")},
        {QStringLiteral("prompt"), QStringLiteral("The prompt text."), QStringLiteral("text")},
        {QStringLiteral("prompt-file"), QStringLiteral("Read the prompt from a file."),
         QStringLiteral("file")},
        {QStringLiteral("cases"), QStringLiteral("How many cases (default 1)."), QStringLiteral("n")},
        {QStringLiteral("repeats"), QStringLiteral("Runs of every case (default 1)."), QStringLiteral("n")},
        {QStringLiteral("max-tokens"), QStringLiteral("The requests' output limit; default: the model's."),
         QStringLiteral("n")},
        {QStringLiteral("ledger"), QStringLiteral("The request ledger to learn from (default: Lathe's)."),
         QStringLiteral("file")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode))
        return exitCode;

    const QStringList models = parser.values(QStringLiteral("model"));
    if (models.isEmpty())
        return usageError(kCommand, QStringLiteral("give at least one --model"));
    const auto protocol = parseProvider(parser.value(QStringLiteral("provider")));
    if (!protocol)
        return usageError(kCommand, protocol.error().message);
    if (parser.isSet(QStringLiteral("prompt")) == parser.isSet(QStringLiteral("prompt-file")))
        return usageError(kCommand, QStringLiteral("give exactly one of --prompt and --prompt-file"));
    QString prompt = parser.value(QStringLiteral("prompt"));
    if (parser.isSet(QStringLiteral("prompt-file"))) {
        QFile file(parser.value(QStringLiteral("prompt-file")));
        if (!file.open(QIODevice::ReadOnly)) {
            writeErr(QStringLiteral("lathe-cli forecast: cannot read %1: %2")
                         .arg(file.fileName(), file.errorString()));
            return ExitUsage;
        }
        prompt = decodeUtf8(file.readAll());
    }
    const auto cases = positiveNumber(parser, QStringLiteral("cases"), 1);
    const auto repeats = positiveNumber(parser, QStringLiteral("repeats"), 1);
    const auto maxTokens = positiveNumber(parser, QStringLiteral("max-tokens"), -1);
    for (const auto *number : {&cases, &repeats, &maxTokens}) {
        if (!*number)
            return usageError(kCommand, number->error().message);
    }

    const QString ledgerPath = parser.isSet(QStringLiteral("ledger")) ? parser.value(QStringLiteral("ledger"))
                                                                      : Ledger::RequestLedger::defaultPath();
    const auto history = Catalog::OutputLengthHistory::fromLedger(ledgerPath);
    if (!history) {
        writeErr(QStringLiteral("lathe-cli forecast: ") + history.error().toString());
        return ExitFailed;
    }
    for (const QString &warning : history->warnings())
        writeErr(QStringLiteral("lathe-cli forecast: warning: ") + warning);

    const Catalog::ModelCatalog &catalog = Catalog::ModelCatalog::bundled();
    const QString providerHint = Catalog::catalogProvider(*protocol);
    QList<Catalog::ForecastCell> cells;
    std::map<Tokens::Encoding, Tokens::BpeEncoding> encodings; // each rank file parsed once
    for (const QString &model : models) {
        Providers::ChatRequest request;
        request.model = model;
        request.messages.append({QStringLiteral("user"), prompt});
        const Catalog::CountingPlan plan = Catalog::countingPlanFor(model);
        if (!encodings.contains(plan.encoding)) {
            auto loaded = Tokens::BpeEncoding::load(plan.encoding);
            if (!loaded) {
                writeErr(QStringLiteral("lathe-cli forecast: ") + loaded.error().toString());
                return ExitFailed;
            }
            encodings.emplace(plan.encoding, std::move(*loaded));
        }
        const Tokens::BpeEncoding &encoding = encodings.at(plan.encoding);
        Catalog::ForecastCell cell;
        cell.model = model;
        cell.promptKey = Catalog::OutputLengthHistory::promptKey(*protocol, request);
        cell.info = catalog.find(model, providerHint);
        cell.inputApproximate = plan.approximate;
        cell.setSameInputForEveryCase(Tokens::countChatTokens(encoding, request.messages).total(), *cases);
        if (*maxTokens > 0)
            cell.maxOutputTokens = *maxTokens;
        cell.repeats = *repeats;
        cells.append(cell);
    }
    const auto forecast = Catalog::forecastBatch(cells, *history);
    if (!forecast)
        return usageError(kCommand, forecast.error().message);

    ordered_json result{{"models", ordered_json::array()}, {"total", figuresJson(forecast->total)}};
    for (const Catalog::ModelForecast &model : forecast->models) {
        ordered_json entry{{"model", model.model.toStdString()}};
        entry.update(figuresJson(model.figures));
        entry["approximate_input"] = model.inputApproximate;
        entry["priced"] = model.hasPrice;
        entry["output_basis"] = model.basis.describe().toStdString();
        result["models"].push_back(entry);
    }
    writeOut(QString::fromStdString(result.dump(2)) + u'\n');
    return ExitOk;
}

} // namespace Lathe::Cli
