// SPDX-License-Identifier: GPL-3.0-or-later
#include "RenderCommand.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "CliSupport.h"
#include "schema/JsonSchema.h"
#include "templates/MustacheTemplate.h"

namespace Lathe::Cli
{

namespace
{

const QString kCommand = QStringLiteral("render");

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), std::size_t(bytes.size())};
}

/**
 * `{{> name}}` reads DIR/name.mustache. A name may go into subfolders of DIR but not out of it,
 * so a template cannot make the command read other files.
 */
Templates::PartialLoader folderPartials(const QString &directory)
{
    return [root = QDir(directory).canonicalPath()](const std::string &name) -> std::optional<std::string> {
        const QString relative = QString::fromStdString(name) + u".mustache";
        if (root.isEmpty() || QDir::isAbsolutePath(relative) || relative.split(u'/').contains(u".."_qs))
            return std::nullopt;
        const QString path = QFileInfo(QDir(root).filePath(relative)).canonicalFilePath();
        if (path.isEmpty() || !path.startsWith(root + u'/'))
            return std::nullopt;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return std::nullopt;
        return file.readAll().toStdString();
    };
}

} // namespace

int renderCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Render a Mustache template with JSON data to stdout, byte for byte, with no newline added.\n\n"
        "A partial {{> name}} is read from DIR/name.mustache. Without --strict a name with no value\n"
        "renders as nothing, as the Mustache specification says; with --strict it is an error.\n"
        "{{name}} is not HTML-escaped unless --escape-html is given (the output is a prompt, not HTML);\n"
        "{{{name}}} and {{&name}} never are.\n"
        "Exit status: 0 rendered, 2 when a file cannot be read or the template or data is invalid\n"
        "(the message names the file, line and column)."));
    parser.addOptions({
        {QStringLiteral("template"), QStringLiteral("The template file; - for stdin."),
         QStringLiteral("file")},
        {QStringLiteral("data"), QStringLiteral("The data, a JSON file (default: {})."),
         QStringLiteral("file")},
        {QStringLiteral("partials"), QStringLiteral("The folder partials are read from."),
         QStringLiteral("dir")},
        {QStringLiteral("strict"), QStringLiteral("A name with no value is an error.")},
        {QStringLiteral("escape-html"), QStringLiteral("Escape & \" < > in {{name}} as HTML.")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode, 0))
        return exitCode;
    if (!parser.isSet(QStringLiteral("template")))
        return usageError(kCommand, QStringLiteral("--template is required"));
    const QString templatePath = parser.value(QStringLiteral("template"));
    if (templatePath == u"-" && parser.value(QStringLiteral("data")) == u"-")
        return usageError(kCommand, QStringLiteral("the template and the data cannot both come from stdin"));

    const auto source = readInputFile(templatePath);
    if (!source)
        return usageError(kCommand, source.error().toString());
    nlohmann::json data = nlohmann::json::object();
    if (parser.isSet(QStringLiteral("data"))) {
        const QString dataPath = parser.value(QStringLiteral("data"));
        const auto bytes = readInputFile(dataPath);
        if (!bytes)
            return usageError(kCommand, bytes.error().toString());
        auto parsed =
            Schema::parseJsonDocument(view(*bytes), dataPath == u"-" ? QStringLiteral("stdin") : dataPath);
        if (!parsed)
            return usageError(kCommand, parsed.error().where + u": " + parsed.error().message);
        data = std::move(*parsed);
    }
    Templates::RenderOptions options;
    options.strict = parser.isSet(QStringLiteral("strict"));
    options.escapeHtml = parser.isSet(QStringLiteral("escape-html"));
    if (parser.isSet(QStringLiteral("partials"))) {
        const QString directory = parser.value(QStringLiteral("partials"));
        if (!QFileInfo(directory).isDir())
            return usageError(kCommand, QStringLiteral("--partials: '%1' is not a folder").arg(directory));
        options.partials = folderPartials(directory);
    }

    const auto parsedTemplate = Templates::MustacheTemplate::parse(
        view(*source), templatePath == u"-" ? QStringLiteral("stdin") : templatePath);
    if (!parsedTemplate)
        return usageError(kCommand, parsedTemplate.error().where + u": " + parsedTemplate.error().message);
    const auto rendered = parsedTemplate->render(data, options);
    if (!rendered)
        return usageError(kCommand, rendered.error().where + u": " + rendered.error().message);
    writeOutBytes(*rendered);
    return ExitOk;
}

} // namespace Lathe::Cli
