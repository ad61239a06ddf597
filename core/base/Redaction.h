// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayList>
#include <QString>

#include "Error.h"

namespace Lathe
{

/** What stands where a secret was. */
inline constexpr QLatin1String kRedacted{"[redacted]"};

/**
 * `text` with every occurrence of each secret replaced by kRedacted. Servers and gateways echo
 * keys in their error messages ("Incorrect API key provided: sk-…"), and users paste them into
 * prompts; whatever Lathe shows, prints or records goes through here first. Secrets shorter
 * than 8 characters are not applied: no real key is that short, and they would cut ordinary
 * words out of the text.
 */
QString redactSecrets(QString text, const QByteArrayList &secrets);
/** `error` with the secrets cut out of its message, where and provider code. */
Error redactSecrets(Error error, const QByteArrayList &secrets);

/**
 * Whether a header, URL parameter or prompt parameter of this name carries a credential:
 * Authorization, Cookie, x-api-key, api_key, access_token, x-auth-token, sig, a password or a
 * secret. Providers and files name their keys freely, hence patterns. Case, "-" and "_" do not
 * count, and a name must end in "token" to be one: max_tokens is a limit.
 */
bool isCredentialName(QStringView name);

} // namespace Lathe
