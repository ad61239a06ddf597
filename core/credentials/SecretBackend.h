// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <optional>

#include <QString>

#include "base/Result.h"

namespace Lathe::Credentials
{

/**
 * Where secrets are kept when they are not in the environment: the OS keychain in the app
 * (KeychainSecretBackend), memory in tests. Entries are named by a key, e.g. "openai".
 *
 * Asynchronous because the keychain is a D-Bus service, and sometimes an unlock prompt, away.
 * The contract every implementation keeps:
 * - each call ends in exactly one call of its callback, in the thread that made the call,
 *   possibly before the call returns;
 * - no callback runs after the backend is destroyed;
 * - a secret never appears in an Error.
 */
class SecretBackend
{
public:
    /// The entry's text; std::nullopt when there is no such entry, which is not a failure. An
    /// Error means the keychain itself failed (no Secret Service, locked, access denied) and its
    /// message says why in the keychain's own words.
    using ReadCallback = std::function<void(Lathe::Result<std::optional<QString>>)>;
    using WriteCallback = std::function<void(Lathe::Result<void>)>;

    SecretBackend() = default;
    SecretBackend(const SecretBackend &) = delete;
    SecretBackend &operator=(const SecretBackend &) = delete;
    virtual ~SecretBackend() = default;

    virtual void read(const QString &key, ReadCallback done) = 0;
    /** Creates the entry or replaces its text. */
    virtual void write(const QString &key, const QString &secret, WriteCallback done) = 0;
    /** Removing an entry that does not exist succeeds. */
    virtual void remove(const QString &key, WriteCallback done) = 0;
};

} // namespace Lathe::Credentials
