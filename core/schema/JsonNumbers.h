// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "FlatJson.h"

namespace Lathe::Schema
{

/** -1, 0 or 1 for two JSON numbers, exact across signed, unsigned and floating storage. */
int compareNumbers(const FlatValue &a, const FlatValue &b);
int compareNumbers(const nlohmann::json &a, const nlohmann::json &b);

/** Whether a number has no fractional part (1.0 is an integer in JSON Schema from draft 6). */
bool isIntegral(const FlatValue &number);
bool isIntegral(const nlohmann::json &number);

/**
 * Whether `value` is an exact multiple of `divisor` (> 0) in decimal arithmetic, as the
 * numbers are written: 0.0075 is a multiple of 0.0001 although 0.0075 / 0.0001 is
 * 75.00000000000001 in binary floating point. Each double is taken at its shortest
 * round-trip decimal form; no overflow for any finite pair.
 */
bool isMultipleOf(const FlatValue &value, const FlatValue &divisor);

/** Code points in a UTF-8 string (what minLength and maxLength count). */
std::size_t codePointCount(std::string_view utf8);

} // namespace Lathe::Schema
