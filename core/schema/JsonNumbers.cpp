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

Decimal toDecimal(const FlatValue &number)
{
    Decimal decimal;
    if (number.kind == FlatKind::Unsigned) {
        decimal.digits = number.unsignedInteger;
    } else if (number.kind == FlatKind::Integer) {
        const std::int64_t value = number.integer;
        decimal.negative = value < 0;
        decimal.digits = decimal.negative ? 0 - std::uint64_t(value) : std::uint64_t(value);
    } else {
        // The shortest string that reads back as the same double: the number as it was written.
        char buffer[64];
        const auto [end, ec] =
            std::to_chars(buffer, buffer + sizeof buffer, number.floating, std::chars_format::scientific);
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

int compareNumbers(const FlatValue &a, const FlatValue &b)
{
    const auto order = [](auto x, auto y) {
        return x < y ? -1 : (x > y ? 1 : 0);
    };
    if (a.kind == b.kind) {
        if (a.kind == FlatKind::Integer)
            return order(a.integer, b.integer);
        if (a.kind == FlatKind::Unsigned)
            return order(a.unsignedInteger, b.unsignedInteger);
        if (a.kind == FlatKind::Float)
            return order(a.floating, b.floating);
    }
    if (a.kind == FlatKind::Integer && b.kind == FlatKind::Unsigned)
        return a.integer < 0 ? -1 : order(std::uint64_t(a.integer), b.unsignedInteger);
    if (a.kind == FlatKind::Unsigned && b.kind == FlatKind::Integer)
        return b.integer < 0 ? 1 : order(a.unsignedInteger, std::uint64_t(b.integer));
    // Integer against double: long double holds every int64, uint64 and double exactly on x86-64.
    const auto toLong = [](const FlatValue &n) -> long double {
        if (n.kind == FlatKind::Unsigned)
            return static_cast<long double>(n.unsignedInteger);
        if (n.kind == FlatKind::Integer)
            return static_cast<long double>(n.integer);
        return static_cast<long double>(n.floating);
    };
    return order(toLong(a), toLong(b));
}

int compareNumbers(const nlohmann::json &a, const nlohmann::json &b)
{
    return compareNumbers(FlatValue::scalar(a), FlatValue::scalar(b));
}

bool isIntegral(const FlatValue &number)
{
    if (number.kind == FlatKind::Integer || number.kind == FlatKind::Unsigned)
        return true;
    return number.kind == FlatKind::Float && std::isfinite(number.floating) &&
           std::trunc(number.floating) == number.floating;
}

bool isIntegral(const nlohmann::json &number)
{
    return isIntegral(FlatValue::scalar(number));
}

bool isMultipleOf(const FlatValue &value, const FlatValue &divisor)
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

std::size_t codePointCount(std::string_view utf8)
{
    std::size_t count = 0;
    for (unsigned char byte : utf8)
        count += (byte & 0xC0) != 0x80;
    return count;
}

} // namespace Lathe::Schema
