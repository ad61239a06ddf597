// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/Result.h"

namespace Lathe::Schema
{

/**
 * The official meta-schema (or vocabulary meta-schema) a URI names, from the copies compiled
 * into the program (resources/json-schema), so schemas that reference them validate offline.
 * Fails for every other URI. Thread-safe; each document is parsed once.
 */
Result<nlohmann::json> bundledMetaSchema(const std::string &uri);

} // namespace Lathe::Schema
