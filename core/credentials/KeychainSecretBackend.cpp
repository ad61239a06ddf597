// SPDX-License-Identifier: GPL-3.0-or-later
#include "KeychainSecretBackend.h"

#include <qt6keychain/keychain.h>

namespace Lathe::Credentials
{

namespace
{

/** The job's failure in the keychain's own words; the job never puts a secret there. */
Lathe::Error jobFailure(const QKeychain::Job *job)
{
    QString reason = job->errorString();
    if (reason.isEmpty())
        reason = QStringLiteral("keychain error %1").arg(int(job->error()));
    return Lathe::Error(Lathe::ErrorCode::Io, reason, QStringLiteral("keychain"));
}

/** Sets up and starts `job`; `finished` runs once, unless the backend is gone by then. */
template <typename Finished>
void startJob(QKeychain::Job *job, const QString &key, const QObject *context, Finished finished)
{
    job->setKey(key);
    // Off is QtKeychain's default too; said again because on would write keys in plain text
    // to a settings file whenever no keychain is reachable.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    QObject::connect(job, &QKeychain::Job::finished, context, finished);
    job->start();
}

} // namespace

QString KeychainSecretBackend::defaultKeychainService()
{
    return QStringLiteral("Lathe");
}

KeychainSecretBackend::KeychainSecretBackend(QString keychainService)
    : m_keychainService(std::move(keychainService))
{}

KeychainSecretBackend::~KeychainSecretBackend() = default;

void KeychainSecretBackend::read(const QString &key, ReadCallback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_keychainService);
    startJob(job, key, &m_callbackContext, [job, done = std::move(done)](QKeychain::Job *) {
        switch (job->error()) {
        case QKeychain::NoError:
            done(std::optional<QString>(job->textData()));
            return;
        case QKeychain::EntryNotFound:
            done(std::optional<QString>());
            return;
        default:
            done(tl::unexpected(jobFailure(job)));
            return;
        }
    });
}

void KeychainSecretBackend::write(const QString &key, const QString &secret, WriteCallback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_keychainService);
    job->setTextData(secret);
    startJob(job, key, &m_callbackContext, [job, done = std::move(done)](QKeychain::Job *) {
        if (job->error() == QKeychain::NoError)
            done({});
        else
            done(tl::unexpected(jobFailure(job)));
    });
}

void KeychainSecretBackend::remove(const QString &key, WriteCallback done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_keychainService);
    startJob(job, key, &m_callbackContext, [job, done = std::move(done)](QKeychain::Job *) {
        // Removing what is not there is not a failure, however the keychain reports it.
        if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound)
            done({});
        else
            done(tl::unexpected(jobFailure(job)));
    });
}

} // namespace Lathe::Credentials
