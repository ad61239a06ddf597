// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <QString>

#include <nlohmann/json.hpp>

#include "base/Result.h"

namespace Lathe::Templates
{

/** Where a name is used in a template: 1-based line and column (in characters). */
struct TemplatePosition
{
    int line = 1;
    int column = 1;
};

/** A name a template looks up, at its first use. */
struct TemplateName
{
    std::string name; ///< as written, e.g. "customer.name"; "." is the current item
    TemplatePosition position;
    bool insideSection = false; ///< may come from a section's item rather than the data's root
};

/** Finds a partial's source by name; nullopt when there is none. */
using PartialLoader = std::function<std::optional<std::string>(const std::string &name)>;

struct RenderOptions
{
    /**
     * A name that resolves to nothing is an error naming it and its place. Off, it renders as
     * the empty string (and a section over it as false), as the specification says.
     */
    bool strict = false;
    /** Escape & " < > in {{name}} as HTML, as the specification says. Prompts for a model turn it off. */
    bool escapeHtml = true;
    /** Partials ({{> name}}); without a loader every partial is missing. */
    PartialLoader partials;
};

/**
 * A Mustache template (https://github.com/mustache/spec, v1.4): interpolation with dotted names
 * and the implicit iterator, sections and inverted sections, comments, partials with standalone
 * indentation, set delimiters, and dynamic partial names ({{>*name}}) from the optional modules.
 * Not supported: lambdas (JSON data holds no code) and inheritance ({{<parent}}, {{$block}}),
 * which are errors naming their place.
 *
 * Output is byte-exact: nothing is added or normalized, and line endings are kept. A section
 * renders for a value that is not false, null, missing, an empty list or an empty string; a
 * list repeats it once per item. Parsing is iterative and sections may nest 1,000 deep;
 * partials may nest 100 deep (a partial that includes itself ends there with an error).
 *
 * Immutable once parsed; render() may run from several threads at once.
 */
class MustacheTemplate
{
public:
    /**
     * Fails on an unclosed tag or section, a closing tag that does not match, or a bad delimiter
     * change, naming `sourceName`, the line and the column: "prompt.mustache:3:14".
     */
    static Result<MustacheTemplate> parse(std::string_view source,
                                          const QString &sourceName = QStringLiteral("template"));

    /** Renders against `data` (the root of the context stack). */
    Result<std::string> render(const nlohmann::json &data, const RenderOptions &options = {}) const;

    /** Every name the template looks up (interpolations, sections, dynamic partials), first use first. */
    const std::vector<TemplateName> &names() const;

    struct Node;

private:
    struct Parsed;
    class Renderer;
    explicit MustacheTemplate(std::shared_ptr<const Parsed> parsed);
    std::shared_ptr<const Parsed> m_parsed;
};

} // namespace Lathe::Templates
