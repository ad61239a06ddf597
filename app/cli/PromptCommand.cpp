// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptCommand.h"

#include <algorithm>

#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include "CliSupport.h"
#include "library/PromptDiff.h"
#include "library/PromptLibrary.h"
#include "library/PromptyExchange.h"
#include "library/PromptyFile.h"
#include "store/Workspace.h"

namespace Lathe::Cli
{

using Library::DiffLine;
using Library::MessageDiff;
using Library::PromptLibrary;

namespace
{

const QString kCommand = QStringLiteral("prompt");

QString timeText(const QDateTime &time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

/** A diff line for a terminal: "-"/"+"/" " and the text, changed words in [-…-] and {+…+}. */
QString diffLineText(const DiffLine &line)
{
    const bool removed = line.kind == DiffLine::Kind::Removed;
    QString text = line.text;
    for (auto range = line.changed.rbegin(); range != line.changed.rend(); ++range) {
        text.insert(range->second, removed ? u"-]"_qs : u"+}"_qs);
        text.insert(range->first, removed ? u"[-"_qs : u"{+"_qs);
    }
    const QChar mark = line.kind == DiffLine::Kind::Same ? u' ' : removed ? u'-' : u'+';
    return mark + text + u'\n';
}

QString jsonText(const std::optional<nlohmann::json> &value)
{
    return value ? QString::fromStdString(value->dump()) : QStringLiteral("(none)");
}

QString renderDiff(const Library::PromptDiff &diff, const QString &from, const QString &to)
{
    QString out = u"--- "_qs + from + u"\n+++ "_qs + to + u'\n';
    if (diff.identical())
        return out + u"(no differences)\n"_qs;
    for (const MessageDiff &message : diff.messages) {
        if (message.kind == MessageDiff::Kind::Same)
            continue;
        const QString where =
            message.kind == MessageDiff::Kind::Added
                ? QStringLiteral("message %1 (%2), added").arg(message.newIndex + 1).arg(message.newRole)
            : message.kind == MessageDiff::Kind::Removed
                ? QStringLiteral("message %1 (%2), removed").arg(message.oldIndex + 1).arg(message.oldRole)
            : message.oldRole == message.newRole
                ? QStringLiteral("message %1 (%2)").arg(message.newIndex + 1).arg(message.newRole)
                : QStringLiteral("message %1 (%2, was %3)")
                      .arg(message.newIndex + 1)
                      .arg(message.newRole, message.oldRole);
        out += u"@@ "_qs + where + u'\n';
        for (const DiffLine &line : message.lines)
            out += diffLineText(line);
    }
    if (!diff.parameters.empty()) {
        out += u"@@ parameters\n"_qs;
        for (const auto &change : diff.parameters)
            out +=
                QStringLiteral(" %1: %2 -> %3\n")
                    .arg(QString::fromStdString(change.key), jsonText(change.before), jsonText(change.after));
    }
    if (!diff.schema.empty()) {
        out += u"@@ response schema\n"_qs;
        for (const DiffLine &line : diff.schema)
            out += diffLineText(line);
    }
    return out;
}

QString defaultAuthor()
{
    const QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    return user;
}

int failWith(const Error &error)
{
    writeErr(QStringLiteral("lathe-cli prompt: ") +
             (error.where.isEmpty() ? QString() : error.where + u": ") + error.message);
    return ExitFailed;
}

void writeNotes(const std::vector<Library::PromptyNote> &notes)
{
    for (const Library::PromptyNote &note : notes)
        writeErr(QStringLiteral("lathe-cli prompt: note: %1: %2").arg(note.where, note.what));
}

/** A role-marked text or a whole .prompty file ("-": stdin), read with its notes on stderr. */
Result<Library::PromptyDocument> readPromptyInput(const QString &file)
{
    const auto bytes = readInputFile(file);
    if (!bytes)
        return tl::unexpected(bytes.error());
    auto document = Library::readPromptyBytes(*bytes, file == u"-" ? u"stdin"_qs : file);
    if (document)
        writeNotes(document->notes);
    return document;
}

int fileError(const Error &error)
{
    return usageError(kCommand, (error.where.isEmpty() ? QString() : error.where + u": ") + error.message);
}

void reportSave(const Library::SaveOutcome &saved)
{
    writeOut(saved.created
                 ? QStringLiteral("saved %1@%2\n").arg(saved.version.prompt).arg(saved.version.number)
                 : QStringLiteral("unchanged: %1@%2 has this content\n")
                       .arg(saved.version.prompt)
                       .arg(saved.version.number));
}

} // namespace

int promptCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The prompt library in a workspace.\n\n"
        "  list                      every prompt: name, latest version, labels\n"
        "  show REF                  a version as role-marked text (REF: NAME, NAME@3, NAME@production)\n"
        "  save NAME --file F        a new version from role-marked text (\"system:\", \"user:\",\n"
        "                            \"assistant:\" lines) or a .prompty file; unchanged content\n"
        "                            creates nothing\n"
        "  export REF --prompty OUT  a version as a Prompty file (- for stdout), with the prompt's\n"
        "                            tags and its default scenario as the sample\n"
        "  import --prompty IN       a .prompty file (v1 or v2) as a new version of the prompt named\n"
        "                            by --name, the file's name field or the file's base name; its\n"
        "                            sample becomes the scenario \"sample\"\n"
        "  diff REF REF              what changed between two versions\n"
        "  label NAME@VERSION LABEL  point a label (production, staging, ...) at a version\n"
        "  history NAME              one line per version, newest first\n\n"
        "Exit status: 0 done, 1 when the workspace refuses (no such prompt, version or label),\n"
        "2 when the command line or a file is unusable. What a .prompty file holds that Lathe does\n"
        "not keep (connections, authors, ...), or the reverse, is named on stderr as a note."));
    parser.addOptions({
        {QStringLiteral("workspace"),
         QStringLiteral("The workspace file (default: %1).").arg(Store::Workspace::defaultPath()),
         QStringLiteral("file")},
        {QStringLiteral("file"), QStringLiteral("save: the role-marked text or .prompty file; - for stdin."),
         QStringLiteral("file")},
        {QStringLiteral("prompty"),
         QStringLiteral("export, import: the .prompty file; - for stdout or stdin."), QStringLiteral("file")},
        {QStringLiteral("name"), QStringLiteral("import: the prompt's name."), QStringLiteral("name")},
        {QStringLiteral("message"), QStringLiteral("save, import: what changed."), QStringLiteral("text")},
        {QStringLiteral("author"), QStringLiteral("save, import, label: who (default: $USER)."),
         QStringLiteral("name")},
        {QStringLiteral("json"), QStringLiteral("show: the version as JSON, with its metadata.")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode, 3))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(
            kCommand,
            QStringLiteral("give an action: list, show, save, export, import, diff, label or history"));
    const QString action = positional.front();
    const auto expect = [&](qsizetype count, const QString &usage) -> bool {
        if (positional.size() == count + 1)
            return true;
        exitCode = usageError(kCommand, QStringLiteral("usage: lathe-cli prompt %1").arg(usage));
        return false;
    };
    static const QStringList kActions{u"list"_qs,   u"show"_qs, u"save"_qs,  u"export"_qs,
                                      u"import"_qs, u"diff"_qs, u"label"_qs, u"history"_qs};
    if (!kActions.contains(action))
        return usageError(kCommand,
                          QStringLiteral("unknown action '%1'; use %2").arg(action, kActions.join(u", ")));

    const QString path = parser.isSet(QStringLiteral("workspace")) ? parser.value(QStringLiteral("workspace"))
                                                                   : Store::Workspace::defaultPath();
    auto workspace = Store::Workspace::open(path);
    if (!workspace)
        return usageError(kCommand, workspace.error().toString());
    PromptLibrary library(workspace->database());
    const QString author =
        parser.isSet(QStringLiteral("author")) ? parser.value(QStringLiteral("author")) : defaultAuthor();

    if (action == u"list") {
        if (!expect(0, u"list"_qs))
            return exitCode;
        const auto prompts = library.list();
        if (!prompts)
            return failWith(prompts.error());
        QString out;
        for (const auto &prompt : *prompts)
            out += QStringLiteral("%1\t%2\t%3\n")
                       .arg(prompt.name)
                       .arg(prompt.latestVersion)
                       .arg(prompt.labels.join(u' '));
        writeOut(out);
        return ExitOk;
    }
    if (action == u"show") {
        if (!expect(1, u"show NAME[@VERSION|@LABEL]"_qs))
            return exitCode;
        const auto version = library.resolve(positional[1]);
        if (!version)
            return failWith(version.error());
        if (parser.isSet(QStringLiteral("json"))) {
            nlohmann::json json = version->content.toJson();
            json["prompt"] = version->prompt.toStdString();
            json["version"] = version->number;
            json["hash"] = version->hash.toStdString();
            json["message"] = version->message.toStdString();
            json["author"] = version->author.toStdString();
            json["created_at"] = version->createdAt.toString(Qt::ISODateWithMs).toStdString();
            json["labels"] = nlohmann::json::array();
            for (const QString &label : version->labels)
                json["labels"].push_back(label.toStdString());
            writeOut(QString::fromStdString(json.dump(2)) + u'\n');
        } else {
            writeOut(version->content.toRoleMarkedText());
        }
        return ExitOk;
    }
    if (action == u"save") {
        if (!expect(1, u"save NAME --file F [--message M]"_qs))
            return exitCode;
        if (!parser.isSet(QStringLiteral("file")))
            return usageError(kCommand, QStringLiteral("save needs --file (role-marked text; - for stdin)"));
        const auto document = readPromptyInput(parser.value(QStringLiteral("file")));
        if (!document)
            return fileError(document.error());
        if (!document->tags.isEmpty() || document->sample.is_object())
            writeNotes({{u"tags, sample"_qs, QStringLiteral("not kept by save; prompt import keeps them")}});
        const auto saved =
            library.save(positional[1], document->content, parser.value(QStringLiteral("message")), author);
        if (!saved)
            return failWith(saved.error());
        reportSave(*saved);
        return ExitOk;
    }
    if (action == u"export") {
        if (!expect(1, u"export NAME[@VERSION|@LABEL] --prompty OUT"_qs))
            return exitCode;
        if (!parser.isSet(QStringLiteral("prompty")))
            return usageError(kCommand, QStringLiteral("export needs --prompty OUT (- for stdout)"));
        const auto version = library.resolve(positional[1]);
        if (!version)
            return failWith(version.error());
        const auto document = Library::promptyOfVersion(library, *version);
        if (!document)
            return failWith(document.error());
        const Library::PromptyText written = Library::writePrompty(*document);
        writeNotes(written.notes);
        const QString out = parser.value(QStringLiteral("prompty"));
        if (out == u"-") {
            writeOut(written.text);
            return ExitOk;
        }
        QSaveFile file(out);
        if (!file.open(QIODevice::WriteOnly) || file.write(written.text.toUtf8()) < 0 || !file.commit())
            return usageError(kCommand, QStringLiteral("%1: cannot write: %2").arg(out, file.errorString()));
        writeOut(QStringLiteral("exported %1@%2 to %3\n").arg(version->prompt).arg(version->number).arg(out));
        return ExitOk;
    }
    if (action == u"import") {
        if (!expect(0, u"import --prompty IN [--name NAME] [--message M]"_qs))
            return exitCode;
        if (!parser.isSet(QStringLiteral("prompty")))
            return usageError(kCommand, QStringLiteral("import needs --prompty IN (- for stdin)"));
        const QString in = parser.value(QStringLiteral("prompty"));
        const auto document = readPromptyInput(in);
        if (!document)
            return fileError(document.error());
        const QString name = parser.isSet(QStringLiteral("name"))
                                 ? parser.value(QStringLiteral("name"))
                                 : Library::importName(*document, in == u"-" ? QString() : in);
        if (name.isEmpty())
            return usageError(kCommand, QStringLiteral("the file names no prompt; give --name"));
        if (const auto problem = PromptLibrary::nameProblem(name))
            return usageError(
                kCommand,
                QStringLiteral("cannot name a prompt \"%1\": %2 (give --name)").arg(name, *problem));
        const auto imported =
            Library::importPrompty(library, *document, name, parser.value(QStringLiteral("message")), author);
        if (!imported)
            return failWith(imported.error());
        writeNotes(imported->notes);
        reportSave(imported->saved);
        return ExitOk;
    }
    if (action == u"diff") {
        if (!expect(2, u"diff REF REF"_qs))
            return exitCode;
        const auto from = library.resolve(positional[1]);
        if (!from)
            return failWith(from.error());
        const auto to = library.resolve(positional[2]);
        if (!to)
            return failWith(to.error());
        writeOut(renderDiff(Library::diffPrompts(from->content, to->content),
                            QStringLiteral("%1@%2").arg(from->prompt).arg(from->number),
                            QStringLiteral("%1@%2").arg(to->prompt).arg(to->number)));
        return ExitOk;
    }
    if (action == u"label") {
        if (!expect(2, u"label NAME@VERSION LABEL"_qs))
            return exitCode;
        static const QRegularExpression kReference(QStringLiteral("^(.+)@([0-9]+)$"));
        const auto match = kReference.match(positional[1]);
        if (!match.hasMatch())
            return usageError(
                kCommand,
                QStringLiteral("label takes NAME@VERSION, e.g. triage@3, not '%1'").arg(positional[1]));
        const auto moved =
            library.setLabel(match.captured(1), match.captured(2).toInt(), positional[2], author);
        if (!moved)
            return failWith(moved.error());
        writeOut(
            moved->fromVersion == moved->toVersion ? QStringLiteral("%1 already points at %2@%3\n")
                                                         .arg(moved->label, match.captured(1))
                                                         .arg(moved->toVersion)
            : moved->fromVersion
                ? QStringLiteral("%1: %2@%3 -> %2@%4\n")
                      .arg(moved->label, match.captured(1))
                      .arg(*moved->fromVersion)
                      .arg(moved->toVersion)
                : QStringLiteral("%1: %2@%3\n").arg(moved->label, match.captured(1)).arg(moved->toVersion));
        return ExitOk;
    }
    // history
    if (!expect(1, u"history NAME"_qs))
        return exitCode;
    const auto versions = library.history(positional[1]);
    if (!versions)
        return failWith(versions.error());
    QString out;
    for (const auto &version : *versions)
        out += QStringLiteral("%1\t%2\t%3\t%4\t%5\n")
                   .arg(version.number)
                   .arg(timeText(version.createdAt), version.author, version.labels.join(u' '),
                        QString(version.message).replace(u'\n', u' '));
    writeOut(out);
    return ExitOk;
}

} // namespace Lathe::Cli
