// SPDX-License-Identifier: GPL-3.0-or-later
#include "MustacheTemplate.h"

#include <algorithm>
#include <map>

namespace Lathe::Templates
{

struct MustacheTemplate::Node
{
    enum class Kind
    {
        Text,
        Variable,
        Section,
        InvertedSection,
        Partial,
    };

    Kind kind = Kind::Text;
    std::string text; ///< Text: the text; otherwise the name
    bool escape = true;
    bool dynamic = false;    ///< Partial: `text` names the value that holds the partial's name
    std::string indentation; ///< a standalone Partial: put before each of its lines
    TemplatePosition position;
    std::vector<Node> children;
};

struct MustacheTemplate::Parsed
{
    std::vector<Node> nodes;
    std::vector<TemplateName> names;
    QString sourceName;
};

namespace
{

using Node = MustacheTemplate::Node;

constexpr std::size_t kMaxSectionNesting = 1000;
constexpr int kMaxRenderNesting = 2000; // sections and partials together, so the stack holds
constexpr int kMaxPartialNesting = 100;

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trimmed(std::string_view text)
{
    const auto isSpace = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString place(const QString &sourceName, TemplatePosition position)
{
    return QStringLiteral("%1:%2:%3").arg(sourceName).arg(position.line).arg(position.column);
}

/** Line and column (in characters) of byte offsets, from the line starts found once. */
class Positions
{
public:
    explicit Positions(std::string_view source)
        : m_source(source)
    {
        m_lineStarts.push_back(0);
        for (std::size_t i = 0; i < source.size(); ++i) {
            if (source[i] == '\n')
                m_lineStarts.push_back(i + 1);
        }
    }

    TemplatePosition at(std::size_t offset) const
    {
        const auto next = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
        const std::size_t lineStart = *(next - 1);
        TemplatePosition position;
        position.line = int(next - m_lineStarts.begin());
        // UTF-8 continuation bytes do not start a character.
        position.column = 1 + int(std::count_if(m_source.begin() + std::ptrdiff_t(lineStart),
                                                m_source.begin() + std::ptrdiff_t(offset), [](char c) {
                                                    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
                                                }));
        return position;
    }

private:
    std::string_view m_source;
    std::vector<std::size_t> m_lineStarts;
};

/** The partial's source with `indentation` before each of its lines, as a standalone tag indents it. */
std::string indented(std::string_view source, std::string_view indentation)
{
    std::string result(indentation);
    for (std::size_t i = 0; i < source.size(); ++i) {
        result += source[i];
        if (source[i] == '\n' && i + 1 < source.size())
            result += indentation;
    }
    return result;
}

std::string escapedHtml(std::string_view text)
{
    std::string result;
    result.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            result += "&amp;";
            break;
        case '"':
            result += "&quot;";
            break;
        case '<':
            result += "&lt;";
            break;
        case '>':
            result += "&gt;";
            break;
        default:
            result += c;
        }
    }
    return result;
}

std::string textOf(const nlohmann::json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_null())
        return {};
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool isTruthy(const nlohmann::json *value)
{
    return value && !value->is_null() && !(value->is_boolean() && !value->get<bool>()) &&
           !(value->is_array() && value->empty()) &&
           !(value->is_string() && value->get_ref<const std::string &>().empty());
}

class Parser
{
public:
    Parser(std::string_view source, QString sourceName)
        : m_source(source)
        , m_positions(source)
        , m_sourceName(std::move(sourceName))
    {}

    Result<std::vector<Node>> parse(std::vector<TemplateName> &names)
    {
        std::vector<Node> stack(1); // stack[0] holds the top level; each open section above it
        std::string text;
        const auto flushText = [&] {
            if (text.empty())
                return;
            Node node;
            node.text = std::move(text);
            stack.back().children.push_back(std::move(node));
            text.clear();
        };
        std::string open = "{{";
        std::string close = "}}";
        std::size_t pos = 0;
        const std::size_t size = m_source.size();
        while (pos < size) {
            const std::size_t tagStart = m_source.find(open, pos);
            if (tagStart == std::string_view::npos) {
                text.append(m_source.substr(pos));
                break;
            }
            text.append(m_source.substr(pos, tagStart - pos));
            const TemplatePosition position = m_positions.at(tagStart);
            const std::size_t contentStart = tagStart + open.size();
            const char sigil = contentStart < size ? m_source[contentStart] : '\0';
            // A triple mustache ends with "}" and a delimiter change with "=" before the closing delimiter.
            const std::string closing = sigil == '{' ? "}" + close : sigil == '=' ? "=" + close : close;
            const std::size_t contentEnd =
                m_source.find(closing, contentStart + (sigil == '{' || sigil == '=' ? 1 : 0));
            if (contentEnd == std::string_view::npos)
                return error(position,
                             QStringLiteral("The tag is never closed: %1 expected.").arg(qs(closing)));
            const std::size_t tagEnd = contentEnd + closing.size();
            const bool hasSigil =
                std::string_view("#^/!>&{=<$").find(sigil) != std::string_view::npos && sigil;
            const std::string_view content = m_source.substr(contentStart + (hasSigil ? 1 : 0),
                                                             contentEnd - contentStart - (hasSigil ? 1 : 0));

            // A section, comment, partial or delimiter tag alone on its line takes the line with it.
            std::string indentation;
            pos = tagEnd;
            if (std::string_view("#^/!>=<$").find(sigil) != std::string_view::npos && sigil) {
                std::size_t lineStart = tagStart;
                while (lineStart > 0 && m_source[lineStart - 1] != '\n')
                    --lineStart;
                std::size_t after = tagEnd;
                while (after < size && isBlank(m_source[after]))
                    ++after;
                const bool blankBefore = std::all_of(m_source.begin() + std::ptrdiff_t(lineStart),
                                                     m_source.begin() + std::ptrdiff_t(tagStart), isBlank);
                const bool lineEnds =
                    after == size || m_source[after] == '\n' ||
                    (m_source[after] == '\r' && after + 1 < size && m_source[after + 1] == '\n');
                if (blankBefore && lineEnds) {
                    indentation = std::string(m_source.substr(lineStart, tagStart - lineStart));
                    text.resize(text.size() - indentation.size());
                    pos = after == size ? size : after + (m_source[after] == '\r' ? 2 : 1);
                }
            }

            const std::string name(trimmed(content));
            switch (sigil) {
            case '!':
                break;
            case '=': {
                const std::string_view delimiters = trimmed(content);
                const std::size_t space = delimiters.find_first_of(" \t");
                const std::string_view newOpen = delimiters.substr(0, space);
                const std::string_view newClose =
                    space == std::string_view::npos ? std::string_view() : trimmed(delimiters.substr(space));
                if (newOpen.empty() || newClose.empty() ||
                    newClose.find_first_of(" \t=") != std::string_view::npos ||
                    newOpen.find('=') != std::string_view::npos)
                    return error(position,
                                 QStringLiteral("A delimiter change is {{=OPEN CLOSE=}}, two delimiters "
                                                "without spaces or '=', not \"%1\".")
                                     .arg(qs(delimiters)));
                open = newOpen;
                close = newClose;
                break;
            }
            case '#':
            case '^': {
                if (name.empty())
                    return error(position, QStringLiteral("The section has no name."));
                if (stack.size() > kMaxSectionNesting)
                    return error(position, QStringLiteral("Sections nest more than %1 levels deep here.")
                                               .arg(kMaxSectionNesting));
                flushText();
                Node section;
                section.kind = sigil == '#' ? Node::Kind::Section : Node::Kind::InvertedSection;
                section.text = name;
                section.position = position;
                names.push_back({name, position, stack.size() > 1});
                stack.push_back(std::move(section));
                break;
            }
            case '/': {
                if (stack.size() == 1)
                    return error(position, QStringLiteral("{{/%1}} closes no open section.").arg(qs(name)));
                if (stack.back().text != name)
                    return error(position,
                                 QStringLiteral("{{/%1}} cannot close the section \"%2\" opened at %3.")
                                     .arg(qs(name), qs(stack.back().text),
                                          place(m_sourceName, stack.back().position)));
                flushText();
                Node section = std::move(stack.back());
                stack.pop_back();
                stack.back().children.push_back(std::move(section));
                break;
            }
            case '>': {
                flushText();
                Node partial;
                partial.kind = Node::Kind::Partial;
                partial.dynamic = !name.empty() && name.front() == '*';
                partial.text =
                    partial.dynamic ? std::string(trimmed(std::string_view(name).substr(1))) : name;
                if (partial.text.empty())
                    return error(position, QStringLiteral("The partial has no name."));
                partial.indentation = std::move(indentation);
                partial.position = position;
                if (partial.dynamic)
                    names.push_back({partial.text, position, stack.size() > 1});
                stack.back().children.push_back(std::move(partial));
                break;
            }
            case '<':
            case '$':
                return error(
                    position,
                    QStringLiteral("Template inheritance ({{<parent}}, {{$block}}) is not supported."));
            default: {
                if (name.empty())
                    return error(position, QStringLiteral("The tag has no name."));
                flushText();
                Node variable;
                variable.kind = Node::Kind::Variable;
                variable.text = name;
                variable.escape = sigil != '&' && sigil != '{';
                variable.position = position;
                names.push_back({name, position, stack.size() > 1});
                stack.back().children.push_back(std::move(variable));
                break;
            }
            }
        }
        flushText();
        if (stack.size() > 1)
            return error(stack.back().position,
                         QStringLiteral("The section \"%1\" is never closed.").arg(qs(stack.back().text)));
        return std::move(stack.front().children);
    }

private:
    tl::unexpected<Error> error(TemplatePosition position, const QString &message) const
    {
        return fail(ErrorCode::InvalidArgument, message, place(m_sourceName, position));
    }

    std::string_view m_source;
    Positions m_positions;
    QString m_sourceName;
};

} // namespace

class MustacheTemplate::Renderer
{
public:
    explicit Renderer(const RenderOptions &options)
        : m_options(options)
    {}

    Result<void> render(const Node *nodes, std::size_t count, const QString &sourceName, std::string &out)
    {
        if (++m_depth > kMaxRenderNesting)
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("Sections and partials nest more than %1 levels deep.").arg(kMaxRenderNesting),
                sourceName);
        for (std::size_t i = 0; i < count; ++i) {
            if (auto rendered = renderNode(nodes[i], sourceName, out); !rendered)
                return rendered;
        }
        --m_depth;
        return {};
    }

    std::vector<const nlohmann::json *> &contexts() { return m_contexts; }

private:
    Result<void> renderNode(const Node &node, const QString &sourceName, std::string &out)
    {
        switch (node.kind) {
        case Node::Kind::Text:
            out += node.text;
            return {};
        case Node::Kind::Variable: {
            const nlohmann::json *value = lookup(node.text);
            if (!value)
                return missing(node, sourceName);
            out += node.escape && m_options.escapeHtml ? escapedHtml(textOf(*value)) : textOf(*value);
            return {};
        }
        case Node::Kind::Section:
        case Node::Kind::InvertedSection: {
            const nlohmann::json *value = lookup(node.text);
            if (!value && m_options.strict)
                return missing(node, sourceName);
            const bool truthy = isTruthy(value);
            if (node.kind == Node::Kind::InvertedSection)
                return truthy ? Result<void>()
                              : render(node.children.data(), node.children.size(), sourceName, out);
            if (!truthy)
                return {};
            if (value->is_array()) {
                for (const nlohmann::json &item : *value) {
                    m_contexts.push_back(&item);
                    auto rendered = render(node.children.data(), node.children.size(), sourceName, out);
                    m_contexts.pop_back();
                    if (!rendered)
                        return rendered;
                }
                return {};
            }
            m_contexts.push_back(value);
            auto rendered = render(node.children.data(), node.children.size(), sourceName, out);
            m_contexts.pop_back();
            return rendered;
        }
        case Node::Kind::Partial:
            return renderPartial(node, sourceName, out);
        }
        return {};
    }

    Result<void> renderPartial(const Node &node, const QString &sourceName, std::string &out)
    {
        std::string name = node.text;
        if (node.dynamic) {
            const nlohmann::json *value = lookup(node.text);
            if (!value || !value->is_string())
                return m_options.strict ? missing(node, sourceName) : Result<void>();
            name = value->get<std::string>();
        }
        const std::string key = name + '\n' + node.indentation;
        auto cached = m_partials.find(key);
        if (cached == m_partials.end()) {
            const std::optional<std::string> source =
                m_options.partials ? m_options.partials(name) : std::nullopt;
            if (!source) {
                if (m_options.strict)
                    return fail(ErrorCode::InvalidArgument,
                                QStringLiteral("There is no partial named \"%1\".").arg(qs(name)),
                                place(sourceName, node.position));
                return {};
            }
            auto parsed = MustacheTemplate::parse(
                node.indentation.empty() ? *source : indented(*source, node.indentation), qs(name));
            if (!parsed)
                return tl::unexpected(parsed.error());
            cached = m_partials.emplace(key, std::move(*parsed)).first;
        }
        if (m_partialDepth >= kMaxPartialNesting)
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("Partials nest more than %1 levels deep (does \"%2\" include itself?).")
                    .arg(kMaxPartialNesting)
                    .arg(qs(name)),
                place(sourceName, node.position));
        ++m_partialDepth;
        const Parsed &partial = *cached->second.m_parsed;
        auto rendered = render(partial.nodes.data(), partial.nodes.size(), partial.sourceName, out);
        --m_partialDepth;
        return rendered;
    }

    /** A dotted name: its first part from the innermost context that has it, the rest within that. */
    const nlohmann::json *lookup(const std::string &name) const
    {
        if (name == ".")
            return m_contexts.back();
        std::size_t end = name.find('.');
        const std::string first = name.substr(0, end);
        const nlohmann::json *value = nullptr;
        for (auto context = m_contexts.rbegin(); context != m_contexts.rend() && !value; ++context) {
            if ((*context)->is_object()) {
                if (const auto found = (*context)->find(first); found != (*context)->end())
                    value = &*found;
            }
        }
        while (value && end != std::string::npos) {
            const std::size_t start = end + 1;
            end = name.find('.', start);
            const std::string part =
                name.substr(start, end == std::string::npos ? std::string::npos : end - start);
            const auto found = value->is_object() ? value->find(part) : value->end();
            value = value->is_object() && found != value->end() ? &*found : nullptr;
        }
        return value;
    }

    Result<void> missing(const Node &node, const QString &sourceName) const
    {
        if (!m_options.strict)
            return {};
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("No value is named \"%1\".").arg(qs(node.text)),
                    place(sourceName, node.position));
    }

    const RenderOptions &m_options;
    std::vector<const nlohmann::json *> m_contexts;
    std::map<std::string, MustacheTemplate> m_partials; // by name and indentation, parsed once per render
    int m_depth = 0;
    int m_partialDepth = 0;
};

MustacheTemplate::MustacheTemplate(std::shared_ptr<const Parsed> parsed)
    : m_parsed(std::move(parsed))
{}

Result<MustacheTemplate> MustacheTemplate::parse(std::string_view source, const QString &sourceName)
{
    auto parsed = std::make_shared<Parsed>();
    parsed->sourceName = sourceName;
    Parser parser(source, sourceName);
    auto nodes = parser.parse(parsed->names);
    if (!nodes)
        return tl::unexpected(nodes.error());
    parsed->nodes = std::move(*nodes);
    return MustacheTemplate(std::move(parsed));
}

Result<std::string> MustacheTemplate::render(const nlohmann::json &data, const RenderOptions &options) const
{
    Renderer renderer(options);
    renderer.contexts().push_back(&data);
    std::string out;
    if (auto rendered =
            renderer.render(m_parsed->nodes.data(), m_parsed->nodes.size(), m_parsed->sourceName, out);
        !rendered)
        return tl::unexpected(rendered.error());
    return out;
}

const std::vector<TemplateName> &MustacheTemplate::names() const
{
    return m_parsed->names;
}

} // namespace Lathe::Templates
