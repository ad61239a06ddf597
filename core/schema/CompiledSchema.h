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
#include "FlatJson.h"
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
    bool required = false; ///< `required` names it too (set for `properties` entries only)
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

/** Groups of keywords, so evaluation tests one word per node instead of a field per keyword. */
enum KeywordGroup : std::uint16_t
{
    GroupReference = 1u << 0,        ///< $ref
    GroupDynamicReference = 1u << 1, ///< $dynamicRef, $recursiveRef
    GroupType = 1u << 2,
    GroupConst = 1u << 3,
    GroupEnum = 1u << 4,
    GroupNumber = 1u << 5,       ///< minimum, maximum, exclusive*, multipleOf
    GroupString = 1u << 6,       ///< minLength, maxLength, pattern, asserted format, content*
    GroupArray = 1u << 7,        ///< items, prefixItems, contains, min/maxItems, uniqueItems
    GroupObject = 1u << 8,       ///< properties and the other object keywords
    GroupCombinators = 1u << 9,  ///< allOf, anyOf, oneOf, not, if
    GroupUnevaluated = 1u << 10, ///< unevaluatedItems, unevaluatedProperties
};

struct NumberBound
{
    nlohmann::json value; ///< as written, for messages
    bool exclusive = false;
    const char *keyword = "";
    FlatValue number; ///< the same, to compare with
};

/**
 * One compiled (sub)schema. Keyword fields are unset when the keyword is absent or its
 * vocabulary is off. Child schemas are pointers into the CompiledSchema's node list.
 */
struct SchemaNode
{
    // What evaluation reads for every node, together at the start.
    std::uint16_t groups = 0; ///< KeywordGroup bits
    bool isBoolean = false;
    bool booleanValue = true;
    std::uint8_t types = 0;   // 0: no type keyword
    bool draft4Types = false; ///< draft 4: 1.0 is not an integer
    const SchemaResource *resource = nullptr;
    const SchemaNode *ref = nullptr;

    bool has(KeywordGroup group) const { return groups & group; }
    /** The node uses unevaluated* and so needs its subschemas' annotations. */
    bool needsAnnotations() const { return groups & GroupUnevaluated; }

    std::string location; ///< absolute: resource URI, '#', JSON Pointer within the resource

    std::optional<DynamicReference> dynamicRef;
    const char *dynamicRefKeyword = "$dynamicRef";

    std::optional<nlohmann::json> constValue; ///< for messages; constFlat to compare with
    std::size_t constFlat = 0;                ///< in CompiledSchema::constants
    std::optional<nlohmann::json> enumValues; ///< an array, for messages
    std::size_t enumFlat = 0;                 ///< in CompiledSchema::constants
    /** When every enum value is a string (the usual enum): them, compared without a FlatJson. */
    std::optional<std::vector<std::string_view>> enumStrings;

    std::optional<NumberBound> minimum;
    std::optional<NumberBound> maximum;
    std::optional<NumberBound> exclusiveMinimum; // the numeric keyword of draft 6+
    std::optional<NumberBound> exclusiveMaximum;
    std::optional<nlohmann::json> multipleOf; ///< for messages
    FlatValue multipleOfNumber;

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
    std::vector<std::string> required; ///< as written, for messages in the schema's order
    /** Distinct required names that have a `properties` entry: the walk over properties counts them. */
    std::size_t requiredAmongProperties = 0;
    /** Some required name has no `properties` entry, so the names are looked up one by one. */
    bool requiredOutsideProperties = false;
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
};

/** Everything a JsonSchema owns: the documents it was compiled from and the node graph. */
class CompiledSchema
{
public:
    std::deque<nlohmann::json> documents; // stable addresses: nodes point into them
    std::deque<SchemaResource> resources; // stable addresses
    std::deque<SchemaNode> nodes;         // stable addresses
    FlatJson constants;                   // const and enum values, flattened to compare with instances
    const SchemaNode *root = nullptr;
    bool formatAssertion = false;
};

} // namespace Lathe::Schema
