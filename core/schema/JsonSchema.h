// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <QString>

#include <nlohmann/json.hpp>

#include "SchemaDraft.h"
#include "base/Result.h"

namespace Lathe::Schema
{

/**
 * One failed assertion, in the shape of the specification's "basic" output unit:
 * where in the instance, which keyword by the path evaluation took (through `$ref`s), the
 * same keyword by its absolute URI, and a message a person understands.
 */
struct ValidationError
{
    std::string instanceLocation; ///< JSON Pointer into the instance, "" for the root
    std::string keywordLocation;  ///< JSON Pointer of the evaluation path, e.g. "/properties/a/$ref/type"
    std::string absoluteKeywordLocation; ///< the keyword's schema URI plus pointer fragment
    QString message;
};

struct ValidationReport
{
    bool valid = true;
    std::vector<ValidationError> errors;
};

/** Loads the schema document a URI names, for references Lathe cannot resolve itself. */
using SchemaLoader = std::function<Result<nlohmann::json>(const std::string &uri)>;

struct SchemaOptions
{
    /** The draft of a schema without `$schema`. */
    Draft defaultDraft = Draft::Draft2020_12;
    /** Check `format` as an assertion (by default it is an annotation, as the drafts say). */
    bool formatAssertion = false;
    /** The schema's own URI when it has no `$id` (e.g. its file:// URL); relative refs resolve against it. */
    std::string baseUri;
    /** Resolves remote references that are neither in the schema nor official meta-schemas. */
    SchemaLoader loader;
};

class CompiledSchema;

/**
 * A JSON Schema compiled once: every reference resolved, every regex compiled, every remote
 * document loaded. Immutable afterwards, so one instance validates from several threads at
 * once. Copies share the compiled form.
 */
class JsonSchema
{
public:
    /** Fails with the location in the schema of an invalid keyword, an unresolvable or cyclic `$ref`, a bad
     * regex or an unknown `$schema`. */
    static Result<JsonSchema> compile(const nlohmann::json &schema, const SchemaOptions &options = {});

    /** The verdict alone: stops at the first failed assertion. */
    bool isValid(const nlohmann::json &instance) const;
    /**
     * The verdict on JSON text, such as a model's answer as it arrived. simdjson parses it, which
     * is several times faster than building a nlohmann::json, and it is validated as is. Fails
     * when the text is not JSON, naming `source` with line, column and byte as parseJsonDocument
     * does.
     */
    Result<bool> isValidText(std::string_view text,
                             const QString &source = QStringLiteral("the JSON text")) const;
    /** The verdict with every failed assertion. */
    ValidationReport validate(const nlohmann::json &instance) const;

    /** The draft of the root schema resource. */
    Draft draft() const;

    /**
     * Violations that are already certain in a value that is still arriving (a streamed answer):
     * every node whose JSON Pointer is a prefix of `openPointer` is incomplete, so assertions
     * that more data could still satisfy (required, minItems, minLength, enum, pattern, …) are
     * not checked there; everything else is validated in full.
     */
    ValidationReport validatePartial(const nlohmann::json &instance, const std::string &openPointer) const;

private:
    explicit JsonSchema(std::shared_ptr<const CompiledSchema> compiled);
    std::shared_ptr<const CompiledSchema> m_compiled;
};

/** A loader that maps URIs starting with `prefix` to files under `directory` (the CLI's --map-uri). */
SchemaLoader folderLoader(std::string prefix, QString directory);

/** Chains loaders: the first that knows a URI answers. */
SchemaLoader combinedLoader(std::vector<SchemaLoader> loaders);

/**
 * Strict JSON parse of a whole document; an error names `source` with line, column (in
 * characters) and byte offset: "schema.json:3:14 (byte 52)". For a piece of a larger file
 * (one line of JSON Lines), `firstLine` and `firstByte` say where the piece starts.
 */
Result<nlohmann::json> parseJsonDocument(std::string_view text, const QString &source, int firstLine = 1,
                                         std::size_t firstByte = 0);

} // namespace Lathe::Schema
