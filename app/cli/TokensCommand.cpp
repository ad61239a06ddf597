// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokensCommand.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "CliSupport.h"
#include "base/Utf8.h"
#include "catalog/InputEstimate.h"
#include "tokens/ModelEncoding.h"

namespace Lathe::Cli
{

namespace
{

const QString kCommand = QStringLiteral("tokens");

QString idsLine(const std::vector<Tokens::TokenId> &ids)
{
    QString line;
    line.reserve(qsizetype(ids.size()) * 6);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i > 0)
            line += u' ';
        line += QString::number(ids[i]);
    }
    return line + u'\n';
}

} // namespace

int tokensCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Count the tokens of a text as a model's tokenizer splits it, and what sending it would cost.\n\n"
        "OpenAI models count exactly (tiktoken's cl100k_base or o200k_base). Models without a public\n"
        "tokenizer (Claude, Gemini, Llama, …) count approximately with o200k_base (\"approximate\": true).\n"
        "The text is counted as it is, without the framing a chat request adds around a message.\n"
        "Prices come from the bundled LiteLLM table; a model without one has \"input_cost_usd\": null."));
    parser.addOptions({
        {QStringLiteral("encoding"), QStringLiteral("Count with this encoding: cl100k_base or o200k_base."),
         QStringLiteral("name")},
        {QStringLiteral("model"), QStringLiteral("Count and price for this model."), QStringLiteral("name")},
        {QStringLiteral("provider"),
         QStringLiteral("Where the model runs, to pick its price: openai, anthropic, gemini, ollama, …"),
         QStringLiteral("name")},
        {QStringLiteral("ids"), QStringLiteral("Print the token ids, separated by spaces, instead of JSON.")},
        {QStringLiteral("allow-special"),
         QStringLiteral("Encode text that spells a special token (<|endoftext|>) as that token.")},
    });
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("The text to count; - or nothing: stdin."),
                                 QStringLiteral("[FILE|-]"));
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode, 1))
        return exitCode;

    const bool byEncoding = parser.isSet(QStringLiteral("encoding"));
    const bool byModel = parser.isSet(QStringLiteral("model"));
    if (byEncoding == byModel)
        return usageError(kCommand, QStringLiteral("give exactly one of --encoding and --model"));

    const QString model = parser.value(QStringLiteral("model")).trimmed();
    QString providerHint = parser.value(QStringLiteral("provider"));
    if (!providerHint.isEmpty()) {
        const auto protocol = parseProvider(providerHint);
        if (protocol)
            providerHint = Catalog::catalogProvider(*protocol);
    }

    Catalog::CountingPlan plan;
    if (byEncoding) {
        const auto encoding = Tokens::encodingFromName(parser.value(QStringLiteral("encoding")));
        if (!encoding)
            return usageError(kCommand,
                              QStringLiteral("unknown encoding '%1'; known: cl100k_base, o200k_base")
                                  .arg(parser.value(QStringLiteral("encoding"))));
        plan = {*encoding, false};
    } else {
        plan = Catalog::countingPlanFor(model);
        // A model with neither an OpenAI tokenizer nor a catalog entry is most likely a typo:
        // counting it with a stand-in would look like an answer.
        if (plan.approximate && !Catalog::ModelCatalog::bundled().find(model, providerHint))
            return usageError(kCommand,
                              QStringLiteral("unknown model '%1': not an OpenAI model and not in the "
                                             "model catalog; use --encoding to count anyway")
                                  .arg(model));
        if (plan.approximate && parser.isSet(QStringLiteral("ids")))
            return usageError(kCommand, QStringLiteral("'%1' has no public tokenizer, so there are no ids to "
                                                       "print; use --encoding for o200k_base's")
                                            .arg(model));
    }

    const QStringList positional = parser.positionalArguments();
    const QString path = positional.isEmpty() ? QStringLiteral("-") : positional.first();
    const auto input = readInputFile(path);
    if (!input) {
        writeErr(QStringLiteral("lathe-cli tokens: ") + input.error().toString());
        return ExitUsage;
    }
    if (const auto bad = firstInvalidUtf8Offset(*input))
        writeErr(QStringLiteral("lathe-cli tokens: warning: %1: invalid UTF-8 at byte %2; counted as U+FFFD, "
                                "as a Python or JavaScript decode would")
                     .arg(path == u"-" ? QStringLiteral("stdin") : path)
                     .arg(*bad));

    const auto encoding = Tokens::BpeEncoding::load(plan.encoding);
    if (!encoding) {
        writeErr(QStringLiteral("lathe-cli tokens: ") + encoding.error().toString());
        return ExitFailed;
    }
    const auto specials = parser.isSet(QStringLiteral("allow-special")) ? Tokens::SpecialTokens::Allowed
                                                                        : Tokens::SpecialTokens::AsText;
    const std::vector<Tokens::TokenId> ids = encoding->encode(decodeUtf8(*input), specials);
    if (parser.isSet(QStringLiteral("ids"))) {
        writeOut(idsLine(ids));
        return ExitOk;
    }

    nlohmann::ordered_json result{{"model", nullptr},
                                  {"encoding", Tokens::encodingName(plan.encoding).toStdString()},
                                  {"tokens", ids.size()},
                                  {"approximate", plan.approximate},
                                  {"input_cost_usd", nullptr}};
    if (byModel) {
        const Catalog::InputEstimate estimate = Catalog::estimateInput(
            model, qint64(ids.size()), plan, Catalog::ModelCatalog::bundled(), providerHint);
        result["model"] = model.toStdString();
        result["tokens"] = estimate.tokens;
        // Rounded to a billionth of a cent, so float noise (0.0036287500000000005) stays out.
        if (estimate.costUsd)
            result["input_cost_usd"] = std::round(*estimate.costUsd * 1e11) / 1e11;
    }
    writeOut(QString::fromStdString(result.dump()) + u'\n');
    return ExitOk;
}

} // namespace Lathe::Cli
