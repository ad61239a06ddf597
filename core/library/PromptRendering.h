// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QStringList>

#include <nlohmann/json.hpp>

#include "PromptContent.h"

namespace Lathe::Library
{

/** What a prompt's templates ask for. */
struct PromptVariables
{
    /** Top-level names, first use first ("customer" for {{customer.name}}); names used only
     *  inside a section may come from its items and are not listed. */
    QStringList names;
    /** The first message that is not a valid template, and where. */
    std::optional<Error> problem;
    /** That place: the message's index and the 1-based line and column in its text. */
    std::optional<std::pair<int, std::pair<int, int>>> problemPlace;
};

PromptVariables variablesOf(const PromptContent &content);

/**
 * Every message rendered as a Mustache template with `values`, strictly (a name without a
 * value is an error) and without HTML escaping, since the text goes to a model. Errors name the
 * message and the place in it: "message 2 (user):3:14".
 */
Result<PromptContent> renderPrompt(const PromptContent &content, const nlohmann::json &values);

} // namespace Lathe::Library
