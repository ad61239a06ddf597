// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptRendering.h"

#include "templates/MustacheTemplate.h"

namespace Lathe::Library
{

namespace
{

QString messageName(std::size_t index, const PromptMessage &message)
{
    return QStringLiteral("message %1 (%2)").arg(index + 1).arg(message.role);
}

} // namespace

PromptVariables variablesOf(const PromptContent &content)
{
    PromptVariables variables;
    for (std::size_t i = 0; i < content.messages.size(); ++i) {
        const QByteArray utf8 = content.messages[i].text.toUtf8();
        const auto parsed =
            Templates::MustacheTemplate::parse(std::string_view(utf8.constData(), std::size_t(utf8.size())),
                                               messageName(i, content.messages[i]));
        if (!parsed) {
            if (!variables.problem) {
                variables.problem = parsed.error();
                // The error's place ends ":line:column", as MustacheTemplate writes it.
                const QStringList parts = parsed.error().where.split(u':');
                if (parts.size() >= 3)
                    variables.problemPlace = {int(i),
                                              {parts[parts.size() - 2].toInt(), parts.back().toInt()}};
            }
            continue;
        }
        for (const Templates::TemplateName &name : parsed->names()) {
            if (name.insideSection || name.name == ".")
                continue;
            const QString root = QString::fromStdString(name.name.substr(0, name.name.find('.')));
            if (!variables.names.contains(root))
                variables.names << root;
        }
    }
    return variables;
}

Result<PromptContent> renderPrompt(const PromptContent &content, const nlohmann::json &values)
{
    Templates::RenderOptions options;
    options.strict = true;
    options.escapeHtml = false;
    PromptContent rendered = content;
    for (std::size_t i = 0; i < rendered.messages.size(); ++i) {
        PromptMessage &message = rendered.messages[i];
        const QByteArray utf8 = message.text.toUtf8();
        const auto parsed = Templates::MustacheTemplate::parse(
            std::string_view(utf8.constData(), std::size_t(utf8.size())), messageName(i, message));
        if (!parsed)
            return tl::unexpected(parsed.error());
        const auto text = parsed->render(values, options);
        if (!text)
            return tl::unexpected(text.error());
        message.text = QString::fromStdString(*text);
    }
    return rendered;
}

} // namespace Lathe::Library
