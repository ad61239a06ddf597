// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptyExchange.h"

#include <QFile>
#include <QFileInfo>

#include "base/Utf8.h"

namespace Lathe::Library
{

Result<PromptyDocument> readPromptyBytes(const QByteArray &bytes, const QString &source)
{
    if (const auto offset = firstInvalidUtf8Offset(bytes))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("not UTF-8 at byte %1; save the file as UTF-8").arg(*offset), source);
    return readPrompty(QString::fromUtf8(bytes), source);
}

Result<PromptyDocument> readPromptyFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot read: %1").arg(file.errorString()), path);
    return readPromptyBytes(file.readAll(), path);
}

QString importName(const PromptyDocument &document, const QString &path)
{
    if (!document.name.isEmpty())
        return document.name;
    return path.isEmpty() ? QString() : QFileInfo(path).completeBaseName();
}

Result<PromptyImport> importPrompty(PromptLibrary &library, const PromptyDocument &document,
                                    const QString &name, const QString &message, const QString &author)
{
    if (const auto problem = PromptLibrary::nameProblem(name))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("cannot name a prompt: %1").arg(*problem),
                    name);
    PromptyImport imported;
    if (!document.description.isEmpty())
        imported.notes.push_back(
            {u"description"_qs, QStringLiteral("not kept: a Lathe prompt has no description")});
    QStringList tags;
    for (const QString &tag : document.tags) {
        if (const auto problem = PromptLibrary::tagProblem(tag))
            imported.notes.push_back(
                {u"tags"_qs, QStringLiteral("\"%1\" is not kept: %2").arg(tag, *problem)});
        else
            tags << tag;
    }
    auto saved = library.save(name, document.content, message, author);
    if (!saved)
        return tl::unexpected(saved.error());
    imported.saved = std::move(*saved);
    if (!tags.isEmpty()) {
        if (auto set = library.setTags(name, tags); !set)
            return tl::unexpected(set.error());
    }
    if (document.sample.is_object() && !document.sample.empty()) {
        const Scenario sample{u"sample"_qs, scenarioValuesOfSample(document.sample), {}};
        // A "sample" the user has edited since the last import is replaced: say so.
        auto existing = library.scenarios(name);
        if (!existing)
            return tl::unexpected(existing.error());
        for (const Scenario &kept : *existing) {
            if (kept.name == sample.name && kept.values != sample.values)
                imported.notes.push_back(
                    {u"sample"_qs,
                     QStringLiteral("replaces the prompt's scenario \"sample\", which held other values")});
        }
        if (auto kept = library.saveScenario(name, sample); !kept)
            return tl::unexpected(kept.error());
    }
    return imported;
}

Result<PromptyDocument> promptyOfVersion(PromptLibrary &library, const PromptVersion &version)
{
    PromptyDocument document;
    document.content = version.content;
    document.name = version.prompt;
    auto tags = library.tags(version.prompt);
    if (!tags)
        return tl::unexpected(tags.error());
    document.tags = std::move(*tags);
    const auto scenarios = library.scenarios(version.prompt);
    if (!scenarios)
        return tl::unexpected(scenarios.error());
    const auto scenario = std::find_if(scenarios->begin(), scenarios->end(),
                                       [](const Scenario &each) { return each.name == u"default"; });
    if (scenario != scenarios->end() || !scenarios->empty())
        document.sample = sampleOfScenario(scenario != scenarios->end() ? *scenario : scenarios->front(),
                                           version.content.variables);
    return document;
}

} // namespace Lathe::Library
