// SPDX-License-Identifier: GPL-3.0-or-later
#include "FlatJson.h"

#include <algorithm>
#include <simdjson.h>

#include <QString>

#include <nlohmann/json.hpp>

#include "JsonNumbers.h"

namespace Lathe::Schema
{

FlatValue FlatValue::ofNumber(std::int64_t value)
{
    FlatValue flat;
    flat.kind = FlatKind::Integer;
    flat.integer = value;
    return flat;
}

FlatValue FlatValue::ofNumber(std::uint64_t value)
{
    FlatValue flat;
    flat.kind = FlatKind::Unsigned;
    flat.unsignedInteger = value;
    return flat;
}

FlatValue FlatValue::ofNumber(double value)
{
    FlatValue flat;
    flat.kind = FlatKind::Float;
    flat.floating = value;
    return flat;
}

FlatValue FlatValue::ofBoolean(bool value)
{
    FlatValue flat;
    flat.kind = FlatKind::Boolean;
    flat.boolean = value;
    return flat;
}

FlatValue FlatValue::ofString(std::string_view text)
{
    FlatValue flat;
    flat.kind = FlatKind::String;
    flat.chars = text.data();
    flat.size = text.size();
    return flat;
}

FlatValue FlatValue::scalar(const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::number_integer:
        return ofNumber(*value.get_ptr<const std::int64_t *>());
    case nlohmann::json::value_t::number_unsigned:
        return ofNumber(*value.get_ptr<const std::uint64_t *>());
    case nlohmann::json::value_t::number_float:
        return ofNumber(*value.get_ptr<const double *>());
    case nlohmann::json::value_t::boolean:
        return ofBoolean(*value.get_ptr<const bool *>());
    default:
        return {};
    }
}

struct FlatJson::TextParser
{
    simdjson::dom::parser parser;
    /** Members of the object being flattened, before sorting. */
    std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
    std::vector<std::pair<simdjson::dom::element, std::size_t>> pending;
};

FlatJson::FlatJson() = default;
FlatJson::~FlatJson() = default;
FlatJson::FlatJson(FlatJson &&) noexcept = default;
FlatJson &FlatJson::operator=(FlatJson &&) noexcept = default;

void FlatJson::clear()
{
    m_used = 0;
}

void FlatJson::trim()
{
    // Typical answers flatten to a few hundred values; 64k is a 1.5 MB buffer.
    constexpr std::size_t kKeptValues = 1u << 16;
    if (m_values.capacity() > kKeptValues) {
        m_values = {};
        m_names = {};
        m_used = 0;
        m_pendingJson = {};
    }
    // simdjson keeps a buffer several times the largest text it parsed.
    if (m_textParser && m_textParser->parser.capacity() > kKeptValues * 16)
        m_textParser.reset();
}

std::size_t FlatJson::reserve(std::size_t count)
{
    const std::size_t first = m_used;
    m_used += count;
    if (m_used > m_values.size()) {
        const std::size_t size = std::max(m_used, 2 * m_values.size());
        m_values.resize(size);
        m_names.resize(size);
    }
    return first;
}

std::size_t FlatJson::append(const nlohmann::json &value)
{
    using Type = nlohmann::json::value_t;
    const std::size_t root = reserve(1);
    m_pendingJson.assign(1, {&value, root});
    while (!m_pendingJson.empty()) {
        const auto [source, index] = m_pendingJson.back();
        m_pendingJson.pop_back();
        FlatValue flat;
        switch (source->type()) {
        case Type::string:
            flat = FlatValue::ofString(*source->get_ptr<const std::string *>());
            break;
        case Type::array: {
            const auto &items = *source->get_ptr<const nlohmann::json::array_t *>();
            flat.kind = FlatKind::Array;
            flat.size = items.size();
            flat.first = reserve(items.size());
            for (std::size_t i = 0; i < items.size(); ++i)
                m_pendingJson.emplace_back(&items[i], flat.first + i);
            break;
        }
        case Type::object: {
            // A std::map: already sorted by name, one value per name.
            const auto &members = *source->get_ptr<const nlohmann::json::object_t *>();
            flat.kind = FlatKind::Object;
            flat.size = members.size();
            flat.first = reserve(members.size());
            std::size_t slot = flat.first;
            for (const auto &[name, member] : members) {
                m_names[slot] = name;
                m_pendingJson.emplace_back(&member, slot++);
            }
            break;
        }
        default:
            flat = FlatValue::scalar(*source);
            break;
        }
        m_values[index] = flat;
    }
    return root;
}

Result<void> FlatJson::assignText(std::string_view text)
{
    clear();
    if (!m_textParser)
        m_textParser = std::make_unique<TextParser>();
    TextParser &text_ = *m_textParser;
    simdjson::dom::element root;
    if (const auto error = text_.parser.parse(text.data(), text.size()).get(root))
        return fail(ErrorCode::InvalidArgument, QString::fromUtf8(simdjson::error_message(error)));

    using Type = simdjson::dom::element_type;
    text_.pending.assign(1, {root, reserve(1)});
    while (!text_.pending.empty()) {
        const auto [source, index] = text_.pending.back();
        text_.pending.pop_back();
        FlatValue flat;
        switch (source.type()) {
        case Type::NULL_VALUE:
            break;
        case Type::BOOL:
            flat = FlatValue::ofBoolean(bool(source));
            break;
        case Type::INT64:
            flat = FlatValue::ofNumber(std::int64_t(source));
            break;
        case Type::UINT64:
            flat = FlatValue::ofNumber(std::uint64_t(source));
            break;
        case Type::DOUBLE:
            flat = FlatValue::ofNumber(double(source));
            break;
        case Type::STRING:
            flat = FlatValue::ofString(std::string_view(source));
            break;
        case Type::ARRAY: {
            const simdjson::dom::array items(source);
            flat.kind = FlatKind::Array;
            flat.size = items.size();
            if (flat.size >= 0xFFFFFF) { // simdjson's count saturates there: count them
                flat.size = 0;
                for ([[maybe_unused]] const simdjson::dom::element item : items)
                    ++flat.size;
            }
            flat.first = reserve(flat.size);
            std::size_t slot = flat.first;
            for (const simdjson::dom::element item : items)
                text_.pending.emplace_back(item, slot++);
            break;
        }
        case Type::OBJECT: {
            // In document order, possibly with repeated names: sort by name, stably, and keep
            // the last of each name. Most objects are small, and insertion sort allocates nothing.
            auto &members = text_.members;
            members.clear();
            for (const simdjson::dom::key_value_pair member : simdjson::dom::object(source))
                members.emplace_back(member.key, member.value);
            const auto byName = [](const auto &a, const auto &b) {
                return compareNames(a.first, b.first) < 0;
            };
            if (members.size() > 16) {
                std::stable_sort(members.begin(), members.end(), byName);
            } else {
                for (auto next = members.begin(); next != members.end(); ++next) {
                    auto at = next;
                    while (at != members.begin() && byName(*next, *(at - 1)))
                        --at;
                    std::rotate(at, next, next + 1);
                }
            }
            flat.kind = FlatKind::Object;
            flat.size = members.size();
            for (std::size_t i = 0; i + 1 < members.size(); ++i)
                flat.size -= members[i].first == members[i + 1].first;
            flat.first = reserve(flat.size);
            std::size_t slot = flat.first;
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (i + 1 < members.size() && members[i + 1].first == members[i].first)
                    continue;
                m_names[slot] = members[i].first;
                text_.pending.emplace_back(members[i].second, slot++);
            }
            break;
        }
        }
        m_values[index] = flat;
    }
    return {};
}

const FlatValue *FlatJson::member(const FlatValue &object, std::string_view name) const
{
    const auto begin = m_names.begin() + std::ptrdiff_t(object.first);
    const auto end = begin + std::ptrdiff_t(object.size);
    const auto found = std::lower_bound(begin, end, name);
    if (found == end || *found != name)
        return nullptr;
    return &m_values[std::size_t(found - m_names.begin())];
}

std::string FlatJson::dump(const FlatValue &value) const
{
    switch (value.kind) {
    case FlatKind::Null:
        return "null";
    case FlatKind::Boolean:
        return value.boolean ? "true" : "false";
    case FlatKind::Integer:
        return nlohmann::json(value.integer).dump();
    case FlatKind::Unsigned:
        return nlohmann::json(value.unsignedInteger).dump();
    case FlatKind::Float:
        return nlohmann::json(value.floating).dump();
    case FlatKind::String:
        return nlohmann::json(std::string(value.string()))
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    case FlatKind::Array: {
        std::string text = "[";
        for (std::size_t i = 0; i < value.size; ++i)
            text += (i ? "," : "") + dump(child(value, i));
        return text + "]";
    }
    case FlatKind::Object: {
        std::string text = "{";
        for (std::size_t i = 0; i < value.size; ++i) {
            const FlatValue &member = child(value, i);
            text += (i ? "," : "") +
                    nlohmann::json(std::string(nameOf(member)))
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                    ":" + dump(member);
        }
        return text + "}";
    }
    }
    return {};
}

bool flatEqual(const FlatJson &leftDocument, const FlatValue &left, const FlatJson &rightDocument,
               const FlatValue &right)
{
    // Scalars (every enum and const value in practice) need no work list.
    if (left.kind == FlatKind::String)
        return right.kind == FlatKind::String && left.string() == right.string();
    if (left.isNumber())
        return right.isNumber() && compareNumbers(left, right) == 0;
    if (left.kind != right.kind)
        return false;
    if (left.kind == FlatKind::Boolean)
        return left.boolean == right.boolean;
    if (left.kind == FlatKind::Null)
        return true;
    // Iterative, so two equal values nested 10,000 levels deep (uniqueItems) cannot overflow the stack.
    std::vector<std::pair<const FlatValue *, const FlatValue *>> pending{{&left, &right}};
    while (!pending.empty()) {
        const auto [a, b] = pending.back();
        pending.pop_back();
        if (a->kind == FlatKind::String || a->isNumber() || a->kind == FlatKind::Boolean ||
            a->kind == FlatKind::Null) {
            if (!flatEqual(leftDocument, *a, rightDocument, *b))
                return false;
            continue;
        }
        if (a->kind != b->kind || a->size != b->size)
            return false;
        for (std::size_t i = 0; i < a->size; ++i) {
            const FlatValue &x = leftDocument.child(*a, i);
            const FlatValue &y = rightDocument.child(*b, i);
            if (a->kind == FlatKind::Object && leftDocument.nameOf(x) != rightDocument.nameOf(y))
                return false;
            pending.emplace_back(&x, &y);
        }
    }
    return true;
}

} // namespace Lathe::Schema
