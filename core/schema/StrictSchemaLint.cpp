// SPDX-License-Identifier: GPL-3.0-or-later
#include "StrictSchemaLint.h"

#include <algorithm>

#include <QStringList>

#include <nlohmann/json.hpp>

#include "JsonNumbers.h"
#include "JsonPointer.h"

namespace Lathe::Schema
{

namespace
{

using nlohmann::json;

// OpenAI's documented limits for strict schemas (Structured Outputs guide, "Supported schemas").
constexpr std::size_t kMaxProperties = 5000;
constexpr int kMaxNesting = 10;
constexpr std::size_t kMaxEnumValues = 1000;
constexpr std::size_t kMaxStringSize = 120'000;
// A single string enum with more values than this has its own, smaller size limit.
constexpr std::size_t kLargeEnumValues = 250;
constexpr std::size_t kMaxLargeEnumStringSize = 15'000;

constexpr const char *kStringFormats[] = {"date-time", "time", "date", "duration", "email",
                                          "hostname",  "ipv4", "ipv6", "uuid"};

struct UnsupportedKeyword
{
    const char *keyword;
    bool certain; // documented as unsupported, or only absent from the supported list
    const char *fix;
};

// Keywords strict mode rejects wherever they appear. Those it only does not list as supported
// (the docs have widened the list over time) are marked uncertain.
constexpr UnsupportedKeyword kUnsupported[] = {
    {"oneOf", true, "use \"anyOf\", which strict mode supports below the root"},
    {"not", true, "remove it and check the constraint after parsing"},
    {"if", true, "write the cases as \"anyOf\" branches"},
    {"then", true, "write the cases as \"anyOf\" branches"},
    {"else", true, "write the cases as \"anyOf\" branches"},
    {"dependentRequired", true,
     "every property is required in strict mode anyway; write the cases as \"anyOf\" branches"},
    {"dependentSchemas", true, "write the cases as \"anyOf\" branches"},
    {"dependencies", true, "write the cases as \"anyOf\" branches"},
    {"patternProperties", false,
     "list the keys under \"properties\", or use an array of {\"key\", \"value\"} objects"},
    {"unevaluatedProperties", true, "use \"additionalProperties\": false"},
    {"propertyNames", true,
     "list the keys under \"properties\", or use an array of {\"key\", \"value\"} objects"},
    {"minProperties", true, "list the keys under \"properties\" (strict mode requires them all)"},
    {"maxProperties", true, "list the keys under \"properties\" (strict mode requires them all)"},
    {"unevaluatedItems", true, "describe the items with \"items\""},
    {"contains", true, "remove it and check the items after parsing"},
    {"minContains", true, "remove it and check the items after parsing"},
    {"maxContains", true, "remove it and check the items after parsing"},
    {"uniqueItems", false, "remove it and check the items after parsing"},
    {"allOf", false, "merge the subschemas into one (OpenAI's own SDK inlines a single-entry allOf)"},
    {"minLength", false,
     "strict mode lists only pattern and format for strings; use a pattern such as \"^.{1,40}$\""},
    {"maxLength", false,
     "strict mode lists only pattern and format for strings; use a pattern such as \"^.{0,40}$\""},
    {"prefixItems", false, "use an object with one property per position"},
    {"default", false, "remove it and state the default in \"description\""},
};

QString quoted(const std::string &text)
{
    return QLatin1Char('"') + QString::fromStdString(text) + QLatin1Char('"');
}

std::vector<std::string> typesOf(const json &schema)
{
    std::vector<std::string> types;
    const auto type = schema.find("type");
    if (type == schema.end())
        return types;
    if (type->is_string())
        types.push_back(type->get<std::string>());
    if (type->is_array()) {
        for (const json &each : *type) {
            if (each.is_string())
                types.push_back(each.get<std::string>());
        }
    }
    return types;
}

bool contains(const std::vector<std::string> &list, const std::string &value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

// How an optional property is written in strict mode: a required one that may be null.
QString nullableHint(const json &property)
{
    const std::vector<std::string> types =
        property.is_object() ? typesOf(property) : std::vector<std::string>();
    if (types.empty())
        return QStringLiteral("\"anyOf\": [<its schema>, {\"type\": \"null\"}]");
    if (contains(types, "null"))
        return QStringLiteral("it already allows null, so only listing it is missing");
    QStringList written;
    for (const std::string &type : types)
        written.append(quoted(type));
    written.append(QStringLiteral("\"null\""));
    QString hint = QStringLiteral("\"type\": [") + written.join(QStringLiteral(", ")) + QLatin1Char(']');
    if (property.contains("enum"))
        hint += QStringLiteral(" and null added to its \"enum\"");
    return hint;
}

class Linter
{
public:
    explicit Linter(const json &root)
        : m_root(root)
    {}

    std::vector<StrictSchemaIssue> run()
    {
        if (!checkRoot())
            return std::move(m_issues);
        visit(m_root, std::string(), 0, true);
        if (m_properties > kMaxProperties)
            add({},
                QStringLiteral("The schema has %1 object properties in all; strict mode allows at most %2. "
                               "Split the request, or turn repeated objects into arrays.")
                    .arg(m_properties)
                    .arg(kMaxProperties));
        if (m_enumValues > kMaxEnumValues)
            add({}, QStringLiteral("The schema's enums have %1 values in all; strict mode allows at most %2. "
                                   "Replace the largest enums with strings described in \"description\".")
                        .arg(m_enumValues)
                        .arg(kMaxEnumValues));
        if (m_stringSize > kMaxStringSize)
            add({},
                QStringLiteral(
                    "Property names, definition names, enum and const values come to %1 characters; "
                    "strict mode allows %2 and may reject the schema. Shorten or drop the largest enums.")
                    .arg(m_stringSize)
                    .arg(kMaxStringSize),
                false);
        return std::move(m_issues);
    }

private:
    void add(std::string pointer, QString message, bool certain = true)
    {
        m_issues.push_back(StrictSchemaIssue{std::move(pointer), std::move(message), certain});
    }

    static std::string child(const std::string &pointer, const std::string &token)
    {
        return pointer + '/' + escapePointerToken(token);
    }

    // Returns whether the root is an object to look into.
    bool checkRoot()
    {
        if (!m_root.is_object()) {
            add({},
                QStringLiteral("The root must be an object schema ({\"type\": \"object\", …}); strict mode "
                               "rejects %1. Wrap the value in a property of an object.")
                    .arg(m_root.is_boolean() ? QStringLiteral("a boolean schema")
                                             : QStringLiteral("anything else")));
            return false;
        }
        if (m_root.contains("anyOf")) {
            add("/anyOf",
                QStringLiteral("\"anyOf\" is not allowed at the root in strict mode. Make the root an "
                               "object and put the alternatives in one of its properties."));
            return true;
        }
        const auto type = m_root.find("type");
        if (type != m_root.end() && type->is_string() && type->get<std::string>() == "object")
            return true;
        const QString found =
            type == m_root.end()
                ? (m_root.contains("$ref") ? QStringLiteral("a root that is only a \"$ref\"")
                                           : QStringLiteral("a root without a \"type\""))
                : QString(QStringLiteral("a root of type ") + QString::fromStdString(type->dump()));
        add(type == m_root.end() ? std::string() : std::string("/type"),
            QStringLiteral(
                "The root must be an object schema (\"type\": \"object\"); strict mode rejects %1. "
                "Wrap the value in an object: {\"type\": \"object\", \"properties\": {\"value\": …}, "
                "\"required\": [\"value\"], \"additionalProperties\": false}.")
                .arg(found));
        return true;
    }

    // `objectLevel`: how many object schemas enclose this one.
    void visit(const json &schema, const std::string &pointer, int objectLevel, bool isRoot)
    {
        if (schema.is_boolean()) {
            add(pointer,
                QStringLiteral("A boolean schema (%1) may be rejected in strict mode; write an object schema "
                               "with a \"type\".")
                    .arg(QString::fromStdString(schema.dump())),
                false);
            return;
        }
        if (!schema.is_object())
            return;

        for (const UnsupportedKeyword &keyword : kUnsupported) {
            if (!schema.contains(keyword.keyword))
                continue;
            const QString name = quoted(keyword.keyword);
            add(child(pointer, keyword.keyword),
                (keyword.certain
                     ? name + QStringLiteral(" is not supported in strict mode; ")
                     : name + QStringLiteral(" may be rejected in strict mode, which does not list it as "
                                             "supported; ")) +
                    QLatin1String(keyword.fix) + QLatin1Char('.'),
                keyword.certain);
        }

        const std::vector<std::string> types = typesOf(schema);
        const bool hasType = schema.contains("type");
        if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string())
            checkReference(schema, ref->get<std::string>(), pointer, isRoot);
        // oneOf and allOf are reported already; rewritten as the fix says, they carry the type.
        else if (!hasType && !isRoot && !schema.contains("anyOf") && !schema.contains("oneOf") &&
                 !schema.contains("allOf") && !schema.contains("enum") && !schema.contains("const"))
            add(pointer,
                QStringLiteral(
                    "This schema has no \"type\"; strict mode expects one on every schema (or an "
                    "\"anyOf\", \"$ref\", \"enum\" or \"const\") and may reject it. Add \"type\"."),
                false);

        int level = objectLevel;
        if (contains(types, "object") || (!hasType && schema.contains("properties"))) {
            level = objectLevel + 1;
            if (level > kMaxNesting && !m_nestingReported) {
                m_nestingReported = true;
                add(pointer,
                    QStringLiteral(
                        "This object is nested %1 levels deep (the root object is level 1); strict mode "
                        "allows %2 levels and may reject it. Flatten the structure.")
                        .arg(level)
                        .arg(kMaxNesting),
                    false);
            }
            checkObject(schema, pointer);
        }
        if (const auto format = schema.find("format"); format != schema.end() && format->is_string())
            checkFormat(format->get<std::string>(), child(pointer, "format"));
        if (contains(types, "array") && !schema.contains("items") && !schema.contains("prefixItems"))
            add(pointer,
                QStringLiteral(
                    "An array without \"items\" may be rejected in strict mode; say what its items "
                    "are with \"items\"."),
                false);
        countValues(schema, pointer);

        for (const char *key : {"properties", "$defs", "definitions"}) {
            const auto members = schema.find(key);
            if (members == schema.end() || !members->is_object())
                continue;
            for (const auto &[name, subschema] : members->items()) {
                m_stringSize += codePointCount(name);
                // Definitions are placed wherever they are referenced; they count from the top.
                visit(subschema, child(child(pointer, key), name),
                      std::string_view(key) == "properties" ? level : 0, false);
            }
        }
        if (const auto items = schema.find("items"); items != schema.end()) {
            if (items->is_array()) {
                for (std::size_t i = 0; i < items->size(); ++i)
                    visit((*items)[i], child(child(pointer, "items"), std::to_string(i)), level, false);
            } else {
                visit(*items, child(pointer, "items"), level, false);
            }
        }
        for (const char *key : {"anyOf", "allOf", "oneOf", "prefixItems"}) {
            const auto branches = schema.find(key);
            if (branches == schema.end() || !branches->is_array())
                continue;
            for (std::size_t i = 0; i < branches->size(); ++i)
                visit((*branches)[i], child(child(pointer, key), std::to_string(i)), level, false);
        }
        for (const char *key : {"if", "then", "else"}) {
            if (const auto branch = schema.find(key); branch != schema.end())
                visit(*branch, child(pointer, key), level, false);
        }
    }

    void checkObject(const json &schema, const std::string &pointer)
    {
        const auto additional = schema.find("additionalProperties");
        if (additional == schema.end())
            add(pointer,
                QStringLiteral("This object has no \"additionalProperties\": false; strict mode requires "
                               "it on every object. Add \"additionalProperties\": false."));
        else if (!additional->is_boolean() || additional->get<bool>())
            add(child(pointer, "additionalProperties"),
                QStringLiteral(
                    "\"additionalProperties\" must be false in strict mode, which allows no keys beyond "
                    "\"properties\". List every key under \"properties\", or write a map as an array "
                    "of {\"key\", \"value\"} objects."));

        std::vector<std::string> required;
        if (const auto names = schema.find("required"); names != schema.end() && names->is_array()) {
            for (const json &name : *names) {
                if (name.is_string())
                    required.push_back(name.get<std::string>());
            }
        }
        const auto properties = schema.find("properties");
        const bool hasProperties = properties != schema.end() && properties->is_object();
        if (hasProperties) {
            for (const auto &[name, property] : properties->items()) {
                ++m_properties;
                if (!contains(required, name))
                    add(child(child(pointer, "properties"), name),
                        QStringLiteral(
                            "Property %1 is not in \"required\"; strict mode requires every property. Add "
                            "it to \"required\" and, to keep it optional, let it be null: %2.")
                            .arg(quoted(name), nullableHint(property)));
            }
        }
        for (const std::string &name : required) {
            if (!hasProperties || !properties->contains(name))
                add(child(pointer, "required"),
                    QStringLiteral(
                        "\"required\" names %1, which \"properties\" does not define; with "
                        "\"additionalProperties\": false no answer can have it, and strict mode may "
                        "reject the schema. Define it or drop it from \"required\".")
                        .arg(quoted(name)),
                    false);
        }
    }

    void checkFormat(const std::string &format, const std::string &pointer)
    {
        if (std::any_of(std::begin(kStringFormats), std::end(kStringFormats),
                        [&](const char *known) { return format == known; }))
            return;
        add(pointer,
            QStringLiteral(
                "Format %1 is not among those strict mode supports (date-time, time, date, duration, "
                "email, hostname, ipv4, ipv6, uuid) and may be rejected; remove it or use \"pattern\".")
                .arg(quoted(format)),
            false);
    }

    // enum and const values count against the limits on enum values and on strings.
    void countValues(const json &schema, const std::string &pointer)
    {
        if (const auto value = schema.find("const"); value != schema.end() && value->is_string())
            m_stringSize += codePointCount(value->get<std::string>());
        const auto values = schema.find("enum");
        if (values == schema.end() || !values->is_array())
            return;
        m_enumValues += values->size();
        std::size_t size = 0;
        bool allStrings = true;
        for (const json &value : *values) {
            if (value.is_string())
                size += codePointCount(value.get<std::string>());
            else
                allStrings = false;
        }
        m_stringSize += size;
        if (allStrings && values->size() > kLargeEnumValues && size > kMaxLargeEnumStringSize)
            add(child(pointer, "enum"),
                QStringLiteral(
                    "This enum has %1 string values of %2 characters in all; above %3 values strict mode "
                    "allows %4 characters and may reject it. Shorten the values or use fewer.")
                    .arg(values->size())
                    .arg(size)
                    .arg(kLargeEnumValues)
                    .arg(kMaxLargeEnumStringSize),
                false);
    }

    void checkReference(const json &schema, const std::string &reference, const std::string &pointer,
                        bool isRoot)
    {
        const std::string where = child(pointer, "$ref");
        const bool intoDefinitions =
            reference.rfind("#/$defs/", 0) == 0 || reference.rfind("#/definitions/", 0) == 0;
        if (reference.empty() || reference.front() != '#') {
            add(where,
                QStringLiteral("\"$ref\" %1 points outside the schema; strict mode resolves only references "
                               "within it (\"#\", \"#/$defs/…\", \"#/definitions/…\"). Copy the referenced "
                               "schema under \"$defs\".")
                    .arg(quoted(reference)));
        } else if (reference != "#" && !intoDefinitions) {
            add(where,
                QStringLiteral(
                    "\"$ref\" %1 points into the schema but not into \"$defs\" or \"definitions\"; strict "
                    "mode may reject it. Move the target under \"$defs\" and refer to it there.")
                    .arg(quoted(reference)),
                false);
        } else if (intoDefinitions) {
            const auto decoded = percentDecode(std::string_view(reference).substr(1));
            const auto tokens = decoded ? parsePointer(*decoded) : std::nullopt;
            const json *target = &m_root;
            for (const std::string &token : tokens.value_or(std::vector<std::string>())) {
                const auto found = target->is_object() ? target->find(token) : target->end();
                target = found != target->end() ? &*found : nullptr;
                if (!target)
                    break;
            }
            if (!tokens || !target)
                add(where,
                    QStringLiteral("\"$ref\" %1 points at nothing in this schema; define it under \"$defs\".")
                        .arg(quoted(reference)));
        }

        // At the root, $defs and the document's own keywords sit beside $ref by necessity.
        QStringList siblings;
        for (const auto &[key, unused] : schema.items()) {
            if (key != "$ref" &&
                !(isRoot && (key == "$defs" || key == "definitions" || key == "$schema" || key == "$id")))
                siblings.append(QString::fromStdString(key));
        }
        if (!siblings.isEmpty())
            add(where,
                QStringLiteral(
                    "\"$ref\" with sibling keywords (%1) may be rejected in strict mode; inline the "
                    "referenced schema here instead, as OpenAI's own SDK does.")
                    .arg(siblings.join(QStringLiteral(", "))),
                false);
    }

    const json &m_root;
    std::vector<StrictSchemaIssue> m_issues;
    std::size_t m_properties = 0;
    std::size_t m_enumValues = 0;
    std::size_t m_stringSize = 0;
    bool m_nestingReported = false;
};

} // namespace

std::vector<StrictSchemaIssue> lintForOpenAiStrict(const nlohmann::json &schema)
{
    return Linter(schema).run();
}

} // namespace Lathe::Schema
