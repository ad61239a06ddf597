// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunCommand.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QNetworkAccessManager>

#include <nlohmann/json.hpp>

#include "CliSupport.h"
#include "base/Result.h"
#include "base/Utf8.h"
#include "credentials/CredentialStore.h"
#include "ledger/RequestLedger.h"
#include "providers/ChatRun.h"
#include "providers/OutcomeJson.h"

namespace Lathe::Cli
{

namespace
{

using Providers::ChatOutcome;
using Providers::StreamEvent;

const QString kCommand = QStringLiteral("run");

struct RunOptions
{
    QList<Providers::ChatTarget> targets; ///< the primary, then the fallbacks in order
    Providers::ChatRequest request;
    Providers::RetryPolicy retryPolicy;
    bool stats = false;
    QStringList keyVariables; ///< per target: the environment variable of its key
};

// `PROVIDER:MODEL[@BASE_URL]`; model names may hold ':' (Ollama tags), so the provider ends at
// the first ':' and the URL starts at the last "@http".
Result<Providers::ChatTarget> parseFallback(const QString &spec)
{
    const qsizetype colon = spec.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon == spec.size() - 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--fallback '%1' must look like PROVIDER:MODEL[@BASE_URL]").arg(spec));
    auto protocol = parseProvider(spec.first(colon));
    if (!protocol)
        return tl::unexpected(protocol.error());
    Providers::ChatTarget target;
    target.endpoint.protocol = *protocol;
    QString model = spec.sliced(colon + 1);
    const qsizetype at = model.lastIndexOf(QLatin1String("@http"));
    if (at >= 0) {
        auto url = parseBaseUrl(model.sliced(at + 1), QStringLiteral("--fallback"));
        if (!url)
            return tl::unexpected(url.error());
        target.endpoint.baseUrl = *url;
        model.truncate(at);
    } else {
        target.endpoint.baseUrl = Providers::defaultBaseUrl(*protocol);
    }
    if (model.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("--fallback '%1' names no model").arg(spec));
    target.model = model;
    return target;
}

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
    Providers::ChatTarget primary;
    auto protocol = parseProvider(parser.value(QStringLiteral("provider")));
    if (!protocol)
        return tl::unexpected(protocol.error());
    primary.endpoint.protocol = *protocol;
    primary.endpoint.baseUrl = Providers::defaultBaseUrl(*protocol);
    if (parser.isSet(QStringLiteral("base-url"))) {
        auto url = parseBaseUrl(parser.value(QStringLiteral("base-url")), QStringLiteral("--base-url"));
        if (!url)
            return tl::unexpected(url.error());
        primary.endpoint.baseUrl = *url;
    }

    primary.model = parser.value(QStringLiteral("model"));
    if (primary.model.isEmpty())
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

    // As the official SDKs do, the service's usual variable (OPENAI_API_KEY, ANTHROPIC_API_KEY,
    // …) is used when no other is named.
    if (parser.isSet(QStringLiteral("api-key-env"))) {
        const QString variable = parser.value(QStringLiteral("api-key-env"));
        if (qEnvironmentVariable(variable.toLocal8Bit().constData()).trimmed().isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the environment variable %1 named by --api-key-env is not set")
                            .arg(variable));
        options.keyVariables.append(variable);
    } else {
        options.keyVariables.append(Providers::defaultApiKeyVariable(*protocol));
    }
    options.targets.append(primary);
    for (const QString &spec : parser.values(QStringLiteral("fallback"))) {
        auto target = parseFallback(spec);
        if (target)
            options.keyVariables.append(Providers::defaultApiKeyVariable(target->endpoint.protocol));
        if (!target)
            return tl::unexpected(target.error());
        options.targets.append(*target);
    }
    if (parser.isSet(QStringLiteral("max-retries"))) {
        bool ok = false;
        options.retryPolicy.maxRetries = parser.value(QStringLiteral("max-retries")).toInt(&ok);
        if (!ok || options.retryPolicy.maxRetries < 0)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("--max-retries must be a whole number ≥ 0"));
    }
    options.stats = parser.isSet(QStringLiteral("stats"));
    return options;
}

nlohmann::json statsJson(const Providers::RunOutcome &run)
{
    nlohmann::json stats = Providers::timingsToJson(run.outcome);
    stats["attempts"] = run.attempts.size();
    return stats;
}

// Machines on the loopback need no key; a warning about one would only be noise.
bool isLoopback(const QUrl &url)
{
    const QString host = url.host();
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

/**
 * Fills in every target's key from the environment or the keychain, then calls `done`. A remote
 * target without a key gets a warning saying where to put one, and is sent anyway: some servers
 * (a self-hosted vLLM, a gateway) take none, and those that do answer 401 in their own words.
 */
void resolveKeys(RunOptions &options, Credentials::CredentialStore &credentials, std::function<void()> done)
{
    auto pending = std::make_shared<int>(static_cast<int>(options.targets.size()));
    auto finishOne = [pending, done] {
        if (--*pending == 0)
            done();
    };
    for (qsizetype i = 0; i < options.targets.size(); ++i) {
        Providers::ProviderEndpoint &endpoint = options.targets[i].endpoint;
        const Credentials::CredentialKey key{Credentials::keychainServiceFor(endpoint.baseUrl),
                                             options.keyVariables.value(i)};
        credentials.lookup(key, nullptr, [&endpoint, finishOne](Result<Credentials::Credential> found) {
            if (found)
                endpoint.apiKey = found->secret;
            else if (!isLoopback(endpoint.baseUrl))
                writeErr(QStringLiteral("lathe-cli run: warning: ") + found.error().message);
            finishOne();
        });
    }
}

} // namespace

int runCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Send one prompt and stream the answer to stdout."));
    parser.addOptions({
        {QStringLiteral("provider"),
         QStringLiteral("Wire protocol: %1 (default openai).")
             .arg(Providers::wireProtocolNames().join(QStringLiteral(", "))),
         QStringLiteral("NAME"), QStringLiteral("openai")},
        {QStringLiteral("base-url"),
         QStringLiteral("API root as the provider's SDK takes it, e.g. https://api.openai.com/v1, "
                        "https://api.anthropic.com, http://localhost:11434 (default: the provider's own)."),
         QStringLiteral("URL")},
        {QStringLiteral("fallback"),
         QStringLiteral(
             "Try PROVIDER:MODEL[@BASE_URL] when the models before it fail (repeatable, in order)."),
         QStringLiteral("SPEC")},
        {QStringLiteral("max-retries"),
         QStringLiteral("Retries of a failed attempt before its first token, per model (default 2)."),
         QStringLiteral("N")},
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
         QStringLiteral("Environment variable holding the API key (default: the provider's own, e.g. "
                        "OPENAI_API_KEY). Without one set, the keychain entry for the API's host is used."),
         QStringLiteral("VAR")},
        {QStringLiteral("no-stream"),
         QStringLiteral("Ask for the whole answer at once instead of a stream.")},
        {QStringLiteral("stats"), QStringLiteral("Print one JSON line of timings and tokens on stderr.")},
        {QStringLiteral("ledger"),
         QStringLiteral("Record every request in FILE (default %1).")
             .arg(Ledger::RequestLedger::defaultPath()),
         QStringLiteral("FILE")},
        {QStringLiteral("no-ledger"), QStringLiteral("Do not record the request in the ledger.")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode))
        return exitCode;
    auto options = parseRunOptions(parser);
    if (!options)
        return usageError(kCommand, options.error().toString());

    Credentials::CredentialStore credentials;
    resolveKeys(*options, credentials, [] { QCoreApplication::exit(0); });
    QCoreApplication::exec();

    QNetworkAccessManager network;
    Providers::ChatRun run(&network, options->targets, options->request, options->retryPolicy);
    std::optional<Ledger::RequestLedger> ledger;
    if (!parser.isSet(QStringLiteral("no-ledger"))) {
        ledger.emplace(parser.isSet(QStringLiteral("ledger")) ? parser.value(QStringLiteral("ledger"))
                                                              : Ledger::RequestLedger::defaultPath());
        Ledger::recordAttempts(&run, &*ledger, [](const Lathe::Error &error) {
            writeErr(QStringLiteral("lathe-cli run: warning: ") + error.toString());
        });
    }
    QObject::connect(&run, &Providers::ChatRun::eventsReceived, &run, [](const QList<StreamEvent> &events) {
        QString text;
        for (const StreamEvent &event : events) {
            if (event.kind == StreamEvent::Kind::TextDelta)
                text += event.text;
        }
        if (!text.isEmpty())
            writeOut(text);
    });
    QObject::connect(
        &run, &Providers::ChatRun::attemptFinished, &run,
        [&options](const Providers::AttemptRecord &attempt, int nextWaitMs, int nextTarget) {
            if (nextTarget < 0 || !attempt.outcome.error)
                return;
            const QString next =
                nextTarget == attempt.targetIndex
                    ? QStringLiteral("retrying in %1 ms").arg(nextWaitMs)
                    : QStringLiteral("falling back to %1").arg(options->targets[nextTarget].label());
            writeErr(QStringLiteral("lathe-cli run: attempt %1 at %2 failed: %3; %4")
                         .arg(QString::number(attempt.attempt), attempt.target,
                              attempt.outcome.error->message, next));
        });
    Providers::RunOutcome result;
    QObject::connect(&run, &Providers::ChatRun::finished, &run,
                     [&result](const Providers::RunOutcome &outcome) {
                         result = outcome;
                         QCoreApplication::exit(0);
                     });
    run.start();
    QCoreApplication::exec();

    const ChatOutcome &outcome = result.outcome;
    // A terminal gets the answer's last line ended; a pipe gets the answer byte for byte.
    if (!outcome.text.isEmpty() && !outcome.text.endsWith(QLatin1Char('\n')) && isatty(fileno(stdout)))
        writeOut(QStringLiteral("\n"));
    if (outcome.error)
        writeErr(QStringLiteral("lathe-cli run: ") + outcome.error->toString());
    if (options->stats)
        writeErr(QString::fromStdString(statsJson(result).dump()));
    return outcome.completed ? ExitOk : ExitFailed;
}

} // namespace Lathe::Cli
