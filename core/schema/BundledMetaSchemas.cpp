// SPDX-License-Identifier: GPL-3.0-or-later
#include "BundledMetaSchemas.h"

#include <map>
#include <mutex>

#include <QFile>

#include "UriReference.h"

namespace Lathe::Schema
{

namespace
{

/** URI → resource path, from the index file written beside the meta-schemas. */
const std::map<std::string, QString, std::less<>> &metaSchemaIndex()
{
    static const std::map<std::string, QString, std::less<>> index = [] {
        std::map<std::string, QString, std::less<>> entries;
        QFile file(QStringLiteral(":/lathe/json-schema/index.txt"));
        if (!file.open(QIODevice::ReadOnly))
            return entries;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            const qsizetype tab = line.indexOf('\t');
            if (line.isEmpty() || line.startsWith('#') || tab < 0)
                continue;
            entries.emplace(line.left(tab).toStdString(), QStringLiteral(":/lathe/json-schema/") +
                                                              QString::fromUtf8(line.mid(tab + 1).trimmed()));
        }
        return entries;
    }();
    return index;
}

} // namespace

Result<nlohmann::json> bundledMetaSchema(const std::string &uri)
{
    const auto &index = metaSchemaIndex();
    const auto found = index.find(withoutEmptyFragment(uri));
    if (found == index.end())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("\"%1\" is not a bundled meta-schema.").arg(QString::fromStdString(uri)));
    static std::mutex mutex;
    static std::map<std::string, nlohmann::json, std::less<>> parsed;
    const std::lock_guard lock(mutex);
    if (const auto cached = parsed.find(found->first); cached != parsed.end())
        return cached->second;
    QFile file(found->second);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("Cannot read the bundled meta-schema."), found->second);
    const QByteArray bytes = file.readAll();
    nlohmann::json document =
        nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (document.is_discarded())
        return fail(ErrorCode::Protocol, QStringLiteral("The bundled meta-schema is not valid JSON."),
                    found->second);
    parsed.emplace(found->first, document);
    return document;
}

} // namespace Lathe::Schema
