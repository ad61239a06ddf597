// SPDX-License-Identifier: GPL-3.0-or-later
#include "KeyCommand.h"

#include <cstdio>
#include <functional>
#include <optional>

#include <QCoreApplication>
#include <QFile>

#include "CliSupport.h"
#include "credentials/CredentialStore.h"

namespace Lathe::Cli
{

namespace
{

const QString kCommand = QStringLiteral("key");

// A provider name stands for its default API root; anything else must be a URL.
Result<QUrl> apiRoot(const QString &text)
{
    if (const auto protocol = Providers::wireProtocolFromName(text))
        return Providers::defaultBaseUrl(*protocol);
    return parseBaseUrl(text, QStringLiteral("API"));
}

// The first line of stdin, without its line end; a terminal shows what is typed, so the user
// is told to pipe the key in instead.
Result<QString> readKeyFromStdin()
{
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot read the key from stdin"));
    const QString key = QString::fromUtf8(input.readLine()).trimmed();
    if (key.isEmpty())
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("no key on stdin; e.g. 'printenv OPENAI_API_KEY | lathe-cli key set openai'"));
    return key;
}

// Runs the event loop until the asynchronous call `start` makes has answered, and returns the
// answer. The store always answers from the event loop, never inside the call.
template <typename T> Result<T> await(const std::function<void(std::function<void(Result<T>)>)> &start)
{
    std::optional<Result<T>> answer;
    start([&answer](Result<T> result) {
        answer = std::move(result);
        QCoreApplication::exit(0);
    });
    QCoreApplication::exec();
    return std::move(*answer);
}

int reportChange(const Result<void> &changed, const QString &success)
{
    if (!changed) {
        writeErr(QStringLiteral("lathe-cli key: ") + changed.error().message);
        return ExitFailed;
    }
    writeOut(success + QLatin1Char('\n'));
    return ExitOk;
}

} // namespace

int keyCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Keep an API key in the system keychain, under the API's host.\n\n"
                       "  set API      store the key read from stdin\n"
                       "  forget API   remove the stored key\n"
                       "  status API   say where run would find a key, without showing it\n\n"
                       "API is a provider name (openai, anthropic, gemini, …) or an API root URL."));
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("set, forget or status"));
    parser.addPositionalArgument(QStringLiteral("api"), QStringLiteral("provider name or API root URL"));
    parser.addOptions({{QStringLiteral("api-key-env"),
                        QStringLiteral("For status: the environment variable run would read first "
                                       "(default: the provider's own)."),
                        QStringLiteral("VAR")}});
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode, 2))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(kCommand, QStringLiteral("give an action and an API, e.g. 'key status openai'"));
    const QString &action = positional[0];
    const auto root = apiRoot(positional[1]);
    if (!root)
        return usageError(kCommand, root.error().toString());
    const QString service = Credentials::keychainServiceFor(*root);
    Credentials::CredentialStore credentials;

    if (action == QLatin1String("set")) {
        const auto key = readKeyFromStdin();
        if (!key)
            return usageError(kCommand, key.error().toString());
        return reportChange(await<void>([&](auto done) { credentials.store(service, *key, nullptr, done); }),
                            QStringLiteral("stored the API key for %1 in the keychain").arg(service));
    }
    if (action == QLatin1String("forget")) {
        return reportChange(await<void>([&](auto done) { credentials.remove(service, nullptr, done); }),
                            QStringLiteral("the keychain holds no API key for %1").arg(service));
    }
    if (action == QLatin1String("status")) {
        QString variable = parser.value(QStringLiteral("api-key-env"));
        if (variable.isEmpty()) {
            const auto protocol = Providers::wireProtocolFromName(positional[1]);
            variable =
                Providers::defaultApiKeyVariable(protocol.value_or(Providers::WireProtocol::OpenAiChat));
        }
        const auto found = await<Credentials::Credential>([&](auto done) {
            credentials.lookup({service, variable}, nullptr, done);
        });
        if (!found) {
            writeOut(found.error().message + QLatin1Char('\n'));
            return ExitFailed;
        }
        writeOut(found->source == Credentials::Credential::Source::Environment
                     ? QStringLiteral("%1: a key from the environment variable %2\n").arg(service, variable)
                     : QStringLiteral("%1: a key from the keychain\n").arg(service));
        return ExitOk;
    }
    return usageError(kCommand, QStringLiteral("unknown action '%1'; use set, forget or status").arg(action));
}

} // namespace Lathe::Cli
