// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonNumbers.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace Lathe::Schema
{

namespace
{

/** A number as decimal digits and a power of ten: value = digits × 10^exponent. */
struct Decimal
{
    std::uint64_t digits = 0; // at most 20 digits: 17 for a double, 20 for a uint64
    int exponent = 0;
    bool negative = false;
};

Decimal toDecimal(const nlohmann::json &number)
{
    Decimal decimal;
    if (number.is_number_unsigned()) {
        decimal.digits = number.get<std::uint64_t>();
    } else if (number.is_number_integer()) {
        const std::int64_t value = number.get<std::int64_t>();
        decimal.negative = value < 0;
        decimal.digits = decimal.negative ? 0 - std::uint64_t(value) : std::uint64_t(value);
    } else {
        // The shortest string that reads back as the same double: the number as it was written.
        char buffer[64];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number.get<double>(),
                                             std::chars_format::scientific);
        const std::string_view text(buffer, ec == std::errc() ? std::size_t(end - buffer) : 0);
        std::size_t i = 0;
        if (i < text.size() && text[i] == '-') {
            decimal.negative = true;
            ++i;
        }
        int fractionDigits = 0;
        bool inFraction = false;
        for (; i < text.size() && text[i] != 'e'; ++i) {
            if (text[i] == '.') {
                inFraction = true;
                continue;
            }
            decimal.digits = decimal.digits * 10 + std::uint64_t(text[i] - '0');
            if (inFraction)
                ++fractionDigits;
        }
        int exponent = 0;
        if (i < text.size())
            std::from_chars(text.data() + i + 1 + (text[i + 1] == '+' ? 1 : 0), text.data() + text.size(),
                            exponent);
        decimal.exponent = exponent - fractionDigits;
    }
    while (decimal.digits != 0 && decimal.digits % 10 == 0) {
        decimal.digits /= 10;
        ++decimal.exponent;
    }
    return decimal;
}

__extension__ typedef unsigned __int128 Wide;

/** 10^power mod modulus, by squaring. */
std::uint64_t powerOfTenModulo(int power, std::uint64_t modulus)
{
    Wide result = 1 % modulus;
    Wide base = 10 % modulus;
    while (power > 0) {
        if (power & 1)
            result = result * base % modulus;
        base = base * base % modulus;
        power >>= 1;
    }
    return std::uint64_t(result);
}

} // namespace

int compareNumbers(const nlohmann::json &a, const nlohmann::json &b)
{
    // long double holds every int64, uint64 and double exactly on x86-64; elsewhere the
    // integer paths below keep integer comparisons exact.
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
        const auto x = a.get<std::uint64_t>(), y = b.get<std::uint64_t>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_number_integer() && b.is_number_integer() && !a.is_number_unsigned() &&
        !b.is_number_unsigned()) {
        const auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    const auto toLong = [](const nlohmann::json &n) -> long double {
        if (n.is_number_unsigned())
            return static_cast<long double>(n.get<std::uint64_t>());
        if (n.is_number_integer())
            return static_cast<long double>(n.get<std::int64_t>());
        return static_cast<long double>(n.get<double>());
    };
    const long double x = toLong(a), y = toLong(b);
    return x < y ? -1 : (x > y ? 1 : 0);
}

bool isIntegral(const nlohmann::json &number)
{
    if (number.is_number_integer())
        return true;
    if (!number.is_number_float())
        return false;
    const double value = number.get<double>();
    return std::isfinite(value) && std::trunc(value) == value;
}

bool isMultipleOf(const nlohmann::json &value, const nlohmann::json &divisor)
{
    const Decimal x = toDecimal(value);
    const Decimal m = toDecimal(divisor);
    if (x.digits == 0)
        return true;
    if (m.digits == 0)
        return false;
    if (x.exponent >= m.exponent) {
        // x / m = (x.digits × 10^(x.exponent − m.exponent)) / m.digits: integral iff the
        // numerator is divisible by m.digits.
        const Wide scaled = Wide(x.digits % m.digits) * powerOfTenModulo(x.exponent - m.exponent, m.digits);
        return scaled % m.digits == 0;
    }
    // m.digits × 10^k with k > 0 must divide x.digits; x.digits < 10^20, so k ≥ 20 fails.
    const int k = m.exponent - x.exponent;
    if (k >= 20)
        return false;
    Wide divisorScaled = m.digits;
    for (int i = 0; i < k; ++i)
        divisorScaled *= 10;
    return Wide(x.digits) % divisorScaled == 0;
}

std::size_t codePointCount(const std::string &utf8)
{
    std::size_t count = 0;
    for (unsigned char byte : utf8)
        count += (byte & 0xC0) != 0x80;
    return count;
}

} // namespace Lathe::Schema
