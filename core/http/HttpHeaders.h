// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QUrl>

namespace Lathe::Http
{

/** HTTP header fields in the order they were written or received; names as sent. */
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/** The trimmed value of the first field named `name` (case-insensitive). */
std::optional<QByteArray> headerValue(const HeaderList &headers, QByteArrayView name);

/** Whether a field carries a credential, by isCredentialName (x-api-key, Authorization, …). */
bool isCredentialHeader(QByteArrayView name);

/** The fields with every credential's value replaced by "[redacted]". */
HeaderList redactedHeaders(HeaderList headers);

/**
 * The URL without user info and with the values of credential-like query parameters (key,
 * api_key, api-key, token, access_token, sig) replaced by "redacted": Gemini and some proxies
 * accept a key in the query, and a logged URL must not carry it.
 */
QUrl redactedUrl(QUrl url);

} // namespace Lathe::Http
