// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

#include "SecretBackend.h"

namespace Lathe::Credentials
{

/**
 * The OS keychain through QtKeychain: the Secret Service (GNOME Keyring, KeePassXC, …) or
 * KWallet on Linux, the Keychain on macOS, the Credential Manager on Windows. Each entry is
 * the QtKeychain entry (keychainService, key).
 *
 * QtKeychain's plain-text fallback is never enabled: when no keychain is reachable every call
 * fails with the keychain's reason, and a key is never written to a settings file instead.
 *
 * Thread affinity: the thread it lives in, which needs a running event loop; on Linux that is
 * Qt's GLib event dispatcher (the default), through which libsecret delivers its answers.
 * QtKeychain runs one job at a time, so a call waits for the ones before it, and a call can
 * wait as long as the user takes to answer an unlock prompt.
 */
class KeychainSecretBackend final : public SecretBackend
{
public:
    /** The keychain service under which Lathe's entries live. */
    static QString defaultKeychainService();

    explicit KeychainSecretBackend(QString keychainService = defaultKeychainService());
    ~KeychainSecretBackend() override;

    QString keychainService() const { return m_keychainService; }

    void read(const QString &key, ReadCallback done) override;
    void write(const QString &key, const QString &secret, WriteCallback done) override;
    void remove(const QString &key, WriteCallback done) override;

private:
    QString m_keychainService;
    /// The context of every job's connection, so that no callback outlives the backend. The jobs
    /// themselves are not its children: one deleted in flight would be used after free by
    /// libsecret, so each job deletes itself once it has finished.
    QObject m_callbackContext;
};

} // namespace Lathe::Credentials
