// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/schema: turns schema documents into a CompiledSchema.

#include <unordered_map>

#include "CompiledSchema.h"
#include "JsonSchema.h"

namespace Lathe::Schema
{

/**
 * Indexes every resource, anchor and subschema by URI, then compiles nodes from a work list
 * (no recursion, so a schema nested 10,000 levels deep compiles), resolving `$ref`s to node
 * pointers and loading remote documents (official meta-schemas from the bundled copies, the
 * rest through the options' loader) as references need them.
 */
class SchemaCompiler
{
public:
    explicit SchemaCompiler(const SchemaOptions &options);
    Result<std::shared_ptr<CompiledSchema>> compile(const nlohmann::json &schema);

private:
    struct Location
    {
        const nlohmann::json *value = nullptr;
        SchemaResource *resource = nullptr;
        std::string pointer; // within the resource
    };

    Result<void> addDocument(nlohmann::json document, const std::string &retrievalUri, Draft defaultDraft);
    Result<void> indexDocument(const nlohmann::json &document, const std::string &retrievalUri,
                               Draft defaultDraft);
    Result<SchemaResource *> makeResource(const nlohmann::json &value, std::string uri, Draft inheritedDraft,
                                          const std::string &where);
    Result<Location> resolveReference(const std::string &uri, Draft referrerDraft, const std::string &where);
    SchemaNode *nodeFor(const Location &location);
    Result<void> compileNode(SchemaNode &node, const nlohmann::json &value, const Location &location);
    Result<void> finish();
    Result<void> checkReferenceCycles() const;

    Result<const SchemaNode *> subschema(const Location &parent, const nlohmann::json &value,
                                         std::string_view keyword);
    Result<const SchemaNode *> subschema(const Location &parent, const nlohmann::json &value,
                                         std::string_view keyword, std::string_view token);
    Result<const SchemaNode *> subschemaAt(const Location &parent, const nlohmann::json &value,
                                           std::string pointer);

    SchemaOptions m_options;
    std::shared_ptr<CompiledSchema> m_compiled;
    std::unordered_map<std::string, Location> m_locations;              // absolute URI with fragment
    std::unordered_map<std::string, SchemaResource *> m_resourcesByUri; // without fragment
    std::unordered_map<const nlohmann::json *, SchemaResource *> m_resourceRoots;
    std::unordered_map<const nlohmann::json *, SchemaNode *> m_nodes;
    std::vector<std::pair<SchemaNode *, Location>> m_pending;
    struct DynamicAnchor
    {
        SchemaResource *resource;
        std::string name;
        Location location;
    };
    std::vector<DynamicAnchor> m_dynamicAnchors;
    std::size_t m_dynamicAnchorsCompiled = 0;
};

} // namespace Lathe::Schema
