// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpHeaders.h"

#include <QUrlQuery>

#include "base/Redaction.h"

namespace Lathe::Http
{

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
    return isCredentialName(QString::fromLatin1(name));
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
        if (isCredentialName(name))
            value = QStringLiteral("redacted");
    }
    query.setQueryItems(items);
    url.setQuery(query);
    return url;
}

} // namespace Lathe::Http
