// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptCommand.h"

#include <QRegularExpression>

#include "CliSupport.h"
#include "library/PromptDiff.h"
#include "library/PromptLibrary.h"
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

} // namespace

int promptCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The prompt library in a workspace.\n\n"
        "  list                      every prompt: name, latest version, labels\n"
        "  show REF                  a version as role-marked text (REF: NAME, NAME@3, NAME@production)\n"
        "  save NAME --file F        a new version from role-marked text (\"system:\", \"user:\",\n"
        "                            \"assistant:\" lines); unchanged content creates nothing\n"
        "  diff REF REF              what changed between two versions\n"
        "  label NAME@VERSION LABEL  point a label (production, staging, ...) at a version\n"
        "  history NAME              one line per version, newest first\n\n"
        "Exit status: 0 done, 1 when the workspace refuses (no such prompt, version or label),\n"
        "2 when the command line or a file is unusable."));
    parser.addOptions({
        {QStringLiteral("workspace"),
         QStringLiteral("The workspace file (default: %1).").arg(Store::Workspace::defaultPath()),
         QStringLiteral("file")},
        {QStringLiteral("file"), QStringLiteral("save: the role-marked text; - for stdin."),
         QStringLiteral("file")},
        {QStringLiteral("message"), QStringLiteral("save: what changed."), QStringLiteral("text")},
        {QStringLiteral("author"), QStringLiteral("save, label: who (default: $USER)."),
         QStringLiteral("name")},
        {QStringLiteral("json"), QStringLiteral("show: the version as JSON, with its metadata.")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode, 3))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(kCommand,
                          QStringLiteral("give an action: list, show, save, diff, label or history"));
    const QString action = positional.front();
    const auto expect = [&](qsizetype count, const QString &usage) -> bool {
        if (positional.size() == count + 1)
            return true;
        exitCode = usageError(kCommand, QStringLiteral("usage: lathe-cli prompt %1").arg(usage));
        return false;
    };
    static const QStringList kActions{u"list"_qs, u"show"_qs,  u"save"_qs,
                                      u"diff"_qs, u"label"_qs, u"history"_qs};
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
        const QString file = parser.value(QStringLiteral("file"));
        const auto bytes = readInputFile(file);
        if (!bytes)
            return usageError(kCommand, bytes.error().toString());
        const QString text = QString::fromUtf8(*bytes);
        if (text.startsWith(u"---"))
            return usageError(kCommand,
                              QStringLiteral("%1 starts with YAML front matter; whole .prompty files are not "
                                             "read yet: pass the role-marked body")
                                  .arg(file));
        auto content = Library::PromptContent::fromRoleMarkedText(text, file == u"-" ? u"stdin"_qs : file);
        if (!content)
            return usageError(kCommand, content.error().where + u": " + content.error().message);
        const auto saved =
            library.save(positional[1], *content, parser.value(QStringLiteral("message")), author);
        if (!saved)
            return failWith(saved.error());
        writeOut(saved->created
                     ? QStringLiteral("saved %1@%2\n").arg(saved->version.prompt).arg(saved->version.number)
                     : QStringLiteral("unchanged: %1@%2 has this content\n")
                           .arg(saved->version.prompt)
                           .arg(saved->version.number));
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
