// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

/**
 * Searching output and files for a secret, for the tests of the rule that API keys never leave
 * the keychain or the environment. What they report names the place, never the secret, so a
 * failing test does not print the key it guards.
 */
namespace Lathe::TestSupport
{

/** One place where a secret turned up. */
struct SecretSighting
{
    QString where;    ///< the file, or what the searched bytes were (e.g. "stderr")
    qsizetype offset; ///< the byte offset in it; -1 when the file could not be read
    QString form;     ///< how it was written: "as is", "base64 (shift 1)", "UTF-16LE", …

    QString toString() const;
};

/** A distinctive fake API key: `prefix` and 32 random hex digits. */
QByteArray canarySecret(QByteArrayView prefix = "sk-lathe-leak-canary-");

/**
 * Every place in `bytes` where `secret` stands: as is, in base64 or base64url at each of the
 * three alignments to a 3-byte group (so inside a longer encoded text too, such as a Basic
 * Authorization header), or in UTF-16 (either byte order). `where` names `bytes` in the result.
 */
QList<SecretSighting> findSecret(const QByteArray &bytes, const QByteArray &secret, const QString &where);

/**
 * The same for every regular file below `root`, hidden ones included, except what lies below
 * the folders in `skipped`. A file that cannot be read is reported too (with offset -1).
 */
QList<SecretSighting> findSecretInTree(const QString &root, const QByteArray &secret,
                                       const QStringList &skipped = {});

/** `text` with `secret` replaced in each of the forms findSecret() knows, for a failure message. */
QByteArray withoutSecret(QByteArray text, const QByteArray &secret);

/** The sightings, one a line, for a failure message; empty when there are none. */
QString describeSightings(const QList<SecretSighting> &sightings);

} // namespace Lathe::TestSupport
