// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace Lathe::Schema
{

/** One reference token of an RFC 6901 JSON Pointer, escaped ("~0", "~1") for appending. */
std::string escapePointerToken(std::string_view token);

/** The unescaped tokens of a pointer ("" → none), or nullopt when it is malformed. */
std::optional<std::vector<std::string>> parsePointer(std::string_view pointer);

/** Decodes %XX escapes, as URI fragments carry them; nullopt on a malformed escape. */
std::optional<std::string> percentDecode(std::string_view text);

/** The value a pointer names inside a document, or nullptr when there is none. */
const nlohmann::json *resolvePointer(const nlohmann::json &document, const std::vector<std::string> &tokens);

} // namespace Lathe::Schema
