// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QString>

#include <nlohmann/json.hpp>

namespace Lathe::Mock
{

/**
 * A deterministic JSON instance of a JSON Schema: what the simulator answers to a request for
 * structured output. It aims at what a model constrained by the schema writes, not at solving
 * every keyword:
 *  - `const`, else the first `enum` value; a string with a `pattern` takes the first of
 *    `examples` and `default`, else a plain word (patterns are not solved); the common formats
 *    (date-time, date, time, duration, email, hostname, ipv4, ipv6, uri, uuid) get a sample value;
 *  - an object gets every property it lists, in the schema's order, and every required one;
 *  - an array gets minItems items and at least one, from `prefixItems` (or a draft-7 `items`
 *    array) and then `items`; items differ where they can (enum values, words, numbers), so
 *    uniqueItems holds;
 *  - strings fit minLength and maxLength; numbers fit minimum, maximum, their exclusive forms
 *    (draft-4 booleans too) and multipleOf;
 *  - `$ref` within the document ("#", "#/$defs/…", "#/definitions/…") is resolved together
 *    with its sibling keywords; `allOf` is merged; `anyOf` and `oneOf` take their first branch
 *    that is not only null, and a list of types its first type that is not "null";
 *  - below a few levels of nesting, objects get only their required properties and arrays only
 *    minItems items, so recursive schemas end.
 * Keywords outside that list are ignored, so an unusual schema can get an instance it rejects.
 */
nlohmann::ordered_json schemaInstance(const nlohmann::ordered_json &schema);

/**
 * An instance that parses but breaks the schema: schemaInstance() without the first property
 * the root requires or, when the root requires none, a value of a type (or outside the enum)
 * the root does not allow. nullopt when the root accepts any value.
 */
std::optional<nlohmann::ordered_json> schemaViolation(const nlohmann::ordered_json &schema);

/**
 * JSON text cut short after its last comma (outside strings), or, without one, with its last
 * character replaced by a comma: what a model writes when it stops mid-object. No strict
 * parser accepts it.
 */
QString brokenJsonText(const QString &json);

} // namespace Lathe::Mock
