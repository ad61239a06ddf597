// SPDX-License-Identifier: GPL-3.0-or-later
#include "OutgoingRequestParts.h"

#include "providers/ProviderProtocol.h"

namespace Lathe::TestSupport
{

nlohmann::json bodyOf(const Providers::OutgoingRequest &request)
{
    return nlohmann::json::parse(request.body.constBegin(), request.body.constEnd());
}

nlohmann::ordered_json orderedBodyOf(const Providers::OutgoingRequest &request)
{
    return nlohmann::ordered_json::parse(request.body.constBegin(), request.body.constEnd());
}

QString jsonText(const nlohmann::json &value)
{
    return QString::fromStdString(value.dump());
}

QString jsonText(const nlohmann::ordered_json &value)
{
    return QString::fromStdString(value.dump());
}

QByteArray responseSchemaAsWritten()
{
    return QByteArrayLiteral("{\n"
                             "  \"type\": \"object\",\n"
                             "  \"properties\": {\n"
                             "    \"title\": {\"type\": \"string\"},\n"
                             "    \"author\": {\"type\": \"string\"},\n"
                             "    \"year\": {\"type\": \"integer\"}\n"
                             "  },\n"
                             "  \"required\": [\"title\", \"author\", \"year\"],\n"
                             "  \"additionalProperties\": false\n"
                             "}\n");
}

QString responseSchemaOnTheWire()
{
    return QStringLiteral("{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},"
                          "\"author\":{\"type\":\"string\"},\"year\":{\"type\":\"integer\"}},"
                          "\"required\":[\"title\",\"author\",\"year\"],\"additionalProperties\":false}");
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
