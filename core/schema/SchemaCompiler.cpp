// SPDX-License-Identifier: GPL-3.0-or-later
#include "SchemaCompiler.h"

#include <algorithm>

#include <QStringList>

#include "BundledMetaSchemas.h"
#include "JsonNumbers.h"
#include "JsonPointer.h"
#include "UriReference.h"

namespace Lathe::Schema
{

namespace
{

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

const nlohmann::json *member(const nlohmann::json &object, std::string_view key)
{
    const auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

const char *typeName(const nlohmann::json &value)
{
    return value.type_name();
}

bool isSchemaValue(const nlohmann::json &value)
{
    return value.is_object() || value.is_boolean();
}

/** The keywords whose value is one subschema, per draft. */
std::vector<std::string_view> singleSchemaKeywords(Draft draft)
{
    std::vector<std::string_view> keywords{"additionalProperties", "additionalItems", "not", "items"};
    if (draft >= Draft::Draft6) {
        keywords.push_back("contains");
        keywords.push_back("propertyNames");
    }
    if (draft >= Draft::Draft7) {
        keywords.push_back("if");
        keywords.push_back("then");
        keywords.push_back("else");
    }
    if (draft >= Draft::Draft2019_09) {
        keywords.push_back("unevaluatedProperties");
        keywords.push_back("unevaluatedItems");
    }
    return keywords;
}

std::vector<std::string_view> schemaArrayKeywords(Draft draft)
{
    std::vector<std::string_view> keywords{"allOf", "anyOf", "oneOf", "items"};
    if (draft >= Draft::Draft2020_12)
        keywords.push_back("prefixItems");
    return keywords;
}

std::vector<std::string_view> schemaMapKeywords(Draft draft)
{
    std::vector<std::string_view> keywords{"properties", "patternProperties", "dependencies"};
    if (draft >= Draft::Draft2019_09) {
        keywords.push_back("$defs");
        keywords.push_back("dependentSchemas");
    } else {
        keywords.push_back("definitions");
    }
    return keywords;
}

std::string idKeyword(Draft draft)
{
    return draft == Draft::Draft4 ? "id" : "$id";
}

/** In drafts 4 to 7 a `$ref` makes its siblings, `$id` included, ignored. */
bool refOverridesSiblings(const nlohmann::json &value, Draft draft)
{
    return draft <= Draft::Draft7 && value.is_object() && value.contains("$ref");
}

std::string appendToken(const std::string &pointer, std::string_view token)
{
    return pointer + "/" + escapePointerToken(token);
}

} // namespace

SchemaCompiler::SchemaCompiler(const SchemaOptions &options)
    : m_options(options)
    , m_compiled(std::make_shared<CompiledSchema>())
{
    m_compiled->formatAssertion = options.formatAssertion;
}

Result<std::shared_ptr<CompiledSchema>> SchemaCompiler::compile(const nlohmann::json &schema)
{
    if (!isSchemaValue(schema))
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("A schema must be an object or a boolean, not %1.").arg(qs(typeName(schema))),
            QStringLiteral("#"));
    if (auto added = addDocument(schema, m_options.baseUri, m_options.defaultDraft); !added)
        return tl::unexpected(added.error());
    const nlohmann::json &root = m_compiled->documents.front();
    SchemaResource *rootResource = m_resourceRoots.at(&root);
    m_compiled->root = nodeFor({&root, rootResource, {}});
    if (auto finished = finish(); !finished)
        return tl::unexpected(finished.error());
    return m_compiled;
}

Result<void> SchemaCompiler::addDocument(nlohmann::json document, const std::string &retrievalUri,
                                         Draft defaultDraft)
{
    m_compiled->documents.push_back(std::move(document));
    return indexDocument(m_compiled->documents.back(), retrievalUri, defaultDraft);
}

Result<SchemaResource *> SchemaCompiler::makeResource(const nlohmann::json &value, std::string uri,
                                                      Draft inheritedDraft, const std::string &where)
{
    SchemaResource &resource = m_compiled->resources.emplace_back();
    resource.uri = std::move(uri);
    resource.rootValue = &value;
    resource.draft = inheritedDraft;
    resource.vocabularies = VocabularyAllDefault;
    const nlohmann::json *declared = value.is_object() ? member(value, "$schema") : nullptr;
    if (declared && declared->is_string()) {
        const std::string metaUri = declared->get<std::string>();
        if (const auto known = draftFromMetaSchemaUri(metaUri)) {
            resource.draft = *known;
        } else if (withoutEmptyFragment(metaUri) == resource.uri) {
            // A meta-schema that describes itself keeps the draft it inherited.
        } else {
            // A custom meta-schema: its own $schema gives the draft, its $vocabulary the keywords.
            auto meta = resolveReference(std::string(withoutEmptyFragment(metaUri)), inheritedDraft,
                                         where + "/$schema");
            if (!meta)
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("Unknown $schema \"%1\": %2").arg(qs(metaUri), meta.error().message),
                    qs(where + "/$schema"));
            resource.draft = meta->resource->draft;
            if (const nlohmann::json *vocabulary =
                    meta->value->is_object() ? member(*meta->value, "$vocabulary") : nullptr;
                vocabulary && vocabulary->is_object()) {
                unsigned vocabularies = VocabularyCore;
                for (const auto &[vocabularyUri, isRequired] : vocabulary->items()) {
                    const unsigned bit = vocabularyFromUri(vocabularyUri);
                    if (bit == 0 && isRequired.is_boolean() && isRequired.get<bool>())
                        return fail(
                            ErrorCode::InvalidArgument,
                            QStringLiteral("The meta-schema \"%1\" requires the vocabulary \"%2\", which "
                                           "Lathe does not know.")
                                .arg(qs(metaUri), qs(vocabularyUri)),
                            qs(where + "/$schema"));
                    vocabularies |= bit;
                }
                resource.vocabularies = vocabularies;
            }
        }
    } else if (declared) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("$schema must be a string."),
                    qs(where + "/$schema"));
    }
    if (resource.draft <= Draft::Draft7)
        resource.vocabularies = VocabularyAllDefault;
    m_resourceRoots[&value] = &resource;
    m_resourcesByUri.try_emplace(resource.uri, &resource);
    m_locations.try_emplace(resource.uri + "#", Location{&value, &resource, {}});
    return &resource;
}

Result<void> SchemaCompiler::indexDocument(const nlohmann::json &document, const std::string &retrievalUri,
                                           Draft defaultDraft)
{
    // The document root is a resource whatever it declares; its $id (if any) renames it.
    Draft rootDraft = defaultDraft;
    if (document.is_object()) {
        if (const nlohmann::json *declared = member(document, "$schema"); declared && declared->is_string()) {
            if (const auto known = draftFromMetaSchemaUri(declared->get<std::string>()))
                rootDraft = *known;
        }
    }
    std::string rootUri = retrievalUri;
    if (document.is_object() && !refOverridesSiblings(document, rootDraft)) {
        if (const nlohmann::json *id = member(document, idKeyword(rootDraft)); id && id->is_string()) {
            const std::string idText = id->get<std::string>();
            if (!(rootDraft <= Draft::Draft7 && idText.starts_with('#')))
                rootUri = std::string(withoutEmptyFragment(resolveUri(retrievalUri, idText)));
        }
    }
    auto rootResource = makeResource(document, rootUri, defaultDraft, rootUri + "#");
    if (!rootResource)
        return tl::unexpected(rootResource.error());
    if (rootUri != retrievalUri) {
        m_resourcesByUri.try_emplace(retrievalUri, *rootResource);
        m_locations.try_emplace(retrievalUri + "#", Location{&document, *rootResource, {}});
    }

    struct Scope
    {
        SchemaResource *resource;
        std::string pointer;
    };
    struct Frame
    {
        const nlohmann::json *value;
        std::vector<Scope> scopes; // enclosing resources, innermost last
    };
    std::vector<Frame> stack;
    stack.push_back({&document, {Scope{*rootResource, {}}}});
    while (!stack.empty()) {
        Frame frame = std::move(stack.back());
        stack.pop_back();
        const nlohmann::json &value = *frame.value;
        SchemaResource *resource = frame.scopes.back().resource;
        const Draft draft = resource->draft;
        const std::string where = resource->uri + "#" + frame.scopes.back().pointer;

        if (value.is_object() && &value != &document && !refOverridesSiblings(value, draft)) {
            if (const nlohmann::json *id = member(value, idKeyword(draft)); id && id->is_string()) {
                const std::string idText = id->get<std::string>();
                if (draft <= Draft::Draft7 && idText.starts_with('#')) {
                    m_locations.try_emplace(resource->uri + idText,
                                            Location{&value, resource, frame.scopes.back().pointer});
                } else {
                    const std::string resolved = resolveUri(resource->uri, idText);
                    const UriAndFragment parts = splitFragment(resolved);
                    auto embedded = makeResource(value, std::string(parts.uri), draft, where);
                    if (!embedded)
                        return tl::unexpected(embedded.error());
                    if (parts.hasFragment && !parts.fragment.empty())
                        m_locations.try_emplace(resolved, Location{&value, *embedded, {}});
                    frame.scopes.push_back(Scope{*embedded, {}});
                    resource = *embedded;
                }
            }
        }
        for (const Scope &scope : frame.scopes)
            m_locations.try_emplace(scope.resource->uri + "#" + scope.pointer,
                                    Location{&value, resource, frame.scopes.back().pointer});
        if (!value.is_object())
            continue;

        const Draft innerDraft = resource->draft;
        if (innerDraft >= Draft::Draft2019_09) {
            if (const nlohmann::json *anchor = member(value, "$anchor"); anchor && anchor->is_string())
                m_locations.try_emplace(resource->uri + "#" + anchor->get<std::string>(),
                                        Location{&value, resource, frame.scopes.back().pointer});
        }
        if (innerDraft >= Draft::Draft2020_12) {
            if (const nlohmann::json *anchor = member(value, "$dynamicAnchor");
                anchor && anchor->is_string()) {
                const std::string name = anchor->get<std::string>();
                m_locations.try_emplace(resource->uri + "#" + name,
                                        Location{&value, resource, frame.scopes.back().pointer});
                m_dynamicAnchors.push_back(
                    {resource, name, Location{&value, resource, frame.scopes.back().pointer}});
            }
        }
        if (innerDraft == Draft::Draft2019_09 && &value == resource->rootValue) {
            if (const nlohmann::json *anchor = member(value, "$recursiveAnchor");
                anchor && anchor->is_boolean())
                resource->recursiveAnchor = anchor->get<bool>();
        }

        const auto descend = [&](const nlohmann::json &child, std::string_view keyword,
                                 std::string_view token, bool withToken) {
            if (!isSchemaValue(child))
                return;
            Frame next{&child, frame.scopes};
            for (Scope &scope : next.scopes) {
                scope.pointer = appendToken(scope.pointer, keyword);
                if (withToken)
                    scope.pointer = appendToken(scope.pointer, token);
            }
            stack.push_back(std::move(next));
        };
        for (std::string_view keyword : singleSchemaKeywords(innerDraft)) {
            if (const nlohmann::json *child = member(value, keyword))
                descend(*child, keyword, {}, false);
        }
        for (std::string_view keyword : schemaArrayKeywords(innerDraft)) {
            const nlohmann::json *children = member(value, keyword);
            if (!children || !children->is_array())
                continue;
            for (std::size_t i = 0; i < children->size(); ++i)
                descend((*children)[i], keyword, std::to_string(i), true);
        }
        for (std::string_view keyword : schemaMapKeywords(innerDraft)) {
            const nlohmann::json *children = member(value, keyword);
            if (!children || !children->is_object())
                continue;
            for (const auto &[name, child] : children->items())
                descend(child, keyword, name, true);
        }
    }
    return {};
}

Result<SchemaCompiler::Location> SchemaCompiler::resolveReference(const std::string &uri, Draft referrerDraft,
                                                                  const std::string &where)
{
    const UriAndFragment parts = splitFragment(uri);
    const bool pointerFragment = parts.fragment.empty() || parts.fragment.front() == '/';
    std::string decoded;
    if (pointerFragment) {
        const auto percentDecoded = percentDecode(parts.fragment);
        if (!percentDecoded)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("The reference \"%1\" has a malformed %-escape.").arg(qs(uri)),
                        qs(where));
        decoded = *percentDecoded;
    }
    const std::string key =
        std::string(parts.uri) + "#" + (pointerFragment ? decoded : std::string(parts.fragment));
    if (const auto found = m_locations.find(key); found != m_locations.end())
        return found->second;

    const std::string documentUri(parts.uri);
    if (!m_resourcesByUri.contains(documentUri)) {
        Result<nlohmann::json> document = bundledMetaSchema(documentUri);
        if (!document && m_options.loader)
            document = m_options.loader(documentUri);
        if (!document)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Cannot resolve the reference \"%1\": %2")
                            .arg(qs(uri), document.error().message),
                        qs(where));
        if (!isSchemaValue(*document))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("The document at \"%1\" is not a schema.").arg(qs(documentUri)),
                        qs(where));
        if (auto added = addDocument(std::move(*document), documentUri, referrerDraft); !added)
            return tl::unexpected(added.error());
        if (const auto found = m_locations.find(key); found != m_locations.end())
            return found->second;
    }
    if (pointerFragment) {
        // A pointer into a place the index does not walk (an unknown keyword): navigate to it.
        SchemaResource *resource = m_resourcesByUri.at(documentUri);
        const auto tokens = parsePointer(decoded);
        if (!tokens)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("The reference \"%1\" has a malformed JSON Pointer.").arg(qs(uri)),
                        qs(where));
        if (const nlohmann::json *target = resolvePointer(*resource->rootValue, *tokens)) {
            Location location{target, resource, decoded};
            m_locations.emplace(key, location);
            return location;
        }
    }
    return fail(ErrorCode::InvalidArgument,
                QStringLiteral("The reference \"%1\" names nothing.").arg(qs(uri)), qs(where));
}

SchemaNode *SchemaCompiler::nodeFor(const Location &location)
{
    if (const auto found = m_nodes.find(location.value); found != m_nodes.end())
        return found->second;
    SchemaNode &node = m_compiled->nodes.emplace_back();
    node.resource = location.resource;
    node.location = location.resource->uri + "#" + location.pointer;
    m_nodes.emplace(location.value, &node);
    m_pending.emplace_back(&node, location);
    return &node;
}

Result<const SchemaNode *> SchemaCompiler::subschema(const Location &parent, const nlohmann::json &value,
                                                     std::string_view keyword)
{
    return subschemaAt(parent, value, appendToken(parent.pointer, keyword));
}

Result<const SchemaNode *> SchemaCompiler::subschema(const Location &parent, const nlohmann::json &value,
                                                     std::string_view keyword, std::string_view token)
{
    return subschemaAt(parent, value, appendToken(appendToken(parent.pointer, keyword), token));
}

Result<const SchemaNode *> SchemaCompiler::subschemaAt(const Location &parent, const nlohmann::json &value,
                                                       std::string pointer)
{
    if (!isSchemaValue(value))
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("A schema must be an object or a boolean, not %1.").arg(qs(typeName(value))),
            qs(parent.resource->uri + "#" + pointer));
    if (const auto embedded = m_resourceRoots.find(&value); embedded != m_resourceRoots.end())
        return nodeFor({&value, embedded->second, {}});
    return nodeFor({&value, parent.resource, std::move(pointer)});
}

Result<void> SchemaCompiler::compileNode(SchemaNode &node, const nlohmann::json &value,
                                         const Location &location)
{
    if (value.is_boolean()) {
        node.isBoolean = true;
        node.booleanValue = value.get<bool>();
        return {};
    }
    if (!value.is_object())
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("A schema must be an object or a boolean, not %1.").arg(qs(typeName(value))),
            qs(node.location));

    const SchemaResource &resource = *location.resource;
    const Draft draft = resource.draft;
    node.draft4Types = draft == Draft::Draft4;
    const unsigned vocabularies = resource.vocabularies;
    const auto where = [&](std::string_view keyword) {
        return qs(node.location + "/" + escapePointerToken(keyword));
    };
    const auto invalid = [&](std::string_view keyword, const QString &message) {
        return fail(ErrorCode::InvalidArgument, message, where(keyword));
    };
    const auto nonNegativeInteger = [&](std::string_view keyword,
                                        std::optional<std::uint64_t> &out) -> Result<void> {
        const nlohmann::json *found = member(value, keyword);
        if (!found)
            return {};
        if (!found->is_number() || !isIntegral(*found) || compareNumbers(*found, nlohmann::json(0)) < 0)
            return invalid(keyword, QStringLiteral("%1 must be a non-negative integer.").arg(qs(keyword)));
        out = found->is_number_float() ? std::uint64_t(found->get<double>()) : found->get<std::uint64_t>();
        return {};
    };
    const auto one = [&](std::string_view keyword, const SchemaNode *&out) -> Result<void> {
        const nlohmann::json *found = member(value, keyword);
        if (!found)
            return {};
        auto child = subschema(location, *found, keyword);
        if (!child)
            return tl::unexpected(child.error());
        out = *child;
        return {};
    };
    const auto list = [&](std::string_view keyword, std::vector<const SchemaNode *> &out) -> Result<void> {
        const nlohmann::json *found = member(value, keyword);
        if (!found)
            return {};
        if (!found->is_array() || found->empty())
            return invalid(keyword,
                           QStringLiteral("%1 must be a non-empty array of schemas.").arg(qs(keyword)));
        for (std::size_t i = 0; i < found->size(); ++i) {
            auto child = subschema(location, (*found)[i], keyword, std::to_string(i));
            if (!child)
                return tl::unexpected(child.error());
            out.push_back(*child);
        }
        return {};
    };
    const auto named = [&](std::string_view keyword, std::vector<NamedSchema> &out) -> Result<void> {
        const nlohmann::json *found = member(value, keyword);
        if (!found)
            return {};
        if (!found->is_object())
            return invalid(keyword, QStringLiteral("%1 must be an object of schemas.").arg(qs(keyword)));
        for (const auto &[name, childValue] : found->items()) {
            auto child = subschema(location, childValue, keyword, name);
            if (!child)
                return tl::unexpected(child.error());
            out.push_back({name, *child});
        }
        return {};
    };
    const auto regex = [&](std::string_view keyword, const std::string &pattern) -> Result<EcmaRegex> {
        auto compiled = EcmaRegex::compile(pattern);
        if (!compiled)
            return invalid(keyword, QStringLiteral("Invalid regular expression \"%1\": %2")
                                        .arg(qs(pattern), compiled.error().toString()));
        return std::move(*compiled);
    };
#define LATHE_TRY(expression)                                                                                \
    if (auto attempt = (expression); !attempt)                                                               \
        return tl::unexpected(attempt.error());

    // Core: references. In drafts 4 to 7 a $ref replaces the whole schema.
    if (const nlohmann::json *ref = member(value, "$ref")) {
        if (!ref->is_string())
            return invalid("$ref", QStringLiteral("$ref must be a string."));
        const std::string target = resolveUri(resource.uri, ref->get<std::string>());
        auto resolved = resolveReference(target, draft, node.location + "/$ref");
        if (!resolved)
            return tl::unexpected(resolved.error());
        node.ref = nodeFor(*resolved);
        node.groups |= GroupReference;
        if (draft <= Draft::Draft7)
            return {};
    }
    if (draft == Draft::Draft2020_12) {
        if (const nlohmann::json *ref = member(value, "$dynamicRef")) {
            if (!ref->is_string())
                return invalid("$dynamicRef", QStringLiteral("$dynamicRef must be a string."));
            const std::string target = resolveUri(resource.uri, ref->get<std::string>());
            auto resolved = resolveReference(target, draft, node.location + "/$dynamicRef");
            if (!resolved)
                return tl::unexpected(resolved.error());
            DynamicReference dynamic;
            dynamic.initial = nodeFor(*resolved);
            const UriAndFragment parts = splitFragment(target);
            if (parts.hasFragment && !parts.fragment.empty() && parts.fragment.front() != '/') {
                dynamic.anchor = std::string(parts.fragment);
                const nlohmann::json *anchor =
                    resolved->value->is_object() ? member(*resolved->value, "$dynamicAnchor") : nullptr;
                dynamic.dynamic =
                    anchor && anchor->is_string() && anchor->get<std::string>() == dynamic.anchor;
            }
            node.dynamicRef = dynamic;
        }
    } else if (draft == Draft::Draft2019_09) {
        if (const nlohmann::json *ref = member(value, "$recursiveRef")) {
            if (!ref->is_string())
                return invalid("$recursiveRef", QStringLiteral("$recursiveRef must be a string."));
            const std::string target = resolveUri(resource.uri, ref->get<std::string>());
            auto resolved = resolveReference(target, draft, node.location + "/$recursiveRef");
            if (!resolved)
                return tl::unexpected(resolved.error());
            DynamicReference dynamic;
            dynamic.initial = nodeFor(*resolved);
            dynamic.recursive = true;
            const nlohmann::json *anchor =
                resolved->value->is_object() ? member(*resolved->value, "$recursiveAnchor") : nullptr;
            dynamic.dynamic = anchor && anchor->is_boolean() && anchor->get<bool>();
            node.dynamicRef = dynamic;
            node.dynamicRefKeyword = "$recursiveRef";
        }
    }

    if (vocabularies & VocabularyValidation) {
        if (const nlohmann::json *type = member(value, "type")) {
            const auto bit = [](const std::string &name) -> std::uint8_t {
                static const std::pair<const char *, std::uint8_t> kTypes[] = {
                    {"null", TypeNull},      {"boolean", TypeBoolean}, {"object", TypeObject},
                    {"array", TypeArray},    {"number", TypeNumber},   {"string", TypeString},
                    {"integer", TypeInteger}};
                for (const auto &[known, typeBit] : kTypes)
                    if (name == known)
                        return typeBit;
                return 0;
            };
            const auto add = [&](const nlohmann::json &name) -> Result<void> {
                const std::uint8_t typeBit = name.is_string() ? bit(name.get<std::string>()) : 0;
                if (typeBit == 0)
                    return invalid("type",
                                   QStringLiteral("Unknown type %1; the types are null, boolean, object, "
                                                  "array, number, string and integer.")
                                       .arg(qs(name.dump())));
                node.types |= typeBit;
                return {};
            };
            if (type->is_array()) {
                for (const nlohmann::json &name : *type)
                    LATHE_TRY(add(name));
            } else {
                LATHE_TRY(add(*type));
            }
        }
        if (draft >= Draft::Draft6) {
            if (const nlohmann::json *constant = member(value, "const")) {
                node.constValue = *constant;
                node.constFlat = m_compiled->constants.append(*node.constValue);
            }
        }
        if (const nlohmann::json *enumeration = member(value, "enum")) {
            if (!enumeration->is_array())
                return invalid("enum", QStringLiteral("enum must be an array."));
            node.enumValues = *enumeration;
            node.enumFlat = m_compiled->constants.append(*node.enumValues);
            if (std::all_of(node.enumValues->begin(), node.enumValues->end(),
                            [](const nlohmann::json &candidate) { return candidate.is_string(); })) {
                node.enumStrings.emplace();
                for (const nlohmann::json &candidate : *node.enumValues)
                    node.enumStrings->push_back(*candidate.get_ptr<const std::string *>());
            }
        }
        const auto number = [&](std::string_view keyword) -> Result<const nlohmann::json *> {
            const nlohmann::json *found = member(value, keyword);
            if (found && !found->is_number())
                return invalid(keyword, QStringLiteral("%1 must be a number.").arg(qs(keyword)));
            return found;
        };
        auto minimum = number("minimum");
        auto maximum = number("maximum");
        if (!minimum)
            return tl::unexpected(minimum.error());
        if (!maximum)
            return tl::unexpected(maximum.error());
        if (draft == Draft::Draft4) {
            const auto flag = [&](std::string_view keyword) -> Result<bool> {
                const nlohmann::json *found = member(value, keyword);
                if (found && !found->is_boolean())
                    return invalid(keyword,
                                   QStringLiteral("In draft 4, %1 must be a boolean.").arg(qs(keyword)));
                return found && found->get<bool>();
            };
            auto exclusiveMinimum = flag("exclusiveMinimum");
            auto exclusiveMaximum = flag("exclusiveMaximum");
            if (!exclusiveMinimum)
                return tl::unexpected(exclusiveMinimum.error());
            if (!exclusiveMaximum)
                return tl::unexpected(exclusiveMaximum.error());
            if (*minimum)
                node.minimum =
                    NumberBound{**minimum, *exclusiveMinimum, "minimum", FlatValue::scalar(**minimum)};
            if (*maximum)
                node.maximum =
                    NumberBound{**maximum, *exclusiveMaximum, "maximum", FlatValue::scalar(**maximum)};
        } else {
            if (*minimum)
                node.minimum = NumberBound{**minimum, false, "minimum", FlatValue::scalar(**minimum)};
            if (*maximum)
                node.maximum = NumberBound{**maximum, false, "maximum", FlatValue::scalar(**maximum)};
            auto exclusiveMinimum = number("exclusiveMinimum");
            auto exclusiveMaximum = number("exclusiveMaximum");
            if (!exclusiveMinimum)
                return tl::unexpected(exclusiveMinimum.error());
            if (!exclusiveMaximum)
                return tl::unexpected(exclusiveMaximum.error());
            if (*exclusiveMinimum)
                node.exclusiveMinimum = NumberBound{**exclusiveMinimum, true, "exclusiveMinimum",
                                                    FlatValue::scalar(**exclusiveMinimum)};
            if (*exclusiveMaximum)
                node.exclusiveMaximum = NumberBound{**exclusiveMaximum, true, "exclusiveMaximum",
                                                    FlatValue::scalar(**exclusiveMaximum)};
        }
        auto multipleOf = number("multipleOf");
        if (!multipleOf)
            return tl::unexpected(multipleOf.error());
        if (*multipleOf) {
            if (compareNumbers(**multipleOf, nlohmann::json(0)) <= 0)
                return invalid("multipleOf", QStringLiteral("multipleOf must be greater than 0."));
            node.multipleOf = **multipleOf;
            node.multipleOfNumber = FlatValue::scalar(**multipleOf);
        }
        LATHE_TRY(nonNegativeInteger("minLength", node.minLength));
        LATHE_TRY(nonNegativeInteger("maxLength", node.maxLength));
        if (const nlohmann::json *pattern = member(value, "pattern")) {
            if (!pattern->is_string())
                return invalid("pattern", QStringLiteral("pattern must be a string."));
            auto compiled = regex("pattern", pattern->get<std::string>());
            if (!compiled)
                return tl::unexpected(compiled.error());
            node.pattern = PatternSchema{pattern->get<std::string>(), std::move(*compiled), nullptr};
        }
        LATHE_TRY(nonNegativeInteger("minItems", node.minItems));
        LATHE_TRY(nonNegativeInteger("maxItems", node.maxItems));
        if (const nlohmann::json *unique = member(value, "uniqueItems")) {
            if (!unique->is_boolean())
                return invalid("uniqueItems", QStringLiteral("uniqueItems must be a boolean."));
            node.uniqueItems = unique->get<bool>();
        }
        if (draft >= Draft::Draft2019_09) {
            LATHE_TRY(nonNegativeInteger("minContains", node.minContains));
            LATHE_TRY(nonNegativeInteger("maxContains", node.maxContains));
        }
        LATHE_TRY(nonNegativeInteger("minProperties", node.minProperties));
        LATHE_TRY(nonNegativeInteger("maxProperties", node.maxProperties));
        if (const nlohmann::json *required = member(value, "required")) {
            if (!required->is_array())
                return invalid("required", QStringLiteral("required must be an array of property names."));
            for (const nlohmann::json &name : *required) {
                if (!name.is_string())
                    return invalid("required",
                                   QStringLiteral("required must list property names as strings."));
                node.required.push_back(name.get<std::string>());
            }
        }
        if (draft >= Draft::Draft2019_09) {
            if (const nlohmann::json *dependent = member(value, "dependentRequired")) {
                if (!dependent->is_object())
                    return invalid("dependentRequired",
                                   QStringLiteral("dependentRequired must be an object."));
                for (const auto &[name, names] : dependent->items()) {
                    NamedDependency dependency{name, {}};
                    if (!names.is_array())
                        return invalid(
                            "dependentRequired",
                            QStringLiteral("dependentRequired/%1 must be an array of property names.")
                                .arg(qs(name)));
                    for (const nlohmann::json &requiredName : names) {
                        if (!requiredName.is_string())
                            return invalid("dependentRequired",
                                           QStringLiteral("dependentRequired/%1 must list names as strings.")
                                               .arg(qs(name)));
                        dependency.required.push_back(requiredName.get<std::string>());
                    }
                    node.dependentRequired.push_back(std::move(dependency));
                }
            }
        }
    }

    if (const nlohmann::json *format = member(value, "format");
        format && format->is_string() &&
        (vocabularies & (VocabularyFormatAnnotation | VocabularyFormatAssertion))) {
        node.format = format->get<std::string>();
        node.formatAsserted = m_compiled->formatAssertion || (vocabularies & VocabularyFormatAssertion);
    }

    // Draft 7 lets a validator check content; from 2019-09 it is an annotation only.
    if (draft == Draft::Draft7) {
        if (const nlohmann::json *encoding = member(value, "contentEncoding");
            encoding && encoding->is_string())
            node.contentEncoding = encoding->get<std::string>();
        if (const nlohmann::json *mediaType = member(value, "contentMediaType");
            mediaType && mediaType->is_string())
            node.contentMediaType = mediaType->get<std::string>();
    }

    if (vocabularies & VocabularyApplicator) {
        LATHE_TRY(list("allOf", node.allOf));
        LATHE_TRY(list("anyOf", node.anyOf));
        LATHE_TRY(list("oneOf", node.oneOf));
        LATHE_TRY(one("not", node.notSchema));
        if (draft >= Draft::Draft7) {
            LATHE_TRY(one("if", node.ifSchema));
            if (node.ifSchema) {
                LATHE_TRY(one("then", node.thenSchema));
                LATHE_TRY(one("else", node.elseSchema));
            }
        }
        if (draft >= Draft::Draft2020_12) {
            if (const nlohmann::json *prefix = member(value, "prefixItems")) {
                if (!prefix->is_array())
                    return invalid("prefixItems", QStringLiteral("prefixItems must be an array of schemas."));
                for (std::size_t i = 0; i < prefix->size(); ++i) {
                    auto child = subschema(location, (*prefix)[i], "prefixItems", std::to_string(i));
                    if (!child)
                        return tl::unexpected(child.error());
                    node.prefixItems.push_back(*child);
                }
            }
            LATHE_TRY(one("items", node.items));
        } else if (const nlohmann::json *items = member(value, "items")) {
            if (items->is_array()) {
                node.prefixItemsKeyword = "items";
                for (std::size_t i = 0; i < items->size(); ++i) {
                    auto child = subschema(location, (*items)[i], "items", std::to_string(i));
                    if (!child)
                        return tl::unexpected(child.error());
                    node.prefixItems.push_back(*child);
                }
                node.itemsKeyword = "additionalItems";
                LATHE_TRY(one("additionalItems", node.items));
            } else {
                LATHE_TRY(one("items", node.items));
            }
        }
        if (draft >= Draft::Draft6) {
            LATHE_TRY(one("contains", node.contains));
            LATHE_TRY(one("propertyNames", node.propertyNames));
        }
        node.containsMarksEvaluated = draft >= Draft::Draft2020_12;
        LATHE_TRY(named("properties", node.properties));
        // The evaluator walks these beside the instance's keys, which are in byte order too.
        std::sort(node.properties.begin(), node.properties.end(),
                  [](const NamedSchema &a, const NamedSchema &b) { return a.name < b.name; });
        if (const nlohmann::json *patterns = member(value, "patternProperties")) {
            if (!patterns->is_object())
                return invalid("patternProperties",
                               QStringLiteral("patternProperties must be an object of schemas."));
            for (const auto &[pattern, childValue] : patterns->items()) {
                auto compiled = regex("patternProperties", pattern);
                if (!compiled)
                    return tl::unexpected(compiled.error());
                auto child = subschema(location, childValue, "patternProperties", pattern);
                if (!child)
                    return tl::unexpected(child.error());
                node.patternProperties.push_back(PatternSchema{pattern, std::move(*compiled), *child});
            }
        }
        LATHE_TRY(one("additionalProperties", node.additionalProperties));
        if (draft >= Draft::Draft2019_09)
            LATHE_TRY(named("dependentSchemas", node.dependentSchemas));
        // 2019-09 split `dependencies` in two; it is still honoured there, as most validators do.
        if (const nlohmann::json *dependencies = member(value, "dependencies")) {
            if (!dependencies->is_object())
                return invalid("dependencies", QStringLiteral("dependencies must be an object."));
            node.dependentRequiredKeyword = "dependencies";
            node.dependentSchemasKeyword = "dependencies";
            for (const auto &[name, dependency] : dependencies->items()) {
                if (dependency.is_array()) {
                    NamedDependency required{name, {}};
                    for (const nlohmann::json &requiredName : dependency) {
                        if (!requiredName.is_string())
                            return invalid(
                                "dependencies",
                                QStringLiteral("dependencies/%1 must list names as strings.").arg(qs(name)));
                        required.required.push_back(requiredName.get<std::string>());
                    }
                    node.dependentRequired.push_back(std::move(required));
                } else {
                    auto child = subschema(location, dependency, "dependencies", name);
                    if (!child)
                        return tl::unexpected(child.error());
                    node.dependentSchemas.push_back({name, *child});
                }
            }
        }
    }
    if (draft >= Draft::Draft2019_09 && (vocabularies & VocabularyUnevaluated)) {
        LATHE_TRY(one("unevaluatedItems", node.unevaluatedItems));
        LATHE_TRY(one("unevaluatedProperties", node.unevaluatedProperties));
    }
#undef LATHE_TRY
    // Required names with a `properties` entry are checked by counting them in the walk over the
    // instance's keys, which evaluation makes anyway, instead of one lookup each.
    std::vector<std::string> distinctRequired = node.required;
    std::sort(distinctRequired.begin(), distinctRequired.end());
    distinctRequired.erase(std::unique(distinctRequired.begin(), distinctRequired.end()),
                           distinctRequired.end());
    for (const std::string &name : distinctRequired) {
        const auto property = std::lower_bound(
            node.properties.begin(), node.properties.end(), name,
            [](const NamedSchema &entry, const std::string &wanted) { return entry.name < wanted; });
        if (property != node.properties.end() && property->name == name) {
            property->required = true;
            ++node.requiredAmongProperties;
        } else {
            node.requiredOutsideProperties = true;
        }
    }
    const auto group = [&](KeywordGroup bit, bool present) {
        if (present)
            node.groups |= bit;
    };
    group(GroupDynamicReference, node.dynamicRef.has_value());
    group(GroupType, node.types);
    group(GroupConst, node.constValue.has_value());
    group(GroupEnum, node.enumValues.has_value());
    group(GroupNumber,
          node.minimum || node.maximum || node.exclusiveMinimum || node.exclusiveMaximum || node.multipleOf);
    group(GroupString, node.minLength || node.maxLength || node.pattern || node.formatAsserted ||
                           !node.contentEncoding.empty() || !node.contentMediaType.empty());
    group(GroupArray, node.minItems || node.maxItems || node.uniqueItems || !node.prefixItems.empty() ||
                          node.items || node.contains);
    group(GroupObject, node.minProperties || node.maxProperties || !node.required.empty() ||
                           !node.dependentRequired.empty() || !node.dependentSchemas.empty() ||
                           node.propertyNames || !node.properties.empty() ||
                           !node.patternProperties.empty() || node.additionalProperties);
    group(GroupCombinators, !node.allOf.empty() || !node.anyOf.empty() || !node.oneOf.empty() ||
                                node.notSchema || node.ifSchema);
    group(GroupUnevaluated, node.unevaluatedItems || node.unevaluatedProperties);
    return {};
}

Result<void> SchemaCompiler::finish()
{
    for (;;) {
        bool progressed = false;
        while (!m_pending.empty()) {
            auto [node, location] = std::move(m_pending.back());
            m_pending.pop_back();
            if (auto compiled = compileNode(*node, *location.value, location); !compiled)
                return compiled;
            progressed = true;
        }
        // Dynamic references pick their target at validation time among every dynamic anchor
        // and every resource root, so all of them are compiled up front.
        for (; m_dynamicAnchorsCompiled < m_dynamicAnchors.size(); ++m_dynamicAnchorsCompiled) {
            auto &[resource, name, location] = m_dynamicAnchors[m_dynamicAnchorsCompiled];
            resource->dynamicAnchors.emplace(name, nodeFor(location));
            progressed = true;
        }
        for (SchemaResource &resource : m_compiled->resources) {
            if (!resource.root && isSchemaValue(*resource.rootValue)) {
                resource.root = nodeFor({resource.rootValue, &resource, {}});
                progressed = true;
            }
        }
        if (!progressed)
            break;
    }
    return checkReferenceCycles();
}

Result<void> SchemaCompiler::checkReferenceCycles() const
{
    // A cycle of references through keywords that apply to the same instance location
    // ($ref, allOf, anyOf, oneOf, not, if/then/else, dependentSchemas) never terminates.
    const auto inPlaceChildren = [](const SchemaNode &node) {
        std::vector<const SchemaNode *> children;
        if (node.ref)
            children.push_back(node.ref);
        for (const auto *list : {&node.allOf, &node.anyOf, &node.oneOf})
            children.insert(children.end(), list->begin(), list->end());
        for (const SchemaNode *single : {node.notSchema, node.ifSchema, node.thenSchema, node.elseSchema})
            if (single)
                children.push_back(single);
        for (const NamedSchema &dependent : node.dependentSchemas)
            children.push_back(dependent.schema);
        return children;
    };
    enum class Mark : std::uint8_t
    {
        Unvisited,
        OnPath,
        Done
    };
    std::unordered_map<const SchemaNode *, Mark> marks;
    for (const SchemaNode &start : m_compiled->nodes) {
        if (marks[&start] != Mark::Unvisited)
            continue;
        struct Visit
        {
            const SchemaNode *node;
            std::vector<const SchemaNode *> children;
            std::size_t next = 0;
        };
        std::vector<Visit> path;
        marks[&start] = Mark::OnPath;
        path.push_back({&start, inPlaceChildren(start)});
        while (!path.empty()) {
            Visit &visit = path.back();
            if (visit.next == visit.children.size()) {
                marks[visit.node] = Mark::Done;
                path.pop_back();
                continue;
            }
            const SchemaNode *child = visit.children[visit.next++];
            Mark &mark = marks[child];
            if (mark == Mark::OnPath) {
                QStringList cycle;
                bool inCycle = false;
                for (const Visit &step : path) {
                    inCycle = inCycle || step.node == child;
                    if (inCycle)
                        cycle << qs(step.node->location);
                }
                cycle << qs(child->location);
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("The schema references itself in a cycle that never reaches a value: %1")
                        .arg(cycle.join(u" → ")),
                    cycle.front());
            }
            if (mark == Mark::Unvisited) {
                mark = Mark::OnPath;
                path.push_back({child, inPlaceChildren(*child)});
            }
        }
    }
    return {};
}

} // namespace Lathe::Schema
