// SPDX-License-Identifier: GPL-3.0-or-later
#include "Redaction.h"

namespace Lathe
{

namespace
{

constexpr qsizetype kMinSecretLength = 8;

} // namespace

QString redactSecrets(QString text, const QByteArrayList &secrets)
{
    for (const QByteArray &secret : secrets) {
        if (secret.size() >= kMinSecretLength)
            text.replace(QString::fromUtf8(secret), kRedacted);
    }
    return text;
}

Error redactSecrets(Error error, const QByteArrayList &secrets)
{
    error.message = redactSecrets(std::move(error.message), secrets);
    error.where = redactSecrets(std::move(error.where), secrets);
    error.providerCode = redactSecrets(std::move(error.providerCode), secrets);
    return error;
}

} // namespace Lathe
