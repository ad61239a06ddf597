// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/schema: the compiled form JsonSchema validates with.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "EcmaRegex.h"
#include "SchemaDraft.h"

namespace Lathe::Schema
{

struct SchemaNode;

/** A schema resource: a document root or a subschema with its own `$id`. */
struct SchemaResource
{
    std::string uri;
    Draft draft = Draft::Draft2020_12;
    unsigned vocabularies = VocabularyAllDefault;
    const nlohmann::json *rootValue = nullptr;
    const SchemaNode *root = nullptr;
    /** 2020-12 `$dynamicAnchor`s of this resource, by name. */
    std::map<std::string, const SchemaNode *, std::less<>> dynamicAnchors;
    /** 2019-09 `"$recursiveAnchor": true` at this resource's root. */
    bool recursiveAnchor = false;
};

enum TypeBit : std::uint8_t
{
    TypeNull = 1u << 0,
    TypeBoolean = 1u << 1,
    TypeObject = 1u << 2,
    TypeArray = 1u << 3,
    TypeNumber = 1u << 4,
    TypeString = 1u << 5,
    TypeInteger = 1u << 6,
};

struct NamedSchema
{
    std::string name;
    const SchemaNode *schema = nullptr;
};

struct PatternSchema
{
    std::string pattern;
    EcmaRegex regex;
    const SchemaNode *schema = nullptr;
};

struct NamedDependency
{
    std::string name;
    std::vector<std::string> required;
};

/** `$dynamicRef` (2020-12) or `$recursiveRef` (2019-09): a target chosen at validation time. */
struct DynamicReference
{
    const SchemaNode *initial = nullptr;
    std::string anchor;     ///< the $dynamicAnchor name looked up through the dynamic scope
    bool dynamic = false;   ///< false: behaves as a plain $ref to `initial`
    bool recursive = false; ///< $recursiveRef semantics
};

struct NumberBound
{
    nlohmann::json value;
    bool exclusive = false;
    const char *keyword = "";
};

/**
 * One compiled (sub)schema. Keyword fields are unset when the keyword is absent or its
 * vocabulary is off. Child schemas are pointers into the CompiledSchema's node list.
 */
struct SchemaNode
{
    const SchemaResource *resource = nullptr;
    std::string location; ///< absolute: resource URI, '#', JSON Pointer within the resource
    bool isBoolean = false;
    bool booleanValue = true;

    const SchemaNode *ref = nullptr;
    std::optional<DynamicReference> dynamicRef;
    const char *dynamicRefKeyword = "$dynamicRef";

    std::uint8_t types = 0; // 0: no type keyword
    std::optional<nlohmann::json> constValue;
    std::optional<nlohmann::json> enumValues; // an array

    std::optional<NumberBound> minimum;
    std::optional<NumberBound> maximum;
    std::optional<NumberBound> exclusiveMinimum; // the numeric keyword of draft 6+
    std::optional<NumberBound> exclusiveMaximum;
    std::optional<nlohmann::json> multipleOf;

    std::optional<std::uint64_t> minLength;
    std::optional<std::uint64_t> maxLength;
    std::optional<PatternSchema> pattern;
    std::string format;
    bool formatAsserted = false;
    std::string contentEncoding;  // draft 7 only: "base64" is checked
    std::string contentMediaType; // draft 7 only: "application/json" is checked

    std::vector<const SchemaNode *> prefixItems;
    const char *prefixItemsKeyword = "prefixItems";
    const SchemaNode *items = nullptr; // for the items after prefixItems
    const char *itemsKeyword = "items";
    const SchemaNode *contains = nullptr;
    std::optional<std::uint64_t> minContains;
    std::optional<std::uint64_t> maxContains;
    bool containsMarksEvaluated = false; // 2020-12: matched items count as evaluated
    std::optional<std::uint64_t> minItems;
    std::optional<std::uint64_t> maxItems;
    bool uniqueItems = false;
    const SchemaNode *unevaluatedItems = nullptr;

    std::vector<NamedSchema> properties;
    std::vector<PatternSchema> patternProperties;
    const SchemaNode *additionalProperties = nullptr;
    std::vector<std::string> required;
    std::vector<NamedDependency> dependentRequired;
    const char *dependentRequiredKeyword = "dependentRequired";
    std::vector<NamedSchema> dependentSchemas;
    const char *dependentSchemasKeyword = "dependentSchemas";
    const SchemaNode *propertyNames = nullptr;
    std::optional<std::uint64_t> minProperties;
    std::optional<std::uint64_t> maxProperties;
    const SchemaNode *unevaluatedProperties = nullptr;

    std::vector<const SchemaNode *> allOf;
    std::vector<const SchemaNode *> anyOf;
    std::vector<const SchemaNode *> oneOf;
    const SchemaNode *notSchema = nullptr;
    const SchemaNode *ifSchema = nullptr;
    const SchemaNode *thenSchema = nullptr;
    const SchemaNode *elseSchema = nullptr;

    /** The node uses unevaluated* and so needs its subschemas' annotations. */
    bool needsAnnotations() const { return unevaluatedItems || unevaluatedProperties; }

    /** Which groups of keywords the node has, so validation skips the groups it lacks. */
    bool hasNumberKeywords = false;
    bool hasStringKeywords = false;
    bool hasArrayKeywords = false;
    bool hasObjectKeywords = false;
    bool hasCombinators = false;
};

/** Everything a JsonSchema owns: the documents it was compiled from and the node graph. */
class CompiledSchema
{
public:
    std::deque<nlohmann::json> documents; // stable addresses: nodes point into them
    std::deque<SchemaResource> resources; // stable addresses
    std::deque<SchemaNode> nodes;         // stable addresses
    const SchemaNode *root = nullptr;
    bool formatAssertion = false;
};

} // namespace Lathe::Schema
