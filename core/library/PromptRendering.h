// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QStringList>

#include <nlohmann/json.hpp>

#include "PromptContent.h"
#include "providers/ChatTypes.h"

namespace Lathe::Library
{

/** What a prompt's templates ask for. */
struct PromptVariables
{
    /** Top-level names, first use first ("customer" for {{customer.name}}); names used only
     *  inside a section may come from its items and are not listed. */
    QStringList names;
    /** The first message that is not a valid template, and where ("message 2 (user):3:14"). */
    std::optional<Error> problem;
};

PromptVariables variablesOf(const PromptContent &content);

/** The variable a placeholder message names: its text is one {{name}} tag, a plain name. */
std::optional<QString> placeholderName(const QString &text);

/**
 * The value a person typed for a variable of `type`: text for a string, a number, true or false,
 * JSON for an object, an array or a thread. Text that is not what the type needs stays text, so
 * that rendering names the variable and what is wrong. For Any, text starting with [ or { that is
 * JSON is that JSON, anything else text.
 */
nlohmann::json valueFromTypedText(const QString &text, VariableType type);

/**
 * `values` with the declared defaults filled in where a value is missing, each declared type
 * checked. Errors name the variable: "variables.count".
 */
Result<nlohmann::json> resolveValues(const PromptContent &content, const nlohmann::json &values);

/**
 * Every message rendered as a Mustache template with `values` (after resolveValues), strictly
 * (a name without a value is an error) and without HTML escaping, since the text goes to a
 * model. A placeholder message, whose text is one {{name}} tag, becomes the messages of that
 * conversation: a JSON array of {"role", "content"} objects. Errors name the message and the
 * place in it: "message 2 (user):3:14".
 */
Result<PromptContent> renderPrompt(const PromptContent &content, const nlohmann::json &values);

/**
 * Puts a prompt's call parameters on `request`: temperature, and max_tokens (or
 * max_output_tokens, max_completion_tokens) as the output limit. Returns the names of the
 * parameters a request cannot carry (top_p, stop, …), which stay with the version but are not
 * sent. A value of the wrong kind is an error naming "parameters.NAME". The model is not among
 * them: the window's model field says which model runs.
 */
Result<QStringList> applyCallParameters(const nlohmann::json &parameters, Providers::ChatRequest &request);

} // namespace Lathe::Library
