// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpHeaders.h"

#include <QUrlQuery>

#include "base/Redaction.h"

namespace Lathe::Http
{

namespace
{

bool isCredentialParameter(const QString &name)
{
    static const QStringList names = {QStringLiteral("key"),     QStringLiteral("api_key"),
                                      QStringLiteral("api-key"), QStringLiteral("apikey"),
                                      QStringLiteral("token"),   QStringLiteral("access_token"),
                                      QStringLiteral("sig")};
    return names.contains(name, Qt::CaseInsensitive);
}

} // namespace

std::optional<QByteArray> headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value.trimmed();
    }
    return std::nullopt;
}

bool isCredentialHeader(QByteArrayView name)
{
    const QByteArray lower = name.toByteArray().toLower();
    return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
           lower == "set-cookie" || lower.endsWith("api-key") || lower.endsWith("-token") ||
           lower.endsWith("_token");
}

HeaderList redactedHeaders(HeaderList headers)
{
    for (auto &[name, value] : headers) {
        if (isCredentialHeader(name))
            value = QByteArray(kRedacted.data(), kRedacted.size());
    }
    return headers;
}

QUrl redactedUrl(QUrl url)
{
    url.setUserInfo(QString());
    if (!url.hasQuery())
        return url;
    QUrlQuery query(url);
    auto items = query.queryItems(QUrl::FullyEncoded);
    for (auto &[name, value] : items) {
        if (isCredentialParameter(name))
            value = QStringLiteral("redacted");
    }
    query.setQueryItems(items);
    url.setQuery(query);
    return url;
}

} // namespace Lathe::Http
