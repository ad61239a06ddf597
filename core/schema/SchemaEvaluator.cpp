// SPDX-License-Identifier: GPL-3.0-or-later
#include "SchemaEvaluator.h"

#include <algorithm>

#include <QStringList>

#include "FormatCheck.h"
#include "JsonNumbers.h"
#include "JsonPointer.h"

namespace Lathe::Schema
{

namespace
{

/**
 * Evaluation deeper than this stops with an error instead of overflowing the stack: each level
 * costs a few frames, and the limit leaves room on a default 8 MB stack even under ASan.
 */
constexpr int kMaxDepth = 1500;

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

/** A value for a message, shortened so one huge enum does not flood the output. */
QString shortText(std::string text)
{
    if (text.size() > 80)
        text = text.substr(0, 77) + "…";
    return qs(text);
}

QString shortJson(const nlohmann::json &value)
{
    return shortText(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

QString typeList(std::uint8_t types)
{
    static const std::pair<std::uint8_t, const char16_t *> kNames[] = {
        {TypeNull, u"null"},     {TypeBoolean, u"boolean"}, {TypeObject, u"object"},  {TypeArray, u"array"},
        {TypeNumber, u"number"}, {TypeString, u"string"},   {TypeInteger, u"integer"}};
    QStringList names;
    for (const auto &[bit, name] : kNames) {
        if (types & bit)
            names << QString::fromUtf16(name);
    }
    if (names.size() <= 1)
        return names.join(QString());
    const QString last = names.takeLast();
    return names.join(u", ") + u" or " + last;
}

QString instanceTypeName(const FlatValue &instance)
{
    switch (instance.kind) {
    case FlatKind::Null:
        return QStringLiteral("null");
    case FlatKind::Boolean:
        return QStringLiteral("boolean");
    case FlatKind::Integer:
    case FlatKind::Unsigned:
        return QStringLiteral("integer");
    case FlatKind::Float:
        return QStringLiteral("number");
    case FlatKind::String:
        return QStringLiteral("string");
    case FlatKind::Array:
        return QStringLiteral("array");
    case FlatKind::Object:
        return QStringLiteral("object");
    }
    return {};
}

bool matchesType(std::uint8_t types, const FlatValue &instance)
{
    switch (instance.kind) {
    case FlatKind::Null:
        return types & TypeNull;
    case FlatKind::Boolean:
        return types & TypeBoolean;
    case FlatKind::Object:
        return types & TypeObject;
    case FlatKind::Array:
        return types & TypeArray;
    case FlatKind::String:
        return types & TypeString;
    case FlatKind::Integer:
    case FlatKind::Unsigned:
        return types & (TypeNumber | TypeInteger);
    case FlatKind::Float:
        return (types & TypeNumber) || ((types & TypeInteger) && isIntegral(instance));
    }
    return false;
}

/**
 * Draft 4 says 1.0 is not an integer. The parsers keep every integer that fits in 64 bits as an
 * integer, so a float that would fit was written with a fraction or exponent; a larger one is a
 * big integer (12345678910111213141516171819) that only a double can hold.
 */
bool matchesTypeDraft4(std::uint8_t types, const FlatValue &instance)
{
    if (instance.kind != FlatKind::Float)
        return matchesType(types, instance);
    const double value = instance.floating;
    const bool bigInteger =
        isIntegral(instance) && (value >= 18446744073709551616.0 || value < -9223372036854775808.0);
    return (types & TypeNumber) || ((types & TypeInteger) && bigInteger);
}

FormatDraft formatDraft(Draft draft)
{
    switch (draft) {
    case Draft::Draft4:
        return FormatDraft::Draft4;
    case Draft::Draft6:
        return FormatDraft::Draft6;
    case Draft::Draft7:
        return FormatDraft::Draft7;
    case Draft::Draft2019_09:
        return FormatDraft::Draft2019_09;
    case Draft::Draft2020_12:
        return FormatDraft::Draft2020_12;
    }
    return FormatDraft::Draft2020_12;
}

/** Draft 7's content check: base64 that decodes, and JSON that parses. */
std::optional<std::pair<const char *, QString>> contentViolation(const SchemaNode &node,
                                                                 std::string_view text)
{
    QByteArray content(text.data(), qsizetype(text.size()));
    if (node.contentEncoding == "base64") {
        auto decoded = QByteArray::fromBase64Encoding(content, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return std::pair{"contentEncoding", QStringLiteral("Must be base64-encoded.")};
        content = std::move(*decoded);
    }
    if (node.contentMediaType == "application/json" &&
        !nlohmann::json::accept(content.constData(), content.constData() + content.size()))
        return std::pair{"contentMediaType", QStringLiteral("Must contain a JSON document.")};
    return std::nullopt;
}

std::string joinPointer(const std::vector<PathToken> &tokens)
{
    std::string pointer;
    for (const PathToken &token : tokens) {
        pointer += '/';
        pointer += token.isIndex ? std::to_string(token.index) : escapePointerToken(token.name);
    }
    return pointer;
}

} // namespace

void Evaluated::merge(const Evaluated &other)
{
    allProperties = allProperties || other.allProperties;
    properties.insert(properties.end(), other.properties.begin(), other.properties.end());
    allItems = allItems || other.allItems;
    itemPrefix = std::max(itemPrefix, other.itemPrefix);
    items.insert(items.end(), other.items.begin(), other.items.end());
}

bool PathToken::operator==(const std::string &unescaped) const
{
    return isIndex ? unescaped == std::to_string(index) : unescaped == name;
}

bool Evaluated::hasProperty(const FlatValue *member) const
{
    return allProperties || std::find(properties.begin(), properties.end(), member) != properties.end();
}

bool Evaluated::hasItem(std::size_t index) const
{
    return allItems || index < itemPrefix || std::find(items.begin(), items.end(), index) != items.end();
}

/** Pushes one evaluation-path token (a keyword, a property name, an index) while it lives. */
class KeywordStep
{
public:
    KeywordStep(SchemaEvaluator &evaluator, PathToken token)
        : m_evaluator(evaluator)
        , m_pushed(evaluator.collecting())
    {
        if (m_pushed)
            m_evaluator.m_keywordPath.push_back(token);
    }
    ~KeywordStep()
    {
        if (m_pushed)
            m_evaluator.m_keywordPath.pop_back();
    }
    KeywordStep(const KeywordStep &) = delete;
    KeywordStep &operator=(const KeywordStep &) = delete;

private:
    SchemaEvaluator &m_evaluator;
    bool m_pushed;
};

/** Pushes one instance-path token while it lives, and tracks whether it is still arriving. */
class InstanceStep
{
public:
    InstanceStep(SchemaEvaluator &evaluator, PathToken token)
        : m_evaluator(evaluator)
        , m_pushed(evaluator.collecting() || evaluator.m_openTokens)
    {
        if (!m_pushed)
            return;
        const std::size_t depth = m_evaluator.m_instancePath.size();
        m_evaluator.m_instancePath.push_back(token);
        const auto *open = m_evaluator.m_openTokens;
        if (open && m_evaluator.m_incompleteDepth == depth && depth < open->size() &&
            token == (*open)[depth]) {
            m_evaluator.m_incompleteDepth = depth + 1;
            m_advanced = true;
        }
    }
    ~InstanceStep()
    {
        if (!m_pushed)
            return;
        m_evaluator.m_instancePath.pop_back();
        if (m_advanced)
            --m_evaluator.m_incompleteDepth;
    }
    InstanceStep(const InstanceStep &) = delete;
    InstanceStep &operator=(const InstanceStep &) = delete;

private:
    SchemaEvaluator &m_evaluator;
    bool m_pushed;
    bool m_advanced = false;
};

/** Evaluates without recording failures (for `if`, `not`, `contains`), restoring them after. */
class SilentScope
{
public:
    explicit SilentScope(SchemaEvaluator &evaluator)
        : m_evaluator(evaluator)
        , m_errors(evaluator.m_errors)
        , m_keywordDepth(evaluator.m_keywordPath.size())
    {
        m_evaluator.m_errors = nullptr;
    }
    ~SilentScope()
    {
        m_evaluator.m_errors = m_errors;
        Q_ASSERT(m_evaluator.m_keywordPath.size() == m_keywordDepth);
    }
    SilentScope(const SilentScope &) = delete;
    SilentScope &operator=(const SilentScope &) = delete;

private:
    SchemaEvaluator &m_evaluator;
    std::vector<ValidationError> *m_errors;
    std::size_t m_keywordDepth;
};

SchemaEvaluator::SchemaEvaluator(const CompiledSchema &schema, const FlatJson &instances,
                                 std::vector<ValidationError> *errors)
    : m_schema(schema)
    , m_instances(instances)
    , m_errors(errors)
{}

void SchemaEvaluator::setOpenPath(const std::vector<std::string> *openTokens)
{
    m_openTokens = openTokens;
    m_incompleteDepth = 0;
}

void SchemaEvaluator::record(const SchemaNode &node, std::string_view keyword, QString message)
{
    ValidationError error;
    error.instanceLocation = joinPointer(m_instancePath);
    error.keywordLocation = joinPointer(m_keywordPath);
    error.absoluteKeywordLocation = node.location;
    if (!keyword.empty()) {
        const std::string token = "/" + escapePointerToken(keyword);
        error.keywordLocation += token;
        error.absoluteKeywordLocation += token;
    }
    error.message = std::move(message);
    m_errors->push_back(std::move(error));
}

template <typename MakeMessage>
void SchemaEvaluator::report(const SchemaNode &node, std::string_view keyword, MakeMessage &&makeMessage)
{
    // Messages are built only when someone reads them: the fast verdict and the silent
    // evaluations (if, not, contains) fail often and say nothing.
    if (m_errors)
        record(node, keyword, makeMessage());
}

template <typename MakeMessage>
void SchemaEvaluator::reportAt(const SchemaNode &node, std::string_view keyword, PathToken child,
                               MakeMessage &&makeMessage)
{
    if (!m_errors)
        return;
    InstanceStep step(*this, child);
    record(node, keyword, makeMessage());
}

bool SchemaEvaluator::evaluate(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated)
{
    if (node.isBoolean) {
        if (!node.booleanValue)
            report(node, {},
                   [&] { return QStringLiteral("No value is allowed here (the schema is false)."); });
        return node.booleanValue;
    }
    // A schema that is only a `$ref` within the current resource adds nothing to a verdict: go
    // straight to its target. (The compiler refuses cycles of such schemas.)
    if (node.groups == GroupReference && !evaluated && !collecting() && !m_scope.empty() &&
        m_scope.back() == node.resource)
        return evaluate(*node.ref, instance, nullptr);
    if (m_depth >= kMaxDepth) {
        report(node, {}, [] {
            return QStringLiteral(
                       "Validation stopped: the schema and instance nest more than %1 levels deep here.")
                .arg(kMaxDepth);
        });
        return false;
    }
    ++m_depth;
    const bool enteredResource = m_scope.empty() || m_scope.back() != node.resource;
    if (enteredResource)
        m_scope.push_back(node.resource);
    const bool valid = evaluateNode(node, instance, evaluated);
    if (enteredResource)
        m_scope.pop_back();
    --m_depth;
    return valid;
}

const SchemaNode *SchemaEvaluator::dynamicTarget(const DynamicReference &reference) const
{
    if (!reference.dynamic)
        return reference.initial;
    if (reference.recursive) {
        // 2019-09: the outermost resource in the dynamic scope that also set $recursiveAnchor.
        for (const SchemaResource *resource : m_scope) {
            if (resource->recursiveAnchor && resource->root)
                return resource->root;
        }
        return reference.initial;
    }
    // 2020-12: the outermost resource in the dynamic scope with a $dynamicAnchor of that name.
    for (const SchemaResource *resource : m_scope) {
        if (const auto found = resource->dynamicAnchors.find(reference.anchor);
            found != resource->dynamicAnchors.end())
            return found->second;
    }
    return reference.initial;
}

bool SchemaEvaluator::evaluateNode(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated)
{
    std::optional<Evaluated> local;
    Evaluated *annotations = (evaluated || node.needsAnnotations()) ? &local.emplace() : nullptr;
    bool valid = true;
    const bool partial = incomplete();

    const unsigned groups = node.groups;
    if (groups & GroupReference) {
        KeywordStep step(*this, "$ref");
        if (!evaluate(*node.ref, instance, annotations) && stopAfterFailure(valid))
            return false;
    }
    if (groups & GroupDynamicReference) {
        KeywordStep step(*this, node.dynamicRefKeyword);
        if (!evaluate(*dynamicTarget(*node.dynamicRef), instance, annotations) && stopAfterFailure(valid))
            return false;
    }
    if ((groups & GroupType) &&
        !(node.draft4Types ? matchesTypeDraft4(node.types, instance) : matchesType(node.types, instance))) {
        report(node, "type", [&] {
            return QStringLiteral("Must be %1, not %2.")
                .arg(typeList(node.types), instanceTypeName(instance));
        });
        if (stopAfterFailure(valid))
            return false;
    }
    if ((groups & GroupConst) && !partial &&
        !flatEqual(m_schema.constants, m_schema.constants[node.constFlat], m_instances, instance)) {
        report(node, "const",
               [&] { return QStringLiteral("Must be exactly %1.").arg(shortJson(*node.constValue)); });
        if (stopAfterFailure(valid))
            return false;
    }
    if ((groups & GroupEnum) && !partial) {
        bool found = false;
        if (node.enumStrings) {
            found = instance.kind == FlatKind::String &&
                    std::find(node.enumStrings->begin(), node.enumStrings->end(), instance.string()) !=
                        node.enumStrings->end();
        } else {
            const FlatJson &constants = m_schema.constants;
            const FlatValue &values = constants[node.enumFlat];
            for (std::size_t i = 0; i < values.size && !found; ++i)
                found = flatEqual(constants, constants.child(values, i), m_instances, instance);
        }
        if (!found) {
            report(node, "enum",
                   [&] { return QStringLiteral("Must be one of %1.").arg(shortJson(*node.enumValues)); });
            if (stopAfterFailure(valid))
                return false;
        }
    }
    if ((groups & GroupNumber) && instance.isNumber() && !evaluateNumber(node, instance) &&
        stopAfterFailure(valid))
        return false;
    if ((groups & GroupString) && instance.kind == FlatKind::String && !evaluateString(node, instance) &&
        stopAfterFailure(valid))
        return false;
    if ((groups & GroupArray) && instance.kind == FlatKind::Array &&
        !evaluateArray(node, instance, annotations) && stopAfterFailure(valid))
        return false;
    if ((groups & GroupObject) && instance.kind == FlatKind::Object &&
        !evaluateObject(node, instance, annotations) && stopAfterFailure(valid))
        return false;
    if ((groups & GroupCombinators) && !evaluateCombinators(node, instance, annotations) &&
        stopAfterFailure(valid))
        return false;
    if ((groups & GroupUnevaluated) && !partial && !evaluateUnevaluated(node, instance, *annotations) &&
        stopAfterFailure(valid))
        return false;
    if (valid && evaluated)
        evaluated->merge(*annotations);
    return valid;
}

bool SchemaEvaluator::evaluateNumber(const SchemaNode &node, const FlatValue &instance)
{
    bool valid = true;
    const auto check = [&](const std::optional<NumberBound> &bound, bool lower) {
        if (!bound)
            return true;
        const int order = compareNumbers(instance, bound->number);
        const bool ok =
            lower ? (bound->exclusive ? order > 0 : order >= 0) : (bound->exclusive ? order < 0 : order <= 0);
        if (!ok) {
            const QString relation =
                lower ? (bound->exclusive ? QStringLiteral("greater than") : QStringLiteral("at least"))
                      : (bound->exclusive ? QStringLiteral("less than") : QStringLiteral("at most"));
            report(node, bound->keyword, [&] {
                return QStringLiteral("Must be %1 %2, not %3.")
                    .arg(relation, shortJson(bound->value), shortText(m_instances.dump(instance)));
            });
            valid = false;
        }
        return ok || collecting();
    };
    if (!check(node.minimum, true) || !check(node.maximum, false) || !check(node.exclusiveMinimum, true) ||
        !check(node.exclusiveMaximum, false))
        return false;
    if (node.multipleOf && !isMultipleOf(instance, node.multipleOfNumber)) {
        report(node, "multipleOf",
               [&] { return QStringLiteral("Must be a multiple of %1.").arg(shortJson(*node.multipleOf)); });
        valid = false;
    }
    return valid;
}

bool SchemaEvaluator::evaluateString(const SchemaNode &node, const FlatValue &instance)
{
    const std::string_view text = instance.string();
    const bool partial = incomplete();
    bool valid = true;
    // A code point takes one to four bytes, so the byte length often settles the question
    // without counting.
    const bool lengthSettled = (!node.minLength || text.size() / 4 >= *node.minLength) &&
                               (!node.maxLength || text.size() <= *node.maxLength);
    if (!lengthSettled) {
        const std::size_t length = codePointCount(text);
        if (node.minLength && !partial && length < *node.minLength) {
            report(node, "minLength", [&] {
                return QStringLiteral("Must be at least %1 characters long, not %2.")
                    .arg(*node.minLength)
                    .arg(length);
            });
            valid = false;
            if (!collecting())
                return false;
        }
        if (node.maxLength && length > *node.maxLength) {
            report(node, "maxLength", [&] {
                return QStringLiteral("Must be at most %1 characters long, not %2.")
                    .arg(*node.maxLength)
                    .arg(length);
            });
            valid = false;
            if (!collecting())
                return false;
        }
    }
    if (node.pattern && !partial && !node.pattern->regex.search(text)) {
        report(node, "pattern",
               [&] { return QStringLiteral("Must match the pattern %1.").arg(qs(node.pattern->pattern)); });
        valid = false;
        if (!collecting())
            return false;
    }
    if ((!node.contentEncoding.empty() || !node.contentMediaType.empty()) && !partial) {
        if (const auto violation = contentViolation(node, text)) {
            report(node, violation->first, [&] { return violation->second; });
            valid = false;
            if (!collecting())
                return false;
        }
    }
    if (node.formatAsserted && !partial) {
        if (const auto violation = formatViolation(node.format, nlohmann::json(std::string(text)),
                                                   formatDraft(node.resource->draft))) {
            report(node, "format", [&] { return *violation; });
            valid = false;
        }
    }
    return valid;
}

bool SchemaEvaluator::evaluateArray(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated)
{
    const bool partial = incomplete();
    const std::size_t size = instance.size;
    bool valid = true;
    if (node.minItems && !partial && size < *node.minItems) {
        report(node, "minItems", [&] {
            return QStringLiteral("Must have at least %1 items, not %2.").arg(*node.minItems).arg(size);
        });
        if (stopAfterFailure(valid))
            return false;
    }
    if (node.maxItems && size > *node.maxItems) {
        report(node, "maxItems", [&] {
            return QStringLiteral("Must have at most %1 items, not %2.").arg(*node.maxItems).arg(size);
        });
        if (stopAfterFailure(valid))
            return false;
    }
    if (node.uniqueItems && !partial) {
        for (std::size_t i = 0; i < size && valid; ++i) {
            for (std::size_t j = i + 1; j < size; ++j) {
                if (flatEqual(m_instances, m_instances.child(instance, i), m_instances,
                              m_instances.child(instance, j))) {
                    report(node, "uniqueItems", [&] {
                        return QStringLiteral("Must not contain equal items; items %1 and %2 are equal.")
                            .arg(i)
                            .arg(j);
                    });
                    valid = false;
                    break;
                }
            }
        }
        if (!valid && !collecting())
            return false;
    }
    const std::size_t prefix = std::min(node.prefixItems.size(), size);
    for (std::size_t i = 0; i < prefix; ++i) {
        KeywordStep keyword(*this, node.prefixItemsKeyword);
        KeywordStep index(*this, i);
        InstanceStep item(*this, i);
        if (!evaluate(*node.prefixItems[i], m_instances.child(instance, i), nullptr) &&
            stopAfterFailure(valid))
            return false;
    }
    if (evaluated)
        evaluated->itemPrefix = std::max(evaluated->itemPrefix, prefix);
    if (node.items && size > prefix) {
        KeywordStep keyword(*this, node.itemsKeyword);
        for (std::size_t i = prefix; i < size; ++i) {
            InstanceStep item(*this, i);
            if (!evaluate(*node.items, m_instances.child(instance, i), nullptr) && stopAfterFailure(valid))
                return false;
        }
        if (evaluated)
            evaluated->allItems = true;
    }
    if (node.contains && !partial) {
        std::size_t matches = 0;
        {
            SilentScope silent(*this);
            for (std::size_t i = 0; i < size; ++i) {
                InstanceStep item(*this, i);
                if (evaluate(*node.contains, m_instances.child(instance, i), nullptr)) {
                    ++matches;
                    if (evaluated && node.containsMarksEvaluated)
                        evaluated->items.push_back(i);
                }
            }
        }
        const std::uint64_t minimum = node.minContains.value_or(1);
        if (matches < minimum) {
            report(node, node.minContains ? "minContains" : "contains", [&] {
                return QStringLiteral(
                           "Must contain at least %1 item(s) matching the contains schema, not %2.")
                    .arg(minimum)
                    .arg(matches);
            });
            if (stopAfterFailure(valid))
                return false;
        }
        if (node.maxContains && matches > *node.maxContains) {
            report(node, "maxContains", [&] {
                return QStringLiteral("Must contain at most %1 item(s) matching the contains schema, not %2.")
                    .arg(*node.maxContains)
                    .arg(matches);
            });
            if (stopAfterFailure(valid))
                return false;
        }
    }
    return valid;
}

bool SchemaEvaluator::evaluateObject(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated)
{
    const bool partial = incomplete();
    bool valid = true;
    if (node.minProperties && !partial && instance.size < *node.minProperties) {
        report(node, "minProperties", [&] {
            return QStringLiteral("Must have at least %1 properties, not %2.")
                .arg(*node.minProperties)
                .arg(instance.size);
        });
        if (stopAfterFailure(valid))
            return false;
    }
    if (node.maxProperties && instance.size > *node.maxProperties) {
        report(node, "maxProperties", [&] {
            return QStringLiteral("Must have at most %1 properties, not %2.")
                .arg(*node.maxProperties)
                .arg(instance.size);
        });
        if (stopAfterFailure(valid))
            return false;
    }
    // Missing required properties are found after the walk over the members below, but read
    // better first: their messages move back to here.
    const std::size_t errorsBeforeMembers = m_errors ? m_errors->size() : 0;
    if (!partial) {
        for (const NamedDependency &dependency : node.dependentRequired) {
            if (!m_instances.member(instance, dependency.name))
                continue;
            for (const std::string &name : dependency.required) {
                if (!m_instances.member(instance, name)) {
                    report(node, node.dependentRequiredKeyword, [&] {
                        return QStringLiteral("Has \"%1\", so it must also have \"%2\".")
                            .arg(qs(dependency.name), qs(name));
                    });
                    if (stopAfterFailure(valid))
                        return false;
                }
            }
        }
    }
    for (const NamedSchema &dependent : node.dependentSchemas) {
        if (!m_instances.member(instance, dependent.name))
            continue;
        KeywordStep keyword(*this, node.dependentSchemasKeyword);
        KeywordStep name(*this, dependent.name);
        if (!evaluate(*dependent.schema, instance, evaluated) && stopAfterFailure(valid))
            return false;
    }
    if (node.propertyNames) {
        KeywordStep keyword(*this, "propertyNames");
        for (std::size_t i = 0; i < instance.size; ++i) {
            const std::string_view key = m_instances.nameOf(m_instances.child(instance, i));
            InstanceStep property(*this, key);
            const FlatValue name = FlatValue::ofString(key);
            if (!evaluate(*node.propertyNames, name, nullptr) && stopAfterFailure(valid))
                return false;
        }
    }
    std::size_t requiredPresent = 0;
    const bool hasPropertyKeywords =
        !node.properties.empty() || !node.patternProperties.empty() || node.additionalProperties;
    if (hasPropertyKeywords) {
        // Both the instance's keys (a std::map) and node.properties (sorted when compiled) are in
        // byte order, so one merging walk pairs them.
        auto property = node.properties.begin();
        const auto propertiesEnd = node.properties.end();
        for (std::size_t i = 0; i < instance.size; ++i) {
            const FlatValue &value = m_instances.child(instance, i);
            const std::string_view key = m_instances.nameOf(value);
            int order = 1;
            while (property != propertiesEnd && (order = compareNames(property->name, key)) < 0)
                ++property;
            bool matched = false;
            if (property != propertiesEnd && order == 0) {
                matched = true;
                requiredPresent += property->required;
                KeywordStep keyword(*this, "properties");
                KeywordStep name(*this, key);
                InstanceStep step(*this, key);
                if (!evaluate(*property->schema, value, nullptr) && stopAfterFailure(valid))
                    return false;
            }
            for (const PatternSchema &pattern : node.patternProperties) {
                if (!pattern.regex.search(key))
                    continue;
                matched = true;
                KeywordStep keyword(*this, "patternProperties");
                KeywordStep name(*this, pattern.pattern);
                InstanceStep step(*this, key);
                if (!evaluate(*pattern.schema, value, nullptr) && stopAfterFailure(valid))
                    return false;
            }
            if (!matched && node.additionalProperties) {
                matched = true;
                if (node.additionalProperties->isBoolean && !node.additionalProperties->booleanValue) {
                    reportAt(node, "additionalProperties", key, [&] {
                        return QStringLiteral(
                                   "The property \"%1\" is not allowed here (additionalProperties is false).")
                            .arg(qs(key));
                    });
                    if (stopAfterFailure(valid))
                        return false;
                } else {
                    KeywordStep keyword(*this, "additionalProperties");
                    InstanceStep step(*this, key);
                    if (!evaluate(*node.additionalProperties, value, nullptr) && stopAfterFailure(valid))
                        return false;
                }
            }
            if (matched && evaluated)
                evaluated->properties.push_back(&value);
        }
    }
    // The walk counted the required properties that have a `properties` entry; only when one is
    // missing, or some have none, are the names looked up, in the schema's order for the messages.
    if (!partial && (requiredPresent < node.requiredAmongProperties || node.requiredOutsideProperties)) {
        const std::size_t errorsBeforeRequired = m_errors ? m_errors->size() : 0;
        for (const std::string &name : node.required) {
            if (!m_instances.member(instance, name)) {
                report(node, "required", [&] {
                    return QStringLiteral("Is missing the required property \"%1\".").arg(qs(name));
                });
                if (stopAfterFailure(valid))
                    return false;
            }
        }
        if (m_errors) {
            const auto at = [&](std::size_t index) {
                return m_errors->begin() + std::ptrdiff_t(index);
            };
            std::rotate(at(errorsBeforeMembers), at(errorsBeforeRequired), m_errors->end());
        }
    }
    return valid;
}

bool SchemaEvaluator::evaluateCombinators(const SchemaNode &node, const FlatValue &instance,
                                          Evaluated *evaluated)
{
    const bool partial = incomplete();
    bool valid = true;
    for (std::size_t i = 0; i < node.allOf.size(); ++i) {
        KeywordStep keyword(*this, "allOf");
        KeywordStep index(*this, i);
        if (!evaluate(*node.allOf[i], instance, evaluated) && stopAfterFailure(valid))
            return false;
    }
    if (!node.anyOf.empty()) {
        const std::size_t errorsBefore = m_errors ? m_errors->size() : 0;
        bool any = false;
        {
            KeywordStep keyword(*this, "anyOf");
            for (std::size_t i = 0; i < node.anyOf.size(); ++i) {
                KeywordStep index(*this, i);
                Evaluated branch;
                if (evaluate(*node.anyOf[i], instance, evaluated ? &branch : nullptr)) {
                    any = true;
                    if (!evaluated)
                        break; // nothing more to learn from the other branches
                    evaluated->merge(branch);
                }
            }
        }
        if (any && m_errors)
            m_errors->resize(errorsBefore);
        if (!any) {
            report(node, "anyOf", [&] {
                return QStringLiteral("Must match at least one of the %1 schemas in anyOf.")
                    .arg(node.anyOf.size());
            });
            if (stopAfterFailure(valid))
                return false;
        }
    }
    if (!node.oneOf.empty()) {
        const std::size_t errorsBefore = m_errors ? m_errors->size() : 0;
        std::vector<std::size_t> matching;
        Evaluated matched;
        {
            KeywordStep keyword(*this, "oneOf");
            for (std::size_t i = 0; i < node.oneOf.size(); ++i) {
                KeywordStep index(*this, i);
                Evaluated branch;
                if (evaluate(*node.oneOf[i], instance, evaluated ? &branch : nullptr)) {
                    matching.push_back(i);
                    matched = std::move(branch);
                    if (matching.size() > 1 && !collecting())
                        break;
                }
            }
        }
        if (matching.size() == 1) {
            if (m_errors)
                m_errors->resize(errorsBefore);
            if (evaluated)
                evaluated->merge(matched);
        } else if (matching.empty()) {
            report(node, "oneOf", [&] {
                return QStringLiteral("Must match exactly one of the %1 schemas in oneOf, but matches none.")
                    .arg(node.oneOf.size());
            });
            if (stopAfterFailure(valid))
                return false;
        } else if (!partial) {
            if (m_errors)
                m_errors->resize(errorsBefore);
            QStringList indices;
            for (std::size_t index : matching)
                indices << QString::number(index);
            report(node, "oneOf", [&] {
                return QStringLiteral(
                           "Must match exactly one of the %1 schemas in oneOf, but matches %2 (%3).")
                    .arg(node.oneOf.size())
                    .arg(matching.size())
                    .arg(indices.join(u", "));
            });
            if (stopAfterFailure(valid))
                return false;
        }
    }
    if (node.notSchema && !partial) {
        bool matches = false;
        {
            SilentScope silent(*this);
            KeywordStep keyword(*this, "not");
            matches = evaluate(*node.notSchema, instance, nullptr);
        }
        if (matches) {
            report(node, "not", [&] { return QStringLiteral("Must not match the schema in not."); });
            if (stopAfterFailure(valid))
                return false;
        }
    }
    if (node.ifSchema) {
        Evaluated conditionAnnotations;
        bool conditionHolds = false;
        {
            SilentScope silent(*this);
            KeywordStep keyword(*this, "if");
            conditionHolds = evaluate(*node.ifSchema, instance, evaluated ? &conditionAnnotations : nullptr);
        }
        // On a value still arriving, a condition that holds so far may stop holding.
        if (!(partial && conditionHolds)) {
            if (conditionHolds && evaluated)
                evaluated->merge(conditionAnnotations);
            const SchemaNode *branch = conditionHolds ? node.thenSchema : node.elseSchema;
            if (branch) {
                KeywordStep keyword(*this, conditionHolds ? "then" : "else");
                if (!evaluate(*branch, instance, evaluated) && stopAfterFailure(valid))
                    return false;
            }
        }
    }
    return valid;
}

bool SchemaEvaluator::evaluateUnevaluated(const SchemaNode &node, const FlatValue &instance,
                                          Evaluated &evaluated)
{
    bool valid = true;
    if (node.unevaluatedItems && instance.kind == FlatKind::Array) {
        for (std::size_t i = 0; i < instance.size; ++i) {
            if (evaluated.hasItem(i))
                continue;
            if (node.unevaluatedItems->isBoolean && !node.unevaluatedItems->booleanValue) {
                reportAt(node, "unevaluatedItems", i, [&] {
                    return QStringLiteral("Item %1 is not allowed here: no keyword of the schema covers it "
                                          "(unevaluatedItems is false).")
                        .arg(i);
                });
                valid = false;
            } else {
                KeywordStep keyword(*this, "unevaluatedItems");
                InstanceStep item(*this, i);
                valid = evaluate(*node.unevaluatedItems, m_instances.child(instance, i), nullptr) && valid;
            }
            if (!valid && !collecting())
                return false;
        }
        // Having looked at every remaining item, unevaluatedItems itself evaluated them all.
        if (valid)
            evaluated.allItems = true;
    }
    if (node.unevaluatedProperties && instance.kind == FlatKind::Object) {
        for (std::size_t i = 0; i < instance.size; ++i) {
            const FlatValue &value = m_instances.child(instance, i);
            if (evaluated.hasProperty(&value))
                continue;
            const std::string_view key = m_instances.nameOf(value);
            if (node.unevaluatedProperties->isBoolean && !node.unevaluatedProperties->booleanValue) {
                reportAt(node, "unevaluatedProperties", key, [&] {
                    return QStringLiteral("The property \"%1\" is not allowed here: no keyword of the schema "
                                          "covers it (unevaluatedProperties is false).")
                        .arg(qs(key));
                });
                valid = false;
            } else {
                KeywordStep keyword(*this, "unevaluatedProperties");
                InstanceStep property(*this, key);
                valid = evaluate(*node.unevaluatedProperties, value, nullptr) && valid;
            }
            if (!valid && !collecting())
                return false;
        }
        if (valid)
            evaluated.allProperties = true;
    }
    return valid;
}

} // namespace Lathe::Schema
