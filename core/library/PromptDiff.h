// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "PromptContent.h"
#include "TextDiff.h"

namespace Lathe::Library
{

/** How one message differs between two versions. */
struct MessageDiff
{
    enum class Kind
    {
        Same,
        Changed, ///< its text or role changed; `lines` says how
        Added,
        Removed,
    };
    Kind kind = Kind::Same;
    int oldIndex = -1; ///< 0-based position in the old version; -1 when added
    int newIndex = -1; ///< 0-based position in the new version; -1 when removed
    QString oldRole;
    QString newRole;
    std::vector<DiffLine> lines; ///< every line of the message, same, removed or added
};

/** A parameter that was added, removed or changed. */
struct ParameterChange
{
    std::string key;
    std::optional<nlohmann::json> before;
    std::optional<nlohmann::json> after;
};

/** Everything that differs between two prompt versions. */
struct PromptDiff
{
    std::vector<MessageDiff> messages;
    std::vector<ParameterChange> parameters; ///< by key
    std::vector<DiffLine> schema;            ///< the response schemas as indented JSON; empty when equal
    bool identical() const;
};

/**
 * Messages are matched as a sequence (an inserted message shifts the others without making them
 * changed); a removed message followed by an added one at the same place is one changed
 * message, diffed line by line.
 */
PromptDiff diffPrompts(const PromptContent &before, const PromptContent &after);

} // namespace Lathe::Library
