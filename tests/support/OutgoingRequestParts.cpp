// SPDX-License-Identifier: GPL-3.0-or-later
#include "OutgoingRequestParts.h"

#include "providers/ProviderProtocol.h"

namespace Lathe::TestSupport
{

nlohmann::json bodyOf(const Providers::OutgoingRequest &request)
{
    return nlohmann::json::parse(request.body.constBegin(), request.body.constEnd());
}

QString jsonText(const nlohmann::json &value)
{
    return QString::fromStdString(value.dump());
}

QByteArrayList headerValues(const Providers::OutgoingRequest &request, QByteArrayView name)
{
    QByteArrayList values;
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values;
}

} // namespace Lathe::TestSupport
