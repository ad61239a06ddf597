// SPDX-License-Identifier: GPL-3.0-or-later
#include "SchemaInstanceGenerator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "schema/JsonPointer.h"

namespace Lathe::Mock
{

namespace
{

using ordered = nlohmann::ordered_json;

// Nesting levels that get every listed property and at least one array item; deeper ones get
// only what the schema requires, so that a recursive schema ends.
constexpr int kFullDepth = 6;
// Past this the instance is null, whatever the schema says: a schema that requires endless
// nesting has no finite instance.
constexpr int kMaxDepth = 32;
// $ref, allOf, anyOf and oneOf folded in for one place; a cycle of references stops here.
constexpr int kMaxIndirections = 64;
// The most items, extra properties or characters a minimum is met with: a schema asking for a
// billion items gets an instance it rejects rather than exhausting the memory.
constexpr double kMaxCount = 1000;
// Whole numbers stay within ±1e15, where doubles are still exact.
constexpr double kMaxWhole = 1e15;

// Plain words for strings; the n-th item of an array gets the n-th, so that items differ.
constexpr std::array kWords = {"sample", "example", "value", "answer", "item", "entry", "record", "detail"};

std::string word(int variant)
{
    const int count = static_cast<int>(kWords.size());
    std::string text = kWords[static_cast<std::size_t>(variant % count)];
    if (variant >= count)
        text += std::to_string(variant / count + 1);
    return text;
}

// What a model would write for the formats strict OpenAI and most validators know.
std::optional<std::string> formatSample(const std::string &format)
{
    static const std::array<std::pair<const char *, const char *>, 15> samples = {{
        {"date-time", "2025-01-31T12:00:00Z"},
        {"date", "2025-01-31"},
        {"time", "12:00:00Z"},
        {"duration", "P1D"},
        {"email", "user@example.com"},
        {"idn-email", "user@example.com"},
        {"hostname", "example.com"},
        {"idn-hostname", "example.com"},
        {"ipv4", "192.0.2.1"},
        {"ipv6", "2001:db8::1"},
        {"uri", "https://example.com/"},
        {"uri-reference", "https://example.com/"},
        {"iri", "https://example.com/"},
        {"iri-reference", "https://example.com/"},
        {"uuid", "123e4567-e89b-42d3-a456-426614174000"},
    }};
    for (const auto &[name, sample] : samples) {
        if (format == name)
            return std::string(sample);
    }
    return std::nullopt;
}

const ordered *member(const ordered &object, const char *key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::optional<double> numberMember(const ordered &object, const char *key)
{
    const ordered *value = member(object, key);
    if (!value || !value->is_number())
        return std::nullopt;
    return value->get<double>();
}

// A minimum count (minItems, minLength, minProperties) as a size, at most kMaxCount.
std::size_t countMember(const ordered &object, const char *key)
{
    return static_cast<std::size_t>(std::clamp(numberMember(object, key).value_or(0), 0.0, kMaxCount));
}

bool contains(const std::vector<std::string> &list, const std::string &value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> typesOf(const ordered &type)
{
    std::vector<std::string> types;
    if (type.is_string())
        types.push_back(type.get<std::string>());
    if (!type.is_array())
        return types;
    for (const ordered &each : type) {
        if (each.is_string())
            types.push_back(each.get<std::string>());
    }
    return types;
}

// The types both lists allow; an integer is also a number.
std::vector<std::string> commonTypes(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
    std::vector<std::string> common;
    for (const std::string &type : a) {
        std::string shared;
        if (contains(b, type))
            shared = type;
        else if ((type == "integer" && contains(b, "number")) || (type == "number" && contains(b, "integer")))
            shared = "integer";
        if (!shared.empty() && !contains(common, shared))
            common.push_back(shared);
    }
    return common;
}

bool allowsTypeOf(const std::vector<std::string> &types, const ordered &value)
{
    switch (value.type()) {
    case ordered::value_t::string:
        return contains(types, "string");
    case ordered::value_t::number_integer:
    case ordered::value_t::number_unsigned:
        return contains(types, "integer") || contains(types, "number");
    case ordered::value_t::number_float:
        return contains(types, "number");
    case ordered::value_t::array:
        return contains(types, "array");
    case ordered::value_t::object:
        return contains(types, "object");
    case ordered::value_t::boolean:
        return contains(types, "boolean");
    case ordered::value_t::null:
        return contains(types, "null");
    case ordered::value_t::binary:
    case ordered::value_t::discarded:
        break;
    }
    return false;
}

bool isOnlyNull(const ordered &schema)
{
    const ordered *type = member(schema, "type");
    return type && typesOf(*type) == std::vector<std::string>{"null"};
}

// Adds keyword `key` of a schema to `target`, when both must hold (allOf, or a $ref and its
// siblings): bounds take the tighter value, required the union, type and enum what both allow,
// properties and items both schemas; for any other keyword the first one folded in wins.
void mergeKeyword(ordered &target, const std::string &key, const ordered &value)
{
    const auto it = target.find(key);
    if (it == target.end()) {
        target[key] = value;
        return;
    }
    ordered &current = *it;
    static const std::vector<std::string> lowerBounds = {"minimum", "exclusiveMinimum", "minLength",
                                                         "minItems", "minProperties"};
    static const std::vector<std::string> upperBounds = {"maximum", "exclusiveMaximum", "maxLength",
                                                         "maxItems", "maxProperties"};
    if (key == "properties" && current.is_object() && value.is_object()) {
        for (const auto &[name, schema] : value.items()) {
            const auto existing = current.find(name);
            if (existing == current.end())
                current[name] = schema;
            else
                *existing = ordered{{"allOf", ordered::array({*existing, schema})}};
        }
    } else if (key == "items" && current.is_object() && value.is_object()) {
        current = ordered{{"allOf", ordered::array({current, value})}};
    } else if (key == "required" && current.is_array() && value.is_array()) {
        for (const ordered &name : value) {
            if (std::find(current.begin(), current.end(), name) == current.end())
                current.push_back(name);
        }
    } else if (key == "type") {
        if (const auto types = commonTypes(typesOf(current), typesOf(value)); !types.empty())
            current = types.size() == 1 ? ordered(types.front()) : ordered(types);
    } else if (key == "enum" && current.is_array() && value.is_array()) {
        ordered common = ordered::array();
        for (const ordered &option : current) {
            if (std::find(value.begin(), value.end(), option) != value.end())
                common.push_back(option);
        }
        if (!common.empty())
            current = std::move(common);
    } else if (current.is_number() && value.is_number()) {
        if (contains(lowerBounds, key) && current < value)
            current = value;
        else if (contains(upperBounds, key) && value < current)
            current = value;
    }
}

// The number of decimal places of a double written in its shortest form ("0.05" → 2,
// "2.5e-07" → 8), at most 15.
int decimalPlaces(double value)
{
    const std::string text = ordered(value).dump();
    const std::size_t exponentAt = text.find_first_of("eE");
    const std::string mantissa = text.substr(0, exponentAt);
    const std::size_t point = mantissa.find('.');
    int places = point == std::string::npos ? 0 : static_cast<int>(mantissa.size() - point - 1);
    if (exponentAt != std::string::npos) {
        int exponent = 0;
        const char *first = text.data() + exponentAt + 1;
        if (*first == '+')
            ++first;
        if (std::from_chars(first, text.data() + text.size(), exponent).ec == std::errc())
            places -= exponent;
    }
    return std::clamp(places, 0, 15);
}

// `value` rounded to `places` decimals: the double nearest to the decimal number, so that a
// multiple of 0.1 computed in binary (0.30000000000000004) is written as the decimal one (0.3).
double roundedTo(double value, int places)
{
    const double scale = std::pow(10.0, places);
    const double scaled = std::round(value * scale);
    return std::isfinite(scaled) ? scaled / scale : value;
}

// The smallest whole number that is a multiple of `step`; `step` itself when it is whole.
double wholeMultipleOf(double step)
{
    for (int factor = 1; factor <= 1000; ++factor) {
        const double multiple = step * factor;
        if (std::abs(multiple - std::round(multiple)) < 1e-9)
            return std::max(1.0, std::round(multiple));
    }
    return std::ceil(step);
}

// Whether folding a schema takes the branch of anyOf and oneOf an instance is made from, or
// keeps to what every valid instance must satisfy.
enum class Alternatives
{
    FirstBranch,
    Skip,
};

class Generator
{
public:
    explicit Generator(const ordered &root)
        : m_root(root)
    {}

    /** The schema with its $ref, allOf, and anyOf and oneOf as asked, folded in: one object of keywords. */
    ordered resolved(const ordered &schema, Alternatives alternatives = Alternatives::FirstBranch) const
    {
        ordered result = ordered::object();
        int budget = kMaxIndirections;
        fold(result, schema, alternatives, budget);
        return result;
    }

    /**
     * The types every valid instance has one of: what must hold, else the union of the root's
     * anyOf or oneOf branches. Empty when any type may do (or it cannot be told).
     */
    std::vector<std::string> allowedTypes(const ordered &schema, int depth = 0) const
    {
        const ordered must = resolved(schema, Alternatives::Skip);
        if (const ordered *type = member(must, "type"))
            return typesOf(*type);
        std::vector<std::string> types;
        for (const char *key : {"anyOf", "oneOf"}) {
            const ordered *branches = member(schema, key);
            if (!branches || !branches->is_array() || branches->empty() || depth > kMaxDepth)
                continue;
            for (const ordered &branch : *branches) {
                const std::vector<std::string> branchTypes = allowedTypes(branch, depth + 1);
                if (branchTypes.empty())
                    return {};
                for (const std::string &type : branchTypes) {
                    if (!contains(types, type))
                        types.push_back(type);
                }
            }
            return types;
        }
        return types;
    }

    ordered instance(const ordered &schema, int depth, int variant) const
    {
        if (depth > kMaxDepth)
            return nullptr;
        if (schema.is_boolean())
            return schema.get<bool>() ? ordered(word(variant)) : ordered(nullptr);
        const ordered s = resolved(schema);
        if (const ordered *value = member(s, "const"))
            return *value;
        if (const ordered *options = member(s, "enum"); options && options->is_array() && !options->empty())
            return (*options)[static_cast<std::size_t>(variant) % options->size()];
        const std::string type = chosenType(s);
        if (type == "object")
            return object(s, depth, variant);
        if (type == "array")
            return array(s, depth, variant);
        if (type == "integer" || type == "number")
            return number(s, type == "integer", variant);
        if (type == "boolean")
            return variant % 2 == 0;
        if (type == "null")
            return nullptr;
        return string(s, variant);
    }

private:
    void fold(ordered &target, const ordered &schema, Alternatives alternatives, int &budget) const
    {
        if (!schema.is_object() || --budget < 0)
            return;
        for (const auto &[key, value] : schema.items()) {
            if (key != "$ref" && key != "allOf" && key != "anyOf" && key != "oneOf" && key != "$defs" &&
                key != "definitions")
                mergeKeyword(target, key, value);
        }
        if (const ordered *ref = member(schema, "$ref"); ref && ref->is_string()) {
            if (const ordered *referenced = resolveReference(ref->get<std::string>()))
                fold(target, *referenced, alternatives, budget);
        }
        if (const ordered *all = member(schema, "allOf"); all && all->is_array()) {
            for (const ordered &branch : *all)
                fold(target, branch, alternatives, budget);
        }
        for (const char *key : {"anyOf", "oneOf"}) {
            if (alternatives == Alternatives::Skip)
                break;
            const ordered *branches = member(schema, key);
            if (!branches || !branches->is_array() || branches->empty())
                continue;
            // A nullable field is written as a value more usefully than as null.
            const auto chosen = std::find_if(branches->begin(), branches->end(),
                                             [](const ordered &branch) { return !isOnlyNull(branch); });
            fold(target, chosen != branches->end() ? *chosen : branches->front(), alternatives, budget);
        }
    }

    // A reference within the document: "#" or a JSON Pointer fragment. Others (another
    // document, an anchor) are not followed, so they constrain nothing.
    const ordered *resolveReference(const std::string &reference) const
    {
        if (reference.empty() || reference.front() != '#')
            return nullptr;
        const auto decoded = Schema::percentDecode(std::string_view(reference).substr(1));
        const auto tokens = decoded ? Schema::parsePointer(*decoded) : std::nullopt;
        if (!tokens)
            return nullptr;
        const ordered *node = &m_root;
        for (const std::string &token : *tokens) {
            if (node->is_object()) {
                const auto found = node->find(token);
                if (found == node->end())
                    return nullptr;
                node = &*found;
            } else if (node->is_array()) {
                std::size_t index = 0;
                const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
                if (error != std::errc() || end != token.data() + token.size() || index >= node->size())
                    return nullptr;
                node = &(*node)[index];
            } else {
                return nullptr;
            }
        }
        return node;
    }

    static std::string chosenType(const ordered &s)
    {
        if (const ordered *type = member(s, "type")) {
            const std::vector<std::string> types = typesOf(*type);
            for (const std::string &each : types) {
                if (each != "null")
                    return each;
            }
            if (!types.empty())
                return "null";
        }
        // Without a type, the keywords say what the schema expects.
        for (const char *key : {"properties", "required", "additionalProperties", "patternProperties",
                                "minProperties", "maxProperties"}) {
            if (member(s, key))
                return "object";
        }
        for (const char *key : {"items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems"}) {
            if (member(s, key))
                return "array";
        }
        for (const char *key : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}) {
            if (member(s, key))
                return "number";
        }
        return "string";
    }

    ordered object(const ordered &s, int depth, int variant) const
    {
        static const ordered none = ordered::object();
        const ordered *listedMember = member(s, "properties");
        const ordered &listed = listedMember && listedMember->is_object() ? *listedMember : none;
        std::vector<std::string> required;
        if (const ordered *names = member(s, "required"); names && names->is_array()) {
            for (const ordered &name : *names) {
                if (name.is_string() && !contains(required, name.get<std::string>()))
                    required.push_back(name.get<std::string>());
            }
        }

        // The listed properties in the schema's order, then the required ones it does not list.
        std::vector<std::string> names;
        for (const auto &[name, unused] : listed.items()) {
            if (depth < kFullDepth || contains(required, name))
                names.push_back(name);
        }
        for (const std::string &name : required) {
            if (!contains(names, name))
                names.push_back(name);
        }
        if (const auto most = numberMember(s, "maxProperties"); most && double(names.size()) > *most) {
            // Optional properties give way to required ones; the order stays the schema's.
            double optionalRoom = *most - double(required.size());
            std::vector<std::string> kept;
            for (const std::string &name : names) {
                if (contains(required, name) || optionalRoom-- > 0)
                    kept.push_back(name);
            }
            names = std::move(kept);
        }

        static const ordered anything = true;
        const ordered *additional = member(s, "additionalProperties");
        const ordered &unlistedSchema = additional && additional->is_object() ? *additional : anything;
        ordered result = ordered::object();
        for (const std::string &name : names) {
            const auto found = listed.find(name);
            result[name] = instance(found != listed.end() ? *found : unlistedSchema, depth + 1, variant);
        }
        const bool closed = additional && additional->is_boolean() && !additional->get<bool>();
        const std::size_t fewest = countMember(s, "minProperties");
        for (int extra = 1; !closed && result.size() < fewest; ++extra) {
            const std::string name = "extra" + std::to_string(extra);
            if (!result.contains(name))
                result[name] = instance(unlistedSchema, depth + 1, variant);
        }
        return result;
    }

    ordered array(const ordered &s, int depth, int variant) const
    {
        const ordered *items = member(s, "items");
        const ordered *prefix = member(s, "prefixItems");
        const ordered *rest = items;
        // Before draft 2020-12 an array of schemas in `items` was the tuple, and additionalItems the rest.
        if (items && items->is_array()) {
            prefix = items;
            rest = member(s, "additionalItems");
        }
        const std::size_t prefixSize = prefix && prefix->is_array() ? prefix->size() : 0;

        std::size_t count = countMember(s, "minItems");
        if (depth < kFullDepth)
            count = std::max({count, std::size_t(1), prefixSize});
        if (const auto most = numberMember(s, "maxItems"); most && *most >= 0 && double(count) > *most)
            count = static_cast<std::size_t>(*most);
        if (rest && rest->is_boolean() && !rest->get<bool>())
            count = std::min(count, prefixSize);

        static const ordered anything = true;
        ordered result = ordered::array();
        for (std::size_t i = 0; i < count; ++i) {
            const ordered &itemSchema = i < prefixSize ? (*prefix)[i] : rest ? *rest : anything;
            result.push_back(instance(itemSchema, depth + 1, variant + static_cast<int>(i)));
        }
        return result;
    }

    static ordered string(const ordered &s, int variant)
    {
        if (member(s, "pattern")) {
            // Patterns are not solved: the schema's own sample is the best guess.
            if (const ordered *examples = member(s, "examples"); examples && examples->is_array()) {
                for (const ordered &example : *examples) {
                    if (example.is_string())
                        return example;
                }
            }
            if (const ordered *fallback = member(s, "default"); fallback && fallback->is_string())
                return *fallback;
        }
        std::string text = word(variant);
        if (const ordered *format = member(s, "format"); format && format->is_string())
            text = formatSample(format->get<std::string>()).value_or(text);
        // Every sample is ASCII and not empty, so bytes are code points here.
        if (const std::size_t shortest = countMember(s, "minLength"); text.size() < shortest) {
            const std::string unit = text;
            while (text.size() < shortest)
                text += unit;
            text.resize(shortest);
        }
        if (const auto longest = numberMember(s, "maxLength"); longest && double(text.size()) > *longest)
            text.resize(static_cast<std::size_t>(std::max(0.0, *longest)));
        return text;
    }

    static ordered number(const ordered &s, bool integer, int variant)
    {
        // Draft 4 wrote exclusive bounds as booleans beside minimum and maximum.
        std::optional<double> low = numberMember(s, "minimum");
        std::optional<double> high = numberMember(s, "maximum");
        bool lowExclusive = false;
        bool highExclusive = false;
        if (const ordered *bound = member(s, "exclusiveMinimum")) {
            if (bound->is_boolean()) {
                lowExclusive = low && bound->get<bool>();
            } else if (bound->is_number() && (!low || bound->get<double>() >= *low)) {
                low = bound->get<double>();
                lowExclusive = true;
            }
        }
        if (const ordered *bound = member(s, "exclusiveMaximum")) {
            if (bound->is_boolean()) {
                highExclusive = high && bound->get<bool>();
            } else if (bound->is_number() && (!high || bound->get<double>() <= *high)) {
                high = bound->get<double>();
                highExclusive = true;
            }
        }
        // 0: no multipleOf (the keyword must be > 0)
        const double step = std::max(0.0, numberMember(s, "multipleOf").value_or(0.0));

        if (integer) {
            const double lowest =
                std::clamp(low ? (lowExclusive ? std::floor(*low) + 1 : std::ceil(*low)) : -kMaxWhole,
                           -kMaxWhole, kMaxWhole);
            const double highest =
                std::clamp(high ? (highExclusive ? std::ceil(*high) - 1 : std::floor(*high)) : kMaxWhole,
                           -kMaxWhole, kMaxWhole);
            const double unit = step > 0 ? wholeMultipleOf(step) : 1;
            // From a typical 1, or the lowest allowed value, the first multiple, `variant` further on.
            double value = std::ceil((low ? lowest : 1) / unit) * unit + variant * unit;
            if (value > highest)
                value = std::floor(highest / unit) * unit;
            return static_cast<std::int64_t>(std::clamp(value, -kMaxWhole, kMaxWhole));
        }

        const auto inside = [&](double value) {
            return (!low || (lowExclusive ? value > *low : value >= *low)) &&
                   (!high || (highExclusive ? value < *high : value <= *high));
        };
        if (step > 0) {
            // k·step written with step's decimal places, so that it is a multiple in decimal too.
            const int places = decimalPlaces(step);
            const auto multiple = [&](double k) {
                return roundedTo(k * step, places);
            };
            // From a typical one step, or the low bound, the first multiple, `variant` further on.
            double k = (low ? std::ceil(*low / step) : 1) + variant;
            if (!inside(multiple(k)) && inside(multiple(k + 1)))
                ++k; // an exclusive low bound that is a multiple itself
            if (!inside(multiple(k)) && high) {
                k = std::floor(*high / step); // past the high bound: the largest multiple below it
                if (!inside(multiple(k)))
                    --k;
            }
            return multiple(k);
        }
        if (low && high)
            return *low + (*high - *low) * (1.0 + variant) / (2.0 + variant);
        if (low)
            return *low + 1.0 + variant;
        if (high)
            return *high - 1.0 - variant;
        return 1.5 + variant;
    }

    const ordered &m_root;
};

} // namespace

nlohmann::ordered_json schemaInstance(const nlohmann::ordered_json &schema)
{
    return Generator(schema).instance(schema, 0, 0);
}

std::optional<nlohmann::ordered_json> schemaViolation(const nlohmann::ordered_json &schema)
{
    // Only what every valid instance satisfies can be broken for sure: anyOf and oneOf offer
    // other branches an instance could still match.
    const Generator generator(schema);
    const ordered root = generator.resolved(schema, Alternatives::Skip);
    if (const ordered *required = member(root, "required");
        required && required->is_array() && !required->empty() && required->front().is_string()) {
        ordered instance = generator.instance(schema, 0, 0);
        if (instance.is_object()) {
            instance.erase(required->front().get<std::string>());
            return instance;
        }
    }

    const std::vector<std::string> types = generator.allowedTypes(schema);
    std::optional<ordered> allowedValues;
    if (const ordered *value = member(root, "const"))
        allowedValues = ordered::array({*value});
    else if (const ordered *options = member(root, "enum"); options && options->is_array())
        allowedValues = *options;
    if (types.empty() && !allowedValues)
        return std::nullopt;

    const std::array<ordered, 6> candidates = {ordered("not what the schema asks for"),
                                               ordered(42),
                                               ordered::array(),
                                               ordered::object(),
                                               ordered(true),
                                               ordered(nullptr)};
    for (const ordered &candidate : candidates) {
        const bool typeAllowed = types.empty() || allowsTypeOf(types, candidate);
        const bool valueAllowed = !allowedValues || std::find(allowedValues->begin(), allowedValues->end(),
                                                              candidate) != allowedValues->end();
        if (!typeAllowed || !valueAllowed)
            return candidate;
    }
    return std::nullopt;
}

QString brokenJsonText(const QString &json)
{
    qsizetype lastComma = -1;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QChar c = json[i];
        if (inString) {
            if (c == QLatin1Char('\\'))
                ++i;
            else if (c == QLatin1Char('"'))
                inString = false;
        } else if (c == QLatin1Char('"')) {
            inString = true;
        } else if (c == QLatin1Char(',')) {
            lastComma = i;
        }
    }
    if (lastComma >= 0)
        return json.first(lastComma + 1);
    return json.first(std::max<qsizetype>(json.size() - 1, 0)) + QLatin1Char(',');
}

} // namespace Lathe::Mock
