// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QString>

#include <nlohmann/json.hpp>

/// Type-checked reads of JSON members: provider payloads are outside input, so a field of the
/// wrong type is treated as absent instead of throwing.
namespace Lathe::Providers::Json
{

/** The member `key` of an object, or nullptr when `value` is no object or lacks the key. */
const nlohmann::json *member(const nlohmann::json &value, const char *key);
std::optional<QString> string(const nlohmann::json &value, const char *key);
std::optional<qint64> integer(const nlohmann::json &value, const char *key);

} // namespace Lathe::Providers::Json
