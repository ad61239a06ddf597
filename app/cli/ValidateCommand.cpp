// SPDX-License-Identifier: GPL-3.0-or-later
#include "ValidateCommand.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include "CliSupport.h"
#include "schema/JsonSchema.h"

namespace Lathe::Cli
{

namespace
{

const QString kCommand = QStringLiteral("validate");

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), std::size_t(bytes.size())};
}

/** Reads file:// references from disk, so a schema can refer to the files beside it. */
Result<nlohmann::json> loadFileUri(const std::string &uri)
{
    const QUrl url(QString::fromStdString(uri));
    if (!url.isLocalFile())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("no --map-uri covers \"%1\"").arg(QString::fromStdString(uri)));
    const QString path = url.toLocalFile();
    const auto bytes = readInputFile(path);
    if (!bytes)
        return tl::unexpected(bytes.error());
    return Schema::parseJsonDocument(view(*bytes), path);
}

/** One line per error: "<instanceLocation> <keywordLocation> <message>". */
QString errorLine(const Schema::ValidationError &error)
{
    return QString::fromStdString(error.instanceLocation) + u' ' +
           QString::fromStdString(error.keywordLocation) + u' ' + error.message;
}

int validateOne(const Schema::JsonSchema &schema, const QString &path)
{
    const auto bytes = readInputFile(path);
    if (!bytes) {
        writeErr(QStringLiteral("lathe-cli validate: ") + bytes.error().toString());
        return ExitUsage;
    }
    const auto instance =
        Schema::parseJsonDocument(view(*bytes), path == u"-" ? QStringLiteral("stdin") : path);
    if (!instance) {
        writeErr(QStringLiteral("lathe-cli validate: ") + instance.error().where + u": " +
                 instance.error().message);
        return ExitUsage;
    }
    const Schema::ValidationReport report = schema.validate(*instance);
    if (report.valid) {
        writeOut(QStringLiteral("valid\n"));
        return ExitOk;
    }
    QString out = QStringLiteral("invalid\n");
    for (const Schema::ValidationError &error : report.errors)
        out += errorLine(error) + u'\n';
    writeOut(out);
    return ExitFailed;
}

/**
 * One verdict line per input line, in order: "valid", "invalid" followed by each error after
 * a tab, or "error" and where the line is not JSON. A bad line does not stop the rest.
 */
int validateLines(const Schema::JsonSchema &schema, const QString &path)
{
    const auto bytes = readInputFile(path);
    if (!bytes) {
        writeErr(QStringLiteral("lathe-cli validate: ") + bytes.error().toString());
        return ExitUsage;
    }
    const QString source = path == u"-" ? QStringLiteral("stdin") : path;
    int exitCode = ExitOk;
    qsizetype start = 0;
    int lineNumber = 0;
    QString out;
    while (start < bytes->size()) {
        if (out.size() > 64 * 1024) {
            writeOut(out);
            out.clear();
        }
        qsizetype end = bytes->indexOf('\n', start);
        if (end < 0)
            end = bytes->size();
        ++lineNumber;
        const qsizetype lineStartByte = start;
        QByteArray line = bytes->mid(start, end - start);
        if (line.endsWith('\r'))
            line.chop(1);
        start = end + 1;
        // Most lines of a log are valid: the verdict straight from the text settles them, and only
        // the others are parsed again for their errors or the place where they stop being JSON.
        if (schema.isValidText(view(line)).value_or(false)) {
            out += QStringLiteral("valid\n");
            continue;
        }
        const auto instance =
            Schema::parseJsonDocument(view(line), source, lineNumber, std::size_t(lineStartByte));
        if (!instance) {
            out += QStringLiteral("error %1: %2\n").arg(instance.error().where, instance.error().message);
            exitCode = ExitUsage;
            continue;
        }
        const Schema::ValidationReport report = schema.validate(*instance);
        if (report.valid) {
            out += QStringLiteral("valid\n");
            continue;
        }
        out += QStringLiteral("invalid");
        for (const Schema::ValidationError &error : report.errors)
            out += u'\t' + errorLine(error);
        out += u'\n';
        if (exitCode == ExitOk)
            exitCode = ExitFailed;
    }
    writeOut(out);
    return exitCode;
}

} // namespace

int validateCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Validate JSON against a JSON Schema (drafts 2020-12, 2019-09, 7, 6 and 4).\n\n"
        "Prints \"valid\", or \"invalid\" and then one line per failed assertion:\n"
        "<instanceLocation> <keywordLocation> <message> (JSON Pointers; the root is \"\").\n"
        "With --jsonl, each line of FILE is one instance and gets one verdict line, in order:\n"
        "\"valid\", \"invalid\" with each error after a tab, or \"error\" where the line is not JSON.\n"
        "Exit status: 0 valid, 1 invalid, 2 when the schema or an instance cannot be read or parsed."));
    parser.addOptions({
        {QStringLiteral("schema"), QStringLiteral("The schema file."), QStringLiteral("file")},
        {QStringLiteral("draft"),
         QStringLiteral("The draft of a schema without $schema: 2020-12 (default), 2019-09, 7, 6 or 4."),
         QStringLiteral("draft")},
        {QStringLiteral("format-assert"),
         QStringLiteral("Check \"format\" as an assertion, not an annotation.")},
        {QStringLiteral("jsonl"), QStringLiteral("Validate each line of this file as one instance."),
         QStringLiteral("file")},
        {QStringLiteral("map-uri"),
         QStringLiteral("Resolve references under PREFIX from the files in DIR (repeatable)."),
         QStringLiteral("PREFIX=DIR")},
    });
    parser.addPositionalArgument(QStringLiteral("instance"),
                                 QStringLiteral("The JSON to validate; - or nothing: stdin."),
                                 QStringLiteral("[INSTANCE.json|-]"));
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode, 1))
        return exitCode;
    if (!parser.isSet(QStringLiteral("schema")))
        return usageError(kCommand, QStringLiteral("--schema is required"));
    if (parser.isSet(QStringLiteral("jsonl")) && !parser.positionalArguments().isEmpty())
        return usageError(kCommand, QStringLiteral("give either --jsonl FILE or an instance file, not both"));

    Schema::SchemaOptions options;
    if (parser.isSet(QStringLiteral("draft"))) {
        const auto draft = Schema::draftFromName(parser.value(QStringLiteral("draft")));
        if (!draft)
            return usageError(kCommand, QStringLiteral("unknown draft '%1'; known: 2020-12, 2019-09, 7, 6, 4")
                                            .arg(parser.value(QStringLiteral("draft"))));
        options.defaultDraft = *draft;
    }
    options.formatAssertion = parser.isSet(QStringLiteral("format-assert"));
    std::vector<Schema::SchemaLoader> loaders;
    for (const QString &mapping : parser.values(QStringLiteral("map-uri"))) {
        const qsizetype equals = mapping.indexOf(u'=');
        if (equals <= 0 || equals == mapping.size() - 1)
            return usageError(kCommand, QStringLiteral("--map-uri takes PREFIX=DIR, not '%1'").arg(mapping));
        const QString directory = mapping.mid(equals + 1);
        if (!QFileInfo(directory).isDir())
            return usageError(kCommand, QStringLiteral("--map-uri: '%1' is not a folder").arg(directory));
        loaders.push_back(Schema::folderLoader(mapping.left(equals).toStdString(), directory));
    }
    loaders.push_back(loadFileUri);
    options.loader = Schema::combinedLoader(std::move(loaders));

    const QString schemaPath = parser.value(QStringLiteral("schema"));
    const auto schemaBytes = readInputFile(schemaPath);
    if (!schemaBytes) {
        writeErr(QStringLiteral("lathe-cli validate: ") + schemaBytes.error().toString());
        return ExitUsage;
    }
    const auto schemaJson = Schema::parseJsonDocument(view(*schemaBytes), schemaPath);
    if (!schemaJson) {
        writeErr(QStringLiteral("lathe-cli validate: ") + schemaJson.error().where + u": " +
                 schemaJson.error().message);
        return ExitUsage;
    }
    if (schemaPath != u"-")
        options.baseUri =
            QUrl::fromLocalFile(QFileInfo(schemaPath).absoluteFilePath()).toString().toStdString();
    const auto schema = Schema::JsonSchema::compile(*schemaJson, options);
    if (!schema) {
        writeErr(QStringLiteral("lathe-cli validate: %1: invalid schema: %2")
                     .arg(schemaPath, schema.error().toString()));
        return ExitUsage;
    }

    if (parser.isSet(QStringLiteral("jsonl")))
        return validateLines(*schema, parser.value(QStringLiteral("jsonl")));
    const QStringList positional = parser.positionalArguments();
    return validateOne(*schema, positional.isEmpty() ? QStringLiteral("-") : positional.first());
}

} // namespace Lathe::Cli
