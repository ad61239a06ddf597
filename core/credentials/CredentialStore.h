// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// core/credentials: where API keys come from. They live only in the environment or the OS
// keychain, never in the workspace, settings, logs or exports.

#include <functional>
#include <memory>
#include <vector>

#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

#include "SecretBackend.h"
#include "base/Result.h"

namespace Lathe::Credentials
{

/** Where to look for one service's API key. */
struct CredentialKey
{
    QString service; ///< what the key is for, e.g. the preset id "openai"; names the keychain entry
    QString environmentVariable; ///< e.g. "OPENAI_API_KEY"; empty: the environment is not asked
};

/**
 * The keychain service under which the key for an API root is kept: its host, lower-cased,
 * with the port when it is not the scheme's own. Endpoints on one host share one key (OpenAI's
 * Chat and Responses APIs, every model of an Azure resource), whatever preset reached them.
 */
QString keychainServiceFor(const QUrl &baseUrl);

/** An API key and where it was found. Never log, print or export `secret`. */
struct Credential
{
    enum class Source
    {
        Environment, ///< the CredentialKey's environment variable
        Keychain,    ///< the OS keychain (or the session's copy of what it answered)
    };

    QString secret;
    Source source = Source::Environment;
};

/**
 * Finds API keys, and stores and removes them in the keychain.
 *
 * Lookup order:
 * 1. The environment variable, when it is set and not blank. Like every CLI, it lets a user
 *    override the stored key for one shell.
 * 2. The keychain entry named by the service (QtKeychain service "Lathe", key = service id).
 * Whitespace around a key is dropped, from either source: it is always a paste accident and
 * would break the HTTP header.
 *
 * When neither has a key, lookup fails with ErrorCode::InvalidArgument and a message that says
 * what to do: "no API key for openai: set OPENAI_API_KEY or store one in the keychain" (without
 * the variable when the key has none). When the keychain itself failed rather than having no
 * entry, its reason follows: "…; keychain unavailable: <the keychain's words>".
 * store() and remove() fail with ErrorCode::Io and the keychain's reason. No message names a
 * secret, and none is logged.
 *
 * What the keychain answered is kept in memory for the session, so a second lookup does not go
 * to D-Bus again; lookups that arrive while a read of the same entry is in flight share it.
 * store() and remove() update that copy. Misses and failures are not kept: a key added with
 * another tool, or a keychain unlocked later, is found on the next lookup.
 *
 * Every callback runs later from the event loop, never inside the call that gave it, and only
 * while its context object (when one is given) and the store still exist.
 *
 * Thread affinity: the thread it lives in, usually the GUI thread; its backend answers there.
 */
class CredentialStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialStore)

public:
    using LookupCallback = std::function<void(Lathe::Result<Credential>)>;
    using DoneCallback = std::function<void(Lathe::Result<void>)>;

    /** A store over the OS keychain (KeychainSecretBackend under the "Lathe" service). */
    explicit CredentialStore(QObject *parent = nullptr);
    /** A store over another backend; tests use one in memory. */
    explicit CredentialStore(std::unique_ptr<SecretBackend> backend, QObject *parent = nullptr);
    ~CredentialStore() override;

    /** The key for `key.service`, from the environment or else the keychain (see above). */
    void lookup(const CredentialKey &key, const QObject *context, LookupCallback done);
    /** Puts `secret` into the keychain entry of `service`, replacing what was there. */
    void store(const QString &service, const QString &secret, const QObject *context, DoneCallback done);
    /** Removes the keychain entry of `service`; succeeds when there was none. */
    void remove(const QString &service, const QObject *context, DoneCallback done);

private:
    struct PendingLookup
    {
        CredentialKey key;
        LookupCallback deliver; ///< already bound to the caller's context
    };

    void readKeychain(const QString &service);
    void finishRead(const QString &service, quint64 generation,
                    const Lathe::Result<std::optional<QString>> &answer);
    /// Marks what the keychain said about `service` before now as stale.
    void invalidate(const QString &service);
    template <typename T>
    std::function<void(Lathe::Result<T>)> deliverer(const QObject *context,
                                                    std::function<void(Lathe::Result<T>)> done);

    QHash<QString, QString> m_cache; ///< service → secret the keychain answered this session
    QHash<QString, quint64> m_generations;
    QHash<QString, std::vector<PendingLookup>> m_pendingReads;
    /// Last, so that it is destroyed first: none of its callbacks reaches a half-destroyed store.
    std::unique_ptr<SecretBackend> m_backend;
};

} // namespace Lathe::Credentials
