// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include <QString>

#include <nlohmann/json_fwd.hpp>

namespace Lathe::Schema
{

/** One place in a schema that OpenAI's strict mode rejects, or may reject. */
struct StrictSchemaIssue
{
    std::string pointer; ///< JSON Pointer of the place in the schema, "" for the root
    QString message;     ///< what strict mode rejects there, and how to fix it
    /// false where OpenAI's documentation leaves it open: the message says "may be rejected"
    bool certain = true;
};

/**
 * What OpenAI's strict Structured Outputs (a json_schema response format or a function tool
 * with `strict: true`) would reject in `schema`, before a request finds out with a 400. The
 * rules follow OpenAI's documentation of supported schemas as of 2025 (protocols.md §4):
 *  - the root is an object schema (`"type": "object"`), not anyOf;
 *  - every object has `"additionalProperties": false` and lists every property in `required`
 *    (an optional field is written as `"type": [T, "null"]`);
 *  - supported beyond types, enum, const, anyOf, $ref and $defs: pattern and format (date-time,
 *    time, date, duration, email, hostname, ipv4, ipv6, uuid) for strings, multipleOf and the
 *    four bounds for numbers, minItems and maxItems for arrays; oneOf, not, if/then/else,
 *    dependentRequired, dependentSchemas, patternProperties' relatives (unevaluatedProperties,
 *    propertyNames, minProperties, maxProperties) and contains are not;
 *  - `$ref` only within the schema: "#" (recursion), "#/$defs/…", "#/definitions/…";
 *  - at most 5000 object properties in all, 10 levels of nesting and 1000 enum values in all,
 *    and 120,000 characters of property names, definition names, enum and const values.
 * Where the documentation is silent or has changed over time (minLength, maxLength, allOf,
 * uniqueItems, default, a `$ref` with sibling keywords, a schema without `type`, …) the issue is
 * reported with certain = false. Issues come in document order; a schema that is not valid JSON
 * Schema at all is the validator's to report, not this lint's.
 */
std::vector<StrictSchemaIssue> lintForOpenAiStrict(const nlohmann::json &schema);

} // namespace Lathe::Schema
