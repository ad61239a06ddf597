// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/schema: one validation of one instance against a CompiledSchema.

#include "CompiledSchema.h"
#include "JsonSchema.h"

namespace Lathe::Schema
{

/** Which properties and items of the current instance some keyword evaluated (for unevaluated*). */
struct Evaluated
{
    std::vector<const FlatValue *> properties; // members of the instance object, by address
    bool allProperties = false;
    std::size_t itemPrefix = 0; // items [0, itemPrefix) evaluated
    bool allItems = false;
    std::vector<std::size_t> items; // single items (contains matches)

    void merge(const Evaluated &other);
    bool hasProperty(const FlatValue *member) const;
    bool hasItem(std::size_t index) const;
};

/**
 * One step of an evaluation or instance path: a name (keyword, property) or an array index.
 * Names are views of strings that outlive the step (keywords, the schema's and the instance's
 * own strings), so a step costs no allocation; pointers are spelled out only for an error.
 */
struct PathToken
{
    PathToken(std::string_view tokenName)
        : name(tokenName)
    {}
    PathToken(const char *tokenName)
        : name(tokenName)
    {}
    PathToken(const std::string &tokenName)
        : name(tokenName)
    {}
    PathToken(std::size_t tokenIndex)
        : index(tokenIndex)
        , isIndex(true)
    {}
    std::string_view name;
    std::size_t index = 0;
    bool isIndex = false;

    bool operator==(const std::string &unescaped) const;
};

/**
 * Walks the node graph over one instance. Not shared between threads: each validation makes
 * its own. With `errors` null it stops at the first failure (the fast verdict); otherwise it
 * evaluates everything and records each failure in the basic output shape.
 */
class SchemaEvaluator
{
public:
    /** `instances` holds the instance and everything in it; evaluate() gets its root or a part. */
    SchemaEvaluator(const CompiledSchema &schema, const FlatJson &instances,
                    std::vector<ValidationError> *errors);

    /** Partial mode: the instance is still arriving; `openTokens` is the pointer of the open value. */
    void setOpenPath(const std::vector<std::string> *openTokens);

    bool evaluate(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated);

private:
    friend class PathStep;
    friend class KeywordStep;
    friend class InstanceStep;
    friend class SilentScope;

    bool evaluateNode(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated);
    bool evaluateNumber(const SchemaNode &node, const FlatValue &instance);
    bool evaluateString(const SchemaNode &node, const FlatValue &instance);
    bool evaluateArray(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated);
    bool evaluateObject(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated);
    bool evaluateCombinators(const SchemaNode &node, const FlatValue &instance, Evaluated *evaluated);
    bool evaluateUnevaluated(const SchemaNode &node, const FlatValue &instance, Evaluated &evaluated);
    const SchemaNode *dynamicTarget(const DynamicReference &reference) const;

    /** Records a failure with the message `makeMessage()` builds, when failures are collected. */
    template <typename MakeMessage>
    void report(const SchemaNode &node, std::string_view keyword, MakeMessage &&makeMessage);
    /** The same, for a failure at a child of the current instance (a property, an item). */
    template <typename MakeMessage>
    void reportAt(const SchemaNode &node, std::string_view keyword, PathToken child,
                  MakeMessage &&makeMessage);
    void record(const SchemaNode &node, std::string_view keyword, QString message);
    bool collecting() const { return m_errors != nullptr; }
    /** Marks the node invalid; true when that ends its evaluation (the fast verdict). */
    bool stopAfterFailure(bool &valid) const
    {
        valid = false;
        return !collecting();
    }
    /** Whether the instance at the current location is still arriving (partial mode). */
    bool incomplete() const { return m_openTokens && m_incompleteDepth == m_instancePath.size(); }

    const CompiledSchema &m_schema;
    const FlatJson &m_instances;
    std::vector<ValidationError> *m_errors;
    std::vector<PathToken> m_keywordPath;
    std::vector<PathToken> m_instancePath;
    std::vector<const SchemaResource *> m_scope;
    int m_depth = 0;
    const std::vector<std::string> *m_openTokens = nullptr;
    std::size_t m_incompleteDepth = 0; // how many leading instance tokens match the open path
};

} // namespace Lathe::Schema
