// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokens/ChatTokenCount.h"

#include <nlohmann/json.hpp>

namespace Lathe::Tokens
{

namespace
{

// Ordered, so properties render in the order the schema lists them, as the model sees them.
using json = nlohmann::ordered_json;

constexpr qint64 kTokensPerMessage = 3;
constexpr qint64 kReplyPriming = 3;
constexpr qint64 kToolsFraming = 9;
constexpr qint64 kToolsWithSystemDiscount = 4;

qint64 tokensOf(const BpeEncoding &encoding, const QString &text)
{
    return text.isEmpty() ? 0 : qint64(encoding.encode(text).size());
}

QString typeOf(const json &schema, int indent);

QString text(const json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>())
                             : QString::fromStdString(value.dump());
}

QString objectProperties(const json &schema, int indent)
{
    const json *properties = schema.contains("properties") ? &schema["properties"] : nullptr;
    if (!properties || !properties->is_object())
        return {};
    QStringList required;
    if (const auto it = schema.find("required"); it != schema.end() && it->is_array()) {
        for (const json &name : *it)
            required << text(name);
    }
    QStringList lines;
    const QString pad(indent, u' ');
    for (const auto &[key, property] : properties->items()) {
        const QString name = QString::fromStdString(key);
        // Nested descriptions deeper than one level are not shown to the model.
        if (property.is_object() && property.contains("description") && indent < 2)
            lines << pad + QStringLiteral("// ") + text(property["description"]);
        lines << pad + name + (required.contains(name) ? QStringLiteral(": ") : QStringLiteral("?: ")) +
                     typeOf(property, indent) + u',';
    }
    return lines.join(u'\n');
}

QString typeOf(const json &schema, int indent)
{
    if (!schema.is_object())
        return QStringLiteral("any");
    const std::string type =
        schema.contains("type") && schema["type"].is_string() ? schema["type"].get<std::string>() : "";
    const auto it = schema.find("enum");
    if (it != schema.end() && it->is_array() && (type == "string" || type == "number" || type == "integer")) {
        QStringList values;
        for (const json &value : *it)
            values << (value.is_string() ? u'"' + text(value) + u'"' : text(value));
        return values.join(QStringLiteral(" | "));
    }
    if (type == "string")
        return QStringLiteral("string");
    if (type == "number" || type == "integer")
        return QStringLiteral("number");
    if (type == "boolean")
        return QStringLiteral("boolean");
    if (type == "null")
        return QStringLiteral("null");
    if (type == "object")
        return QStringLiteral("{\n") + objectProperties(schema, indent + 2) + QStringLiteral("\n}");
    if (type == "array")
        return schema.contains("items") ? typeOf(schema["items"], indent) + QStringLiteral("[]")
                                        : QStringLiteral("any[]");
    return QStringLiteral("any");
}

} // namespace

QString renderToolsForCounting(const QList<Providers::ToolDefinition> &tools)
{
    QStringList lines{QStringLiteral("namespace functions {"), QString()};
    for (const Providers::ToolDefinition &tool : tools) {
        if (!tool.description.isEmpty())
            lines << QStringLiteral("// ") + tool.description;
        // An unparsable schema is shown as a function without parameters: the count stays an
        // estimate, and the request itself will report the schema error.
        const json schema =
            json::parse(tool.parametersSchema.constBegin(), tool.parametersSchema.constEnd(), nullptr, false);
        const QString properties = schema.is_object() ? objectProperties(schema, 0) : QString();
        if (properties.isEmpty()) {
            lines << QStringLiteral("type %1 = () => any;").arg(tool.name);
        } else {
            lines << QStringLiteral("type %1 = (_: {").arg(tool.name) << properties
                  << QStringLiteral("}) => any;");
        }
        lines << QString();
    }
    lines << QStringLiteral("} // namespace functions");
    return lines.join(u'\n');
}

ChatTokenCount countChatTokens(const BpeEncoding &encoding, const QList<Providers::ChatMessage> &messages,
                               const QList<Providers::ToolDefinition> &tools,
                               const QByteArray &responseSchema)
{
    ChatTokenCount count;
    bool hasSystem = false;
    for (const Providers::ChatMessage &message : messages) {
        count.messages +=
            kTokensPerMessage + tokensOf(encoding, message.role) + tokensOf(encoding, message.content);
        hasSystem = hasSystem || message.role == u"system";
    }
    count.replyPriming = kReplyPriming;
    if (!tools.isEmpty()) {
        count.tools = tokensOf(encoding, renderToolsForCounting(tools)) + kToolsFraming -
                      (hasSystem ? kToolsWithSystemDiscount : 0);
        count.approximate = true;
    }
    if (!responseSchema.isEmpty()) {
        const json schema =
            json::parse(responseSchema.constBegin(), responseSchema.constEnd(), nullptr, false);
        const std::string compact = schema.is_discarded() ? responseSchema.toStdString() : schema.dump();
        count.responseFormat =
            qint64(encoding.encodeUtf8(QByteArrayView(compact.data(), qsizetype(compact.size()))).size());
        count.approximate = true;
    }
    return count;
}

qint64 chatFramingTokens(const BpeEncoding &encoding, const QStringList &roles)
{
    qint64 tokens = kReplyPriming;
    for (const QString &role : roles)
        tokens += kTokensPerMessage + tokensOf(encoding, role);
    return tokens;
}

} // namespace Lathe::Tokens
