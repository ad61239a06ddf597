// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/schema: the read-only form of an instance that validation walks.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/Result.h"

namespace Lathe::Schema
{

enum class FlatKind : std::uint8_t
{
    Null,
    Boolean,
    Integer,  ///< int64
    Unsigned, ///< uint64
    Float,    ///< double
    String,
    Array,
    Object,
};

/**
 * One JSON value. A number or boolean is complete in itself; a string points at its bytes; an
 * array or object names the run of values in its FlatJson that holds its items or members.
 */
struct FlatValue
{
    FlatKind kind = FlatKind::Null;
    bool boolean = false;
    std::size_t size = 0; ///< bytes of a string, items of an array, members of an object
    union
    {
        std::int64_t integer = 0;
        std::uint64_t unsignedInteger;
        double floating;
        const char *chars; ///< a string's bytes (not NUL-terminated)
        std::size_t first; ///< an array's or object's first child in its FlatJson
    };

    bool isNumber() const
    {
        return kind == FlatKind::Integer || kind == FlatKind::Unsigned || kind == FlatKind::Float;
    }
    std::string_view string() const { return {chars, size}; }

    static FlatValue ofNumber(std::int64_t value);
    static FlatValue ofNumber(std::uint64_t value);
    static FlatValue ofNumber(double value);
    static FlatValue ofBoolean(bool value);
    /** A string viewing `text`, which must outlive it. */
    static FlatValue ofString(std::string_view text);
    /** A number, boolean or null from nlohmann::json; strings and containers need a FlatJson. */
    static FlatValue scalar(const nlohmann::json &value);
};

/**
 * A JSON value flattened for validation: every array's items and every object's members are
 * adjacent, members sorted by name in byte order with one value per name, so a walk touches
 * memory in order and pairs members with a schema's sorted `properties` in one pass.
 *
 * Strings and names are views into the source (a nlohmann::json or the text simdjson parsed),
 * which must outlive the flattened form. Building is iterative: nesting depth costs no stack.
 * `clear()` keeps the capacity, so a thread that validates many answers reuses one FlatJson.
 */
class FlatJson
{
public:
    FlatJson();
    ~FlatJson();
    FlatJson(FlatJson &&) noexcept;
    FlatJson &operator=(FlatJson &&) noexcept;

    void clear();
    /** Frees the buffers when a big instance made them grow, so a thread does not keep them. */
    void trim();
    /** Flattens a parsed value after any already here; returns the index of its root. */
    std::size_t append(const nlohmann::json &value);
    /**
     * Replaces the contents with `text` parsed by simdjson (several GB/s; no allocation per
     * value) and flattened; the root is at index 0. Of members with the same name the last is
     * kept, as nlohmann::json keeps it. Fails on anything simdjson rejects; nlohmann::json
     * accepts a little more (integers beyond 64 bits, nesting deeper than 1,024), so callers
     * fall back to it for the verdict and for the message.
     */
    Result<void> assignText(std::string_view text);

    const FlatValue &operator[](std::size_t index) const { return m_values[index]; }
    std::size_t indexOf(const FlatValue &value) const { return std::size_t(&value - m_values.data()); }
    /** An item of an array or a member's value of an object. */
    const FlatValue &child(const FlatValue &container, std::size_t i) const
    {
        return m_values[container.first + i];
    }
    /** The name of a member, given its value. */
    std::string_view nameOf(const FlatValue &member) const { return m_names[indexOf(member)]; }
    /** The member named `name` of an object, or null. */
    const FlatValue *member(const FlatValue &object, std::string_view name) const;

    /** The value as JSON text, for messages. */
    std::string dump(const FlatValue &value) const;

private:
    /** Reserves `count` adjacent slots and returns the first. */
    std::size_t reserve(std::size_t count);

    // Slots [0, m_used) are in use. The vectors only grow, so reusing them costs nothing per value.
    std::vector<FlatValue> m_values;
    std::vector<std::string_view> m_names; // beside m_values: a member's name (other values: unset)
    std::size_t m_used = 0;
    std::vector<std::pair<const nlohmann::json *, std::size_t>> m_pendingJson;
    struct TextParser;
    std::unique_ptr<TextParser> m_textParser; // made on first use; the strings of a text point into it
};

/**
 * Byte order of two member names (as std::string_view::compare), deciding most pairs by their
 * first byte without a call to memcmp: names of one object usually differ there.
 */
inline int compareNames(std::string_view a, std::string_view b)
{
    if (!a.empty() && !b.empty() && a.front() != b.front())
        return static_cast<unsigned char>(a.front()) < static_cast<unsigned char>(b.front()) ? -1 : 1;
    return a.compare(b);
}

/** JSON equality as JSON Schema defines it (1 equals 1.0 at any depth), across two FlatJsons. */
bool flatEqual(const FlatJson &leftDocument, const FlatValue &left, const FlatJson &rightDocument,
               const FlatValue &right);

} // namespace Lathe::Schema
