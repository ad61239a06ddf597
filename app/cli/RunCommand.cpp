// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunCommand.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QNetworkAccessManager>

#include <nlohmann/json.hpp>

#include "CliSupport.h"
#include "base/Result.h"
#include "base/Utf8.h"
#include "providers/ChatCall.h"

namespace Lathe::Cli
{

namespace
{

using Providers::ChatOutcome;
using Providers::StreamEvent;

const QString kCommand = QStringLiteral("run");

struct RunOptions
{
    Providers::ProviderEndpoint endpoint;
    Providers::ChatRequest request;
    bool stats = false;
};

// Reads the prompt file ("-" for stdin); bad UTF-8 is replaced and reported with its offset.
Result<QString> readPromptFile(const QString &path)
{
    QFile file;
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                   : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened)
        return fail(ErrorCode::Io, QStringLiteral("cannot read the prompt file: ") + file.errorString(),
                    path);
    const QByteArray bytes = file.readAll();
    if (const auto bad = firstInvalidUtf8Offset(bytes))
        writeErr(QStringLiteral("lathe-cli run: warning: %1: invalid UTF-8 at byte %2, replaced with U+FFFD")
                     .arg(path)
                     .arg(*bad));
    return QString::fromUtf8(bytes);
}

Result<RunOptions> parseRunOptions(const QCommandLineParser &parser)
{
    RunOptions options;
    const QString baseUrl = parser.value(QStringLiteral("base-url"));
    if (baseUrl.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--base-url is required (e.g. https://api.openai.com/v1)"));
    options.endpoint.baseUrl = QUrl(baseUrl, QUrl::StrictMode);
    const QString scheme = options.endpoint.baseUrl.scheme();
    if (!options.endpoint.baseUrl.isValid() || options.endpoint.baseUrl.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--base-url '%1' is not an http(s) URL with a host").arg(baseUrl));

    options.request.model = parser.value(QStringLiteral("model"));
    if (options.request.model.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("--model is required"));

    const bool hasPrompt = parser.isSet(QStringLiteral("prompt"));
    const bool hasPromptFile = parser.isSet(QStringLiteral("prompt-file"));
    if (hasPrompt == hasPromptFile)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("give exactly one of --prompt and --prompt-file"));
    QString prompt = parser.value(QStringLiteral("prompt"));
    if (hasPromptFile) {
        auto text = readPromptFile(parser.value(QStringLiteral("prompt-file")));
        if (!text)
            return tl::unexpected(text.error());
        prompt = *text;
    }
    if (parser.isSet(QStringLiteral("system")))
        options.request.messages.append({QStringLiteral("system"), parser.value(QStringLiteral("system"))});
    options.request.messages.append({QStringLiteral("user"), prompt});

    if (parser.isSet(QStringLiteral("temperature"))) {
        bool ok = false;
        const double temperature = parser.value(QStringLiteral("temperature")).toDouble(&ok);
        if (!ok || temperature < 0 || temperature > 2)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("--temperature must be a number from 0 to 2"));
        options.request.temperature = temperature;
    }
    if (parser.isSet(QStringLiteral("max-tokens"))) {
        bool ok = false;
        const int maxTokens = parser.value(QStringLiteral("max-tokens")).toInt(&ok);
        if (!ok || maxTokens < 1)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("--max-tokens must be a whole number ≥ 1"));
        options.request.maxOutputTokens = maxTokens;
    }
    options.request.stream = !parser.isSet(QStringLiteral("no-stream"));

    // As the official SDKs do, OPENAI_API_KEY is used when no other variable is named.
    if (parser.isSet(QStringLiteral("api-key-env"))) {
        const QString variable = parser.value(QStringLiteral("api-key-env"));
        options.endpoint.apiKey = qEnvironmentVariable(variable.toLocal8Bit().constData());
        if (options.endpoint.apiKey.isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the environment variable %1 named by --api-key-env is not set")
                            .arg(variable));
    } else {
        options.endpoint.apiKey = qEnvironmentVariable("OPENAI_API_KEY");
    }
    options.stats = parser.isSet(QStringLiteral("stats"));
    return options;
}

nlohmann::json statsJson(const ChatOutcome &outcome)
{
    using nlohmann::json;
    const auto rounded = [](double ms) {
        return std::round(ms * 10.0) / 10.0;
    };
    json stats = json::object();
    stats["ttft_ms"] =
        outcome.timings.firstTokenMs >= 0 ? json(rounded(outcome.timings.firstTokenMs)) : json(nullptr);
    stats["total_ms"] = rounded(outcome.timings.totalMs);
    stats["output_tokens"] = outcome.outputTokens();
    const auto rate = outcome.tokensPerSecond();
    stats["tokens_per_s"] = rate ? json(std::round(*rate * 100.0) / 100.0) : json(nullptr);
    stats["finish_reason"] =
        outcome.finishReason.isEmpty() ? json(nullptr) : json(outcome.finishReason.toStdString());
    return stats;
}

} // namespace

int runCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Send one prompt and stream the answer to stdout."));
    parser.addOptions({
        {QStringLiteral("base-url"),
         QStringLiteral("API root including its version path, e.g. https://api.openai.com/v1"),
         QStringLiteral("URL")},
        {QStringLiteral("model"), QStringLiteral("Model name."), QStringLiteral("NAME")},
        {QStringLiteral("prompt"), QStringLiteral("The prompt text."), QStringLiteral("TEXT")},
        {QStringLiteral("prompt-file"), QStringLiteral("Read the prompt from FILE ('-' for stdin)."),
         QStringLiteral("FILE")},
        {QStringLiteral("system"), QStringLiteral("A system message sent before the prompt."),
         QStringLiteral("TEXT")},
        {QStringLiteral("temperature"), QStringLiteral("Sampling temperature, 0 to 2."), QStringLiteral("X")},
        {QStringLiteral("max-tokens"), QStringLiteral("Most output tokens to generate."),
         QStringLiteral("N")},
        {QStringLiteral("api-key-env"),
         QStringLiteral("Environment variable holding the API key (default OPENAI_API_KEY)."),
         QStringLiteral("VAR")},
        {QStringLiteral("no-stream"),
         QStringLiteral("Ask for the whole answer at once instead of a stream.")},
        {QStringLiteral("stats"), QStringLiteral("Print one JSON line of timings and tokens on stderr.")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode))
        return exitCode;
    auto options = parseRunOptions(parser);
    if (!options)
        return usageError(kCommand, options.error().toString());

    QNetworkAccessManager network;
    Providers::ChatCall call(&network, options->endpoint, options->request);
    QObject::connect(&call, &Providers::ChatCall::eventsReceived, &call,
                     [](const QList<StreamEvent> &events) {
                         QString text;
                         for (const StreamEvent &event : events) {
                             if (event.kind == StreamEvent::Kind::TextDelta)
                                 text += event.text;
                         }
                         if (!text.isEmpty())
                             writeOut(text);
                     });
    QObject::connect(&call, &Providers::ChatCall::finished, &call,
                     [](const ChatOutcome &) { QCoreApplication::exit(0); });
    call.start();
    QCoreApplication::exec();

    const ChatOutcome &outcome = call.outcome();
    // A terminal gets the answer's last line ended; a pipe gets the answer byte for byte.
    if (!outcome.text.isEmpty() && !outcome.text.endsWith(QLatin1Char('\n')) && isatty(fileno(stdout)))
        writeOut(QStringLiteral("\n"));
    if (outcome.error)
        writeErr(QStringLiteral("lathe-cli run: ") + outcome.error->toString());
    if (options->stats)
        writeErr(QString::fromStdString(statsJson(outcome).dump()));
    return outcome.completed ? ExitOk : ExitFailed;
}

} // namespace Lathe::Cli
