// SPDX-License-Identifier: GPL-3.0-or-later
#include "CredentialStore.h"

#include <QLoggingCategory>
#include <QPointer>

#include "KeychainSecretBackend.h"

namespace Lathe::Credentials
{

namespace
{

// Names services and environment variables, and the keychain's reasons; never a secret.
Q_LOGGING_CATEGORY(lcCredentials, "lathe.credentials", QtInfoMsg)

/** `text` with every occurrence of `secret` replaced, for reasons a keychain wrote. */
QString withoutSecret(QString text, const QString &secret)
{
    if (!secret.isEmpty())
        text.replace(secret, QStringLiteral("[redacted]"));
    return text;
}

/** What the user must do to give Lathe a key, and why the keychain could not help. */
QString missingKeyMessage(const CredentialKey &key, const QString &keychainFailure)
{
    QString message = QStringLiteral("no API key for ") + key.service + QStringLiteral(": ");
    if (!key.environmentVariable.isEmpty())
        message += QStringLiteral("set ") + key.environmentVariable + QStringLiteral(" or ");
    message += QStringLiteral("store one in the keychain");
    if (!keychainFailure.isEmpty())
        message += QStringLiteral("; keychain unavailable: ") + keychainFailure;
    return message;
}

/**
 * How a keychain write or removal ended, for its caller: `failedAction` says what could not be
 * done, the keychain's reason why, with `secret` cut out of it.
 */
Lathe::Result<void> keychainChange(const Lathe::Result<void> &changed, const QString &failedAction,
                                   const QString &secret)
{
    if (changed)
        return {};
    const QString reason = withoutSecret(changed.error().message, secret);
    qCDebug(lcCredentials) << failedAction << "-" << reason;
    return Lathe::fail(Lathe::ErrorCode::Io, failedAction + QStringLiteral(": ") + reason);
}

} // namespace

QString keychainServiceFor(const QUrl &baseUrl)
{
    QString service = baseUrl.host().toLower();
    const int defaultPort = baseUrl.scheme() == QLatin1String("http") ? 80 : 443;
    if (baseUrl.port(defaultPort) != defaultPort)
        service += QLatin1Char(':') + QString::number(baseUrl.port());
    return service;
}

CredentialStore::CredentialStore(QObject *parent)
    : CredentialStore(std::make_unique<KeychainSecretBackend>(), parent)
{}

CredentialStore::CredentialStore(std::unique_ptr<SecretBackend> backend, QObject *parent)
    : QObject(parent)
    , m_backend(std::move(backend))
{
    Q_ASSERT(m_backend);
}

CredentialStore::~CredentialStore() = default;

template <typename T>
std::function<void(Lathe::Result<T>)> CredentialStore::deliverer(const QObject *context,
                                                                 std::function<void(Lathe::Result<T>)> done)
{
    // Always queued, so a caller never sees its callback run inside its own call, whether the
    // answer came from the environment, the session's copy or a backend that answers at once.
    const bool bound = context != nullptr;
    return [this, bound, guard = QPointer<const QObject>(context),
            done = std::move(done)](Lathe::Result<T> result) {
        QMetaObject::invokeMethod(
            this,
            [bound, guard, done, result = std::move(result)]() mutable {
                if (!bound || guard)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    };
}

void CredentialStore::lookup(const CredentialKey &key, const QObject *context, LookupCallback done)
{
    auto deliver = deliverer<Credential>(context, std::move(done));
    if (key.service.isEmpty()) {
        deliver(Lathe::fail(Lathe::ErrorCode::InvalidArgument,
                            QStringLiteral("an API key lookup needs a service")));
        return;
    }

    if (!key.environmentVariable.isEmpty()) {
        const QString fromEnvironment =
            qEnvironmentVariable(key.environmentVariable.toLocal8Bit().constData()).trimmed();
        if (!fromEnvironment.isEmpty()) {
            qCDebug(lcCredentials) << "API key for" << key.service << "from" << key.environmentVariable;
            deliver(Credential{fromEnvironment, Credential::Source::Environment});
            return;
        }
    }

    if (const auto cached = m_cache.constFind(key.service); cached != m_cache.cend()) {
        deliver(Credential{*cached, Credential::Source::Keychain});
        return;
    }

    auto &waiting = m_pendingReads[key.service];
    waiting.push_back({key, std::move(deliver)});
    if (waiting.size() == 1)
        readKeychain(key.service);
}

void CredentialStore::readKeychain(const QString &service)
{
    const quint64 generation = m_generations.value(service);
    m_backend->read(service, [this, service, generation](Lathe::Result<std::optional<QString>> answer) {
        finishRead(service, generation, answer);
    });
}

void CredentialStore::finishRead(const QString &service, quint64 generation,
                                 const Lathe::Result<std::optional<QString>> &answer)
{
    if (generation != m_generations.value(service)) {
        // A store() or remove() began after this read did, so the answer may be out of date.
        // The lookups waiting for it wait for a fresh read instead.
        readKeychain(service);
        return;
    }

    const std::vector<PendingLookup> waiting = m_pendingReads.take(service);
    QString secret;
    QString failure;
    if (!answer) {
        failure = answer.error().message;
        qCDebug(lcCredentials) << "keychain read for" << service << "failed:" << failure;
    } else if (answer->has_value()) {
        secret = (*answer)->trimmed();
    }

    if (!secret.isEmpty()) {
        qCDebug(lcCredentials) << "API key for" << service << "from the keychain";
        m_cache.insert(service, secret);
    }
    for (const PendingLookup &lookup : waiting) {
        if (!secret.isEmpty())
            lookup.deliver(Credential{secret, Credential::Source::Keychain});
        else
            lookup.deliver(
                Lathe::fail(Lathe::ErrorCode::InvalidArgument, missingKeyMessage(lookup.key, failure)));
    }
}

void CredentialStore::store(const QString &service, const QString &secret, const QObject *context,
                            DoneCallback done)
{
    auto deliver = deliverer<void>(context, std::move(done));
    if (service.isEmpty()) {
        deliver(Lathe::fail(Lathe::ErrorCode::InvalidArgument,
                            QStringLiteral("storing an API key needs a service")));
        return;
    }
    const QString trimmed = secret.trimmed();
    if (trimmed.isEmpty()) {
        deliver(Lathe::fail(Lathe::ErrorCode::InvalidArgument,
                            QStringLiteral("the API key for ") + service + QStringLiteral(" is empty")));
        return;
    }

    invalidate(service);
    m_backend->write(service, trimmed, [this, service, trimmed, deliver](Lathe::Result<void> written) {
        invalidate(service);
        if (written)
            m_cache.insert(service, trimmed);
        else // whatever the keychain holds now, the next lookup asks it
            m_cache.remove(service);
        deliver(keychainChange(written,
                               QStringLiteral("could not store the API key for ") + service +
                                   QStringLiteral(" in the keychain"),
                               trimmed));
    });
}

void CredentialStore::remove(const QString &service, const QObject *context, DoneCallback done)
{
    auto deliver = deliverer<void>(context, std::move(done));
    if (service.isEmpty()) {
        deliver(Lathe::fail(Lathe::ErrorCode::InvalidArgument,
                            QStringLiteral("removing an API key needs a service")));
        return;
    }

    invalidate(service);
    m_backend->remove(service, [this, service, deliver](Lathe::Result<void> removed) {
        invalidate(service);
        const QString known = m_cache.take(service);
        deliver(keychainChange(removed,
                               QStringLiteral("could not remove the API key for ") + service +
                                   QStringLiteral(" from the keychain"),
                               known));
    });
}

void CredentialStore::invalidate(const QString &service)
{
    ++m_generations[service];
}

} // namespace Lathe::Credentials
