// SPDX-License-Identifier: GPL-3.0-or-later
#include "SecretScan.h"

#include <algorithm>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>

namespace Lathe::TestSupport
{

namespace
{

struct SecretForm
{
    QString name;
    QByteArray bytes;
};

/**
 * The characters of base64(secret) that any base64 text holding `secret` `shift` bytes past the
 * start of a 3-byte group contains, whatever stands around it: those made of the secret's bits
 * alone.
 */
QByteArray base64Core(const QByteArray &secret, int shift, QByteArray::Base64Options options)
{
    const QByteArray encoded = QByteArray(QByteArray(shift, '\0') + secret).toBase64(options);
    const qsizetype first = (8 * shift + 5) / 6;
    const qsizetype end = 8 * (shift + secret.size()) / 6;
    return encoded.mid(first, end - first);
}

QByteArray utf16(const QString &text, bool bigEndian)
{
    QByteArray bytes;
    for (const QChar c : text) {
        const char high = static_cast<char>(c.unicode() >> 8);
        const char low = static_cast<char>(c.unicode() & 0xff);
        bytes.append(bigEndian ? high : low);
        bytes.append(bigEndian ? low : high);
    }
    return bytes;
}

QList<SecretForm> formsOf(const QByteArray &secret)
{
    QList<SecretForm> candidates{{QStringLiteral("as is"), secret}};
    for (int shift = 0; shift < 3; ++shift) {
        candidates.append({QStringLiteral("base64 (shift %1)").arg(shift),
                           base64Core(secret, shift, QByteArray::Base64Encoding)});
        candidates.append({QStringLiteral("base64url (shift %1)").arg(shift),
                           base64Core(secret, shift, QByteArray::Base64UrlEncoding)});
    }
    const QString text = QString::fromUtf8(secret);
    candidates.append({QStringLiteral("UTF-16LE"), utf16(text, false)});
    candidates.append({QStringLiteral("UTF-16BE"), utf16(text, true)});

    QList<SecretForm> forms; // without repeats: base64 and base64url often agree
    for (const SecretForm &candidate : candidates) {
        if (std::none_of(forms.cbegin(), forms.cend(),
                         [&](const SecretForm &form) { return form.bytes == candidate.bytes; }))
            forms.append(candidate);
    }
    return forms;
}

} // namespace

QString SecretSighting::toString() const
{
    if (offset < 0)
        return where + QStringLiteral(": ") + form;
    return QStringLiteral("%1: the secret, %2, at byte %3").arg(where, form).arg(offset);
}

QByteArray canarySecret(QByteArrayView prefix)
{
    quint32 random[4];
    QRandomGenerator::global()->fillRange(random);
    return prefix.toByteArray() + QByteArray(reinterpret_cast<const char *>(random), sizeof random).toHex();
}

QList<SecretSighting> findSecret(const QByteArray &bytes, const QByteArray &secret, const QString &where)
{
    QList<SecretSighting> sightings;
    if (secret.isEmpty())
        return sightings;
    for (const SecretForm &form : formsOf(secret)) {
        for (qsizetype at = bytes.indexOf(form.bytes); at >= 0; at = bytes.indexOf(form.bytes, at + 1))
            sightings.append({where, at, form.name});
    }
    return sightings;
}

QList<SecretSighting> findSecretInTree(const QString &root, const QByteArray &secret,
                                       const QStringList &skipped)
{
    QStringList skippedPrefixes;
    for (const QString &folder : skipped)
        skippedPrefixes.append(QDir::cleanPath(folder) + QLatin1Char('/'));

    QList<SecretSighting> sightings;
    QDirIterator files(root, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = QDir::cleanPath(files.next());
        if (std::any_of(skippedPrefixes.cbegin(), skippedPrefixes.cend(),
                        [&](const QString &prefix) { return path.startsWith(prefix); }))
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            sightings.append({path, -1, QStringLiteral("cannot be read: ") + file.errorString()});
            continue;
        }
        sightings += findSecret(file.readAll(), secret, path);
    }
    return sightings;
}

QByteArray withoutSecret(QByteArray text, const QByteArray &secret)
{
    if (secret.isEmpty())
        return text;
    for (const SecretForm &form : formsOf(secret))
        text.replace(form.bytes, "[secret]");
    return text;
}

QString describeSightings(const QList<SecretSighting> &sightings)
{
    QStringList lines;
    for (const SecretSighting &sighting : sightings)
        lines.append(sighting.toString());
    return lines.join(QLatin1Char('\n'));
}

} // namespace Lathe::TestSupport
