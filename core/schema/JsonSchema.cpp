// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonSchema.h"

#include <QDir>
#include <QFile>

#include "JsonPointer.h"
#include "JsonRepair.h"
#include "SchemaCompiler.h"
#include "SchemaEvaluator.h"

namespace Lathe::Schema
{

JsonSchema::JsonSchema(std::shared_ptr<const CompiledSchema> compiled)
    : m_compiled(std::move(compiled))
{}

namespace
{

/** Whether a value nests deeper than `limit` arrays and objects, found without recursion. */
bool nestsDeeperThan(const nlohmann::json &value, int limit)
{
    std::vector<std::pair<const nlohmann::json *, int>> pending{{&value, 1}};
    while (!pending.empty()) {
        const auto [current, depth] = pending.back();
        pending.pop_back();
        if (!current->is_structured())
            continue;
        if (depth > limit)
            return true;
        for (const nlohmann::json &child : *current)
            pending.emplace_back(&child, depth + 1);
    }
    return false;
}

} // namespace

Result<JsonSchema> JsonSchema::compile(const nlohmann::json &schema, const SchemaOptions &options)
{
    // Copying and comparing nlohmann values recurses; a schema this deep is no real schema.
    if (nestsDeeperThan(schema, kMaxJsonNesting))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("The schema nests more than %1 levels of objects and arrays.")
                        .arg(kMaxJsonNesting),
                    QStringLiteral("#"));
    SchemaCompiler compiler(options);
    auto compiled = compiler.compile(schema);
    if (!compiled)
        return tl::unexpected(compiled.error());
    return JsonSchema(std::move(*compiled));
}

namespace
{

/** The thread's flattened instance, reused so that once warm a verdict allocates nothing. */
FlatJson &threadInstances()
{
    thread_local FlatJson instances;
    return instances;
}

} // namespace

bool JsonSchema::isValid(const nlohmann::json &instance) const
{
    FlatJson &instances = threadInstances();
    instances.clear();
    const std::size_t root = instances.append(instance);
    SchemaEvaluator evaluator(*m_compiled, instances, nullptr);
    const bool valid = evaluator.evaluate(*m_compiled->root, instances[root], nullptr);
    instances.trim();
    return valid;
}

Result<bool> JsonSchema::isValidText(std::string_view text, const QString &source) const
{
    FlatJson &instances = threadInstances();
    if (instances.assignText(text)) {
        SchemaEvaluator evaluator(*m_compiled, instances, nullptr);
        const bool valid = evaluator.evaluate(*m_compiled->root, instances[0], nullptr);
        instances.trim();
        return valid;
    }
    instances.trim();
    // simdjson refused it. nlohmann::json reads a little more (integers beyond 64 bits, deeper
    // nesting) and, when it is not JSON, says where.
    auto parsed = parseJsonDocument(text, source);
    if (!parsed)
        return tl::unexpected(parsed.error());
    return isValid(*parsed);
}

ValidationReport JsonSchema::validate(const nlohmann::json &instance) const
{
    ValidationReport report;
    FlatJson instances;
    const std::size_t root = instances.append(instance);
    SchemaEvaluator evaluator(*m_compiled, instances, &report.errors);
    report.valid = evaluator.evaluate(*m_compiled->root, instances[root], nullptr);
    return report;
}

ValidationReport JsonSchema::validatePartial(const nlohmann::json &instance,
                                             const std::string &openPointer) const
{
    ValidationReport report;
    const std::vector<std::string> openTokens =
        parsePointer(openPointer).value_or(std::vector<std::string>());
    FlatJson instances;
    const std::size_t root = instances.append(instance);
    SchemaEvaluator evaluator(*m_compiled, instances, &report.errors);
    evaluator.setOpenPath(&openTokens);
    report.valid = evaluator.evaluate(*m_compiled->root, instances[root], nullptr);
    return report;
}

Draft JsonSchema::draft() const
{
    return m_compiled->root->resource->draft;
}

SchemaLoader folderLoader(std::string prefix, QString directory)
{
    return [prefix = std::move(prefix),
            directory = std::move(directory)](const std::string &uri) -> Result<nlohmann::json> {
        if (!uri.starts_with(prefix))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("\"%1\" is outside %2.")
                            .arg(QString::fromStdString(uri), QString::fromStdString(prefix)));
        const QString relative = QString::fromStdString(uri.substr(prefix.size()));
        if (relative.split(u'/').contains(u".."_qs))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("\"%1\" leaves the mapped folder.").arg(QString::fromStdString(uri)));
        const QString path = QDir(directory).filePath(relative);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(ErrorCode::Io, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()),
                        path);
        const QByteArray bytes = file.readAll();
        return parseJsonDocument(std::string_view(bytes.constData(), std::size_t(bytes.size())), path);
    };
}

SchemaLoader combinedLoader(std::vector<SchemaLoader> loaders)
{
    return [loaders = std::move(loaders)](const std::string &uri) -> Result<nlohmann::json> {
        Result<nlohmann::json> last =
            fail(ErrorCode::InvalidArgument,
                 QStringLiteral("Nothing maps \"%1\".").arg(QString::fromStdString(uri)));
        for (const SchemaLoader &loader : loaders) {
            last = loader(uri);
            if (last)
                return last;
        }
        return last;
    };
}

Result<nlohmann::json> parseJsonDocument(std::string_view text, const QString &source, int firstLine,
                                         std::size_t firstByte)
{
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error &error) {
        // nlohmann counts the byte it stopped at from 1; report line and column from it.
        const std::size_t offset = error.byte == 0 ? 0 : std::min<std::size_t>(error.byte - 1, text.size());
        int line = firstLine;
        std::size_t lineStart = 0;
        for (std::size_t i = 0; i < offset; ++i) {
            if (text[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (std::size_t i = lineStart; i < offset; ++i)
            column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        QString reason = QString::fromUtf8(error.what());
        // what() is "[json.exception.parse_error.101] parse error at line 1, column 2: <reason>";
        // the place is reported above in the caller's terms, so keep the reason only.
        const qsizetype columnAt = reason.indexOf(u"column ");
        if (const qsizetype colon = reason.indexOf(u": ", std::max<qsizetype>(columnAt, 0)); colon >= 0)
            reason = reason.mid(colon + 2);
        return fail(
            ErrorCode::Protocol, QStringLiteral("Not valid JSON: %1").arg(reason),
            QStringLiteral("%1:%2:%3 (byte %4)").arg(source).arg(line).arg(column).arg(firstByte + offset));
    }
    return document;
}

} // namespace Lathe::Schema
