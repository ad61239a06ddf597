// SPDX-License-Identifier: GPL-3.0-or-later
#include "Redaction.h"

namespace Lathe
{

namespace
{

constexpr qsizetype kMinSecretLength = 8;

} // namespace

bool isCredentialName(QStringView name)
{
    const QString plain = name.toString().toLower().remove(u'-').remove(u'_');
    for (const char16_t *exact : {u"key", u"sig", u"cookie", u"setcookie"}) {
        if (plain == QStringView(exact))
            return true;
    }
    if (plain.endsWith(u"apikey") || plain.endsWith(u"token"))
        return true;
    for (const char16_t *part : {u"authorization", u"secret", u"password", u"bearer"}) {
        if (plain.contains(QStringView(part)))
            return true;
    }
    return false;
}

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
