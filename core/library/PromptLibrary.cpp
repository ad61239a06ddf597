// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptLibrary.h"

#include <map>

#include <QRegularExpression>

namespace Lathe::Library
{

using Store::SqliteDatabase;
using Store::SqliteStatement;
using Store::SqliteTransaction;

namespace
{

constexpr qsizetype kMaxNameLength = 200;

// Propagates an error out of a Result-returning function.
#define LATHE_TRY(expression)                                                                                \
    if (auto result_ = (expression); !result_)                                                               \
    return tl::unexpected(result_.error())

QDateTime fromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

/** What full-text search indexes for a version: its messages' text. */
QString searchBody(const PromptContent &content)
{
    QStringList texts;
    for (const PromptMessage &message : content.messages)
        texts << message.text;
    return texts.join(u'\n');
}

/** A user's words as an FTS5 query: every word must appear, each as a prefix; no operators. */
QString ftsQuery(const QString &query)
{
    QStringList terms;
    static const QRegularExpression kSpaces(QStringLiteral("\\s+"));
    for (QString word : query.split(kSpaces, Qt::SkipEmptyParts)) {
        word.replace(u'"', u"\"\""_qs);
        terms << u'"' + word + u"\"*";
    }
    return terms.join(u' ');
}

} // namespace

PromptLibrary::PromptLibrary(SqliteDatabase &database, Clock clock)
    : m_database(database)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
{}

std::optional<QString> PromptLibrary::nameProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("A prompt needs a name.");
    if (name != name.trimmed())
        return QStringLiteral("A prompt's name cannot start or end with a space.");
    if (name.size() > kMaxNameLength)
        return QStringLiteral("A prompt's name has at most %1 characters.").arg(kMaxNameLength);
    if (name.contains(u'@'))
        return QStringLiteral(
            "A prompt's name cannot contain '@' (it separates a version: name@3, name@production).");
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return QStringLiteral("A prompt's name cannot contain control characters.");
    }
    return std::nullopt;
}

std::optional<QString> PromptLibrary::labelProblem(const QString &label)
{
    static const QRegularExpression kLabel(QStringLiteral("^[a-z0-9][a-z0-9_.-]{0,63}$"));
    static const QRegularExpression kDigits(QStringLiteral("^[0-9]+$"));
    if (!kLabel.match(label).hasMatch())
        return QStringLiteral(
                   "A label is 1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter "
                   "or digit, not \"%1\".")
            .arg(label);
    if (kDigits.match(label).hasMatch())
        return QStringLiteral("A label cannot be a number: name@%1 means version %1.").arg(label);
    return std::nullopt;
}

std::optional<QString> PromptLibrary::tagProblem(const QString &tag)
{
    // The search field takes "#tag", so a tag is one word of letters, digits and a few marks.
    static const QRegularExpression kTag(QStringLiteral("^[\\p{L}\\p{N}][\\p{L}\\p{N}_.-]{0,63}$"));
    if (!kTag.match(tag).hasMatch())
        return QStringLiteral("A tag is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or "
                              "digit, not \"%1\".")
            .arg(tag);
    return std::nullopt;
}

Result<std::optional<qint64>> PromptLibrary::promptId(const QString &name)
{
    auto statement = m_database.prepare("SELECT id FROM prompts WHERE name = ?1");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, name));
    auto row = statement->step();
    if (!row)
        return tl::unexpected(row.error());
    return *row ? std::optional<qint64>(statement->integer(0)) : std::nullopt;
}

Result<qint64> PromptLibrary::requirePromptId(const QString &name)
{
    auto id = promptId(name);
    if (!id)
        return tl::unexpected(id.error());
    if (!*id)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("There is no prompt named \"%1\".").arg(name),
                    name);
    return **id;
}

Result<std::vector<PromptVersion>>
PromptLibrary::versionsWhere(const QString &name, std::string_view condition, std::optional<qint64> value)
{
    // The labels of all the prompt's versions in one query, not one per version.
    std::map<qint64, QStringList> labels;
    auto labelRows = m_database.prepare("SELECT l.version_id, l.name FROM labels l JOIN prompts p ON p.id = "
                                        "l.prompt_id WHERE p.name = ?1 ORDER BY l.name");
    if (!labelRows)
        return tl::unexpected(labelRows.error());
    LATHE_TRY(labelRows->bind(1, name));
    LATHE_TRY(
        labelRows->forEachRow([&](const SqliteStatement &row) { labels[row.integer(0)] << row.qtext(1); }));

    auto statement = m_database.prepare(
        "SELECT v.id, v.number, v.content_hash, v.content, parent.number, v.message, v.author, v.created_at "
        "FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id "
        "LEFT JOIN prompt_versions parent ON parent.id = v.parent_id WHERE p.name = ?1 AND " +
        std::string(condition) + " ORDER BY v.number DESC");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, name));
    if (value)
        LATHE_TRY(statement->bind(2, std::int64_t(*value)));
    std::vector<PromptVersion> versions;
    std::optional<Error> damaged;
    LATHE_TRY(statement->forEachRow([&](const SqliteStatement &row) {
        if (damaged)
            return;
        PromptVersion version;
        version.prompt = name;
        version.number = int(row.integer(1));
        version.hash = row.qtext(2);
        const QString where = QStringLiteral("%1@%2").arg(name).arg(version.number);
        const nlohmann::json json = nlohmann::json::parse(row.text(3), nullptr, false);
        if (json.is_discarded()) {
            damaged =
                Error{ErrorCode::Io,
                      QStringLiteral("The stored version is not JSON; the workspace was edited or damaged."),
                      where};
            return;
        }
        auto content = PromptContent::fromJson(json);
        if (!content) {
            damaged = Error{ErrorCode::Io,
                            QStringLiteral("The stored version is not a prompt (%1: %2).")
                                .arg(content.error().where, content.error().message),
                            where};
            return;
        }
        version.content = std::move(*content);
        if (!row.isNull(4))
            version.parent = int(row.integer(4));
        version.message = row.qtext(5);
        version.author = row.qtext(6);
        version.createdAt = fromMs(row.integer(7));
        if (const auto found = labels.find(row.integer(0)); found != labels.end())
            version.labels = found->second;
        versions.push_back(std::move(version));
    }));
    if (damaged)
        return tl::unexpected(*damaged);
    return versions;
}

Result<PromptVersion> PromptLibrary::versionWhere(const QString &name, std::string_view condition,
                                                  std::optional<qint64> value)
{
    auto versions = versionsWhere(name, condition, value);
    if (!versions)
        return tl::unexpected(versions.error());
    if (versions->empty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("There is no such version of \"%1\".").arg(name), name);
    return std::move(versions->front());
}

Result<SaveOutcome> PromptLibrary::save(const QString &name, const PromptContent &content,
                                        const QString &message, const QString &author)
{
    if (const auto problem = nameProblem(name))
        return fail(ErrorCode::InvalidArgument, *problem, name);
    if (content.messages.empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("A prompt needs at least one message."), name);
    const QString hash = content.hash();
    auto transaction = SqliteTransaction::begin(m_database);
    if (!transaction)
        return tl::unexpected(transaction.error());

    auto existing = promptId(name);
    if (!existing)
        return tl::unexpected(existing.error());
    const qint64 now = m_clock().toMSecsSinceEpoch();
    qint64 id = 0;
    int latest = 0;
    std::optional<qint64> parentId;
    if (*existing) {
        id = **existing;
        auto statement = m_database.prepare("SELECT v.id, v.number, v.content_hash FROM prompt_versions v "
                                            "JOIN prompts p ON p.id = v.prompt_id "
                                            "WHERE p.id = ?1 AND v.number = p.latest_number");
        if (!statement)
            return tl::unexpected(statement.error());
        LATHE_TRY(statement->bind(1, std::int64_t(id)));
        auto row = statement->step();
        if (!row)
            return tl::unexpected(row.error());
        if (*row) {
            parentId = statement->integer(0);
            latest = int(statement->integer(1));
            if (statement->qtext(2) == hash) {
                auto unchanged = versionWhere(name, "v.number = ?2", latest);
                if (!unchanged)
                    return tl::unexpected(unchanged.error());
                return SaveOutcome{std::move(*unchanged), false};
            }
        }
    } else {
        auto insert =
            m_database.prepare("INSERT INTO prompts (name, created_at, updated_at) VALUES (?1, ?2, ?2)");
        if (!insert)
            return tl::unexpected(insert.error());
        LATHE_TRY(insert->bind(1, name));
        LATHE_TRY(insert->bind(2, std::int64_t(now)));
        LATHE_TRY(insert->run());
        id = m_database.lastInsertRowId();
    }

    auto insert =
        m_database.prepare("INSERT INTO prompt_versions (prompt_id, number, content_hash, content, "
                           "parent_id, message, author, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert)
        return tl::unexpected(insert.error());
    LATHE_TRY(insert->bind(1, std::int64_t(id)));
    LATHE_TRY(insert->bind(2, std::int64_t(latest + 1)));
    LATHE_TRY(insert->bind(3, hash));
    LATHE_TRY(insert->bind(4, content.canonical()));
    LATHE_TRY(parentId ? insert->bind(5, std::int64_t(*parentId)) : insert->bindNull(5));
    LATHE_TRY(insert->bind(6, message));
    LATHE_TRY(insert->bind(7, author));
    LATHE_TRY(insert->bind(8, std::int64_t(now)));
    LATHE_TRY(insert->run());

    auto update = m_database.prepare("UPDATE prompts SET latest_number = ?2, updated_at = ?3 WHERE id = ?1");
    if (!update)
        return tl::unexpected(update.error());
    LATHE_TRY(update->bind(1, std::int64_t(id)));
    LATHE_TRY(update->bind(2, std::int64_t(latest + 1)));
    LATHE_TRY(update->bind(3, std::int64_t(now)));
    LATHE_TRY(update->run());

    // The search index holds each prompt's latest messages.
    auto index =
        m_database.prepare("INSERT OR REPLACE INTO prompt_search (rowid, name, body) VALUES (?1, ?2, ?3)");
    if (!index)
        return tl::unexpected(index.error());
    LATHE_TRY(index->bind(1, std::int64_t(id)));
    LATHE_TRY(index->bind(2, name));
    LATHE_TRY(index->bind(3, searchBody(content)));
    LATHE_TRY(index->run());
    LATHE_TRY(transaction->commit());

    PromptVersion version;
    version.prompt = name;
    version.number = latest + 1;
    version.hash = hash;
    version.content = content;
    if (latest > 0)
        version.parent = latest;
    version.message = message;
    version.author = author;
    version.createdAt = fromMs(now);
    return SaveOutcome{std::move(version), true};
}

Result<SaveOutcome> PromptLibrary::rollBack(const QString &name, int number, const QString &author)
{
    auto old = versionWhere(name, "v.number = ?2", number);
    if (!old)
        return tl::unexpected(old.error());
    return save(name, old->content, QStringLiteral("Roll back to version %1").arg(number), author);
}

Result<PromptVersion> PromptLibrary::resolve(const QString &reference)
{
    const qsizetype at = reference.lastIndexOf(u'@');
    const QString name = at < 0 ? reference : reference.left(at);
    LATHE_TRY(requirePromptId(name));
    if (at < 0)
        return versionWhere(name, "v.number = p.latest_number", std::nullopt);
    const QString selector = reference.mid(at + 1);
    bool isNumber = false;
    const int number = selector.toInt(&isNumber);
    if (isNumber) {
        auto version = versionWhere(name, "v.number = ?2", number);
        if (!version)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("\"%1\" has no version %2.").arg(name).arg(number), reference);
        return version;
    }
    auto statement = m_database.prepare("SELECT l.version_id FROM labels l JOIN prompts p ON p.id = "
                                        "l.prompt_id WHERE p.name = ?1 AND l.name = ?2");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, name));
    LATHE_TRY(statement->bind(2, selector));
    auto row = statement->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("\"%1\" has no label \"%2\".").arg(name, selector), reference);
    return versionWhere(name, "v.id = ?2", statement->integer(0));
}

Result<std::vector<PromptVersion>> PromptLibrary::history(const QString &name)
{
    LATHE_TRY(requirePromptId(name));
    return versionsWhere(name, "1", std::nullopt);
}

Result<std::vector<PromptSummary>> PromptLibrary::list()
{
    std::map<qint64, QStringList> labels;
    auto labelRows =
        m_database.prepare("SELECT l.prompt_id, l.name, v.number FROM labels l "
                           "JOIN prompt_versions v ON v.id = l.version_id ORDER BY l.prompt_id, l.name");
    if (!labelRows)
        return tl::unexpected(labelRows.error());
    LATHE_TRY(labelRows->forEachRow([&](const SqliteStatement &row) {
        labels[row.integer(0)] << row.qtext(1) + u'@' + QString::number(row.integer(2));
    }));
    std::map<qint64, QStringList> tags;
    auto tagRows = m_database.prepare("SELECT prompt_id, tag FROM prompt_tags ORDER BY prompt_id, tag");
    if (!tagRows)
        return tl::unexpected(tagRows.error());
    LATHE_TRY(tagRows->forEachRow([&](const SqliteStatement &row) { tags[row.integer(0)] << row.qtext(1); }));
    auto statement =
        m_database.prepare("SELECT id, name, latest_number, updated_at FROM prompts ORDER BY name");
    if (!statement)
        return tl::unexpected(statement.error());
    std::vector<PromptSummary> prompts;
    LATHE_TRY(statement->forEachRow([&](const SqliteStatement &row) {
        PromptSummary summary;
        summary.name = row.qtext(1);
        summary.latestVersion = int(row.integer(2));
        summary.updatedAt = fromMs(row.integer(3));
        if (const auto found = labels.find(row.integer(0)); found != labels.end())
            summary.labels = found->second;
        if (const auto found = tags.find(row.integer(0)); found != tags.end())
            summary.tags = found->second;
        prompts.push_back(std::move(summary));
    }));
    return prompts;
}

Result<LabelMove> PromptLibrary::setLabel(const QString &name, int number, const QString &label,
                                          const QString &author)
{
    if (const auto problem = labelProblem(label))
        return fail(ErrorCode::InvalidArgument, *problem, label);
    auto transaction = SqliteTransaction::begin(m_database);
    if (!transaction)
        return tl::unexpected(transaction.error());
    auto id = requirePromptId(name);
    if (!id)
        return tl::unexpected(id.error());
    auto target = m_database.prepare("SELECT id FROM prompt_versions WHERE prompt_id = ?1 AND number = ?2");
    if (!target)
        return tl::unexpected(target.error());
    LATHE_TRY(target->bind(1, std::int64_t(*id)));
    LATHE_TRY(target->bind(2, std::int64_t(number)));
    auto found = target->step();
    if (!found)
        return tl::unexpected(found.error());
    if (!*found)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("\"%1\" has no version %2.").arg(name).arg(number),
                    QStringLiteral("%1@%2").arg(name).arg(number));
    const qint64 versionId = target->integer(0);

    auto current = m_database.prepare(
        "SELECT v.number, v.id FROM labels l JOIN prompt_versions v ON v.id = l.version_id "
        "WHERE l.prompt_id = ?1 AND l.name = ?2");
    if (!current)
        return tl::unexpected(current.error());
    LATHE_TRY(current->bind(1, std::int64_t(*id)));
    LATHE_TRY(current->bind(2, label));
    auto currentRow = current->step();
    if (!currentRow)
        return tl::unexpected(currentRow.error());
    LabelMove move;
    move.label = label;
    move.toVersion = number;
    move.author = author;
    move.at = m_clock();
    std::optional<qint64> fromId;
    if (*currentRow) {
        move.fromVersion = int(current->integer(0));
        fromId = current->integer(1);
    }
    if (move.fromVersion == number)
        return move; // already there: nothing to record

    auto upsert =
        m_database.prepare("INSERT INTO labels (prompt_id, name, version_id) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT (prompt_id, name) DO UPDATE SET version_id = excluded.version_id");
    if (!upsert)
        return tl::unexpected(upsert.error());
    LATHE_TRY(upsert->bind(1, std::int64_t(*id)));
    LATHE_TRY(upsert->bind(2, label));
    LATHE_TRY(upsert->bind(3, std::int64_t(versionId)));
    LATHE_TRY(upsert->run());
    auto record =
        m_database.prepare("INSERT INTO label_moves (prompt_id, label, from_version_id, to_version_id, "
                           "author, moved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!record)
        return tl::unexpected(record.error());
    LATHE_TRY(record->bind(1, std::int64_t(*id)));
    LATHE_TRY(record->bind(2, label));
    LATHE_TRY(fromId ? record->bind(3, std::int64_t(*fromId)) : record->bindNull(3));
    LATHE_TRY(record->bind(4, std::int64_t(versionId)));
    LATHE_TRY(record->bind(5, author));
    LATHE_TRY(record->bind(6, std::int64_t(move.at.toMSecsSinceEpoch())));
    LATHE_TRY(record->run());
    LATHE_TRY(transaction->commit());
    return move;
}

Result<std::vector<LabelMove>> PromptLibrary::labelMoves(const QString &name)
{
    auto id = requirePromptId(name);
    if (!id)
        return tl::unexpected(id.error());
    auto statement = m_database.prepare(
        "SELECT m.label, source.number, target.number, m.author, m.moved_at FROM label_moves m "
        "LEFT JOIN prompt_versions source ON source.id = m.from_version_id "
        "JOIN prompt_versions target ON target.id = m.to_version_id WHERE m.prompt_id = ?1 ORDER BY m.id "
        "DESC");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, std::int64_t(*id)));
    std::vector<LabelMove> moves;
    LATHE_TRY(statement->forEachRow([&](const SqliteStatement &row) {
        LabelMove move;
        move.label = row.qtext(0);
        if (!row.isNull(1))
            move.fromVersion = int(row.integer(1));
        move.toVersion = int(row.integer(2));
        move.author = row.qtext(3);
        move.at = fromMs(row.integer(4));
        moves.push_back(std::move(move));
    }));
    return moves;
}

Result<void> PromptLibrary::saveScenario(const QString &prompt, const Scenario &scenario)
{
    if (scenario.name.trimmed().isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("A scenario needs a name."), prompt);
    auto id = requirePromptId(prompt);
    if (!id)
        return tl::unexpected(id.error());
    nlohmann::json input = nlohmann::json::object();
    for (const auto &[name, value] : scenario.values)
        input[name.toStdString()] = value.toStdString();
    auto statement = m_database.prepare(
        "INSERT INTO scenarios (prompt_id, name, input, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (prompt_id, name) DO UPDATE SET input = excluded.input, updated_at = "
        "excluded.updated_at");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, std::int64_t(*id)));
    LATHE_TRY(statement->bind(2, scenario.name));
    LATHE_TRY(statement->bind(3, input.dump()));
    LATHE_TRY(statement->bind(4, std::int64_t(m_clock().toMSecsSinceEpoch())));
    return statement->run();
}

Result<std::vector<Scenario>> PromptLibrary::scenarios(const QString &prompt)
{
    auto id = requirePromptId(prompt);
    if (!id)
        return tl::unexpected(id.error());
    auto statement = m_database.prepare(
        "SELECT name, input, updated_at FROM scenarios WHERE prompt_id = ?1 ORDER BY name");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, std::int64_t(*id)));
    std::vector<Scenario> scenarios;
    QString damaged;
    LATHE_TRY(statement->forEachRow([&](const SqliteStatement &row) {
        Scenario scenario;
        scenario.name = row.qtext(0);
        scenario.updatedAt = fromMs(row.integer(2));
        const nlohmann::json input = nlohmann::json::parse(row.text(1), nullptr, false);
        if (!input.is_object()) {
            damaged = scenario.name;
            return;
        }
        for (auto it = input.begin(); it != input.end(); ++it) {
            if (it->is_string())
                scenario.values[QString::fromStdString(it.key())] =
                    QString::fromStdString(it->get<std::string>());
        }
        scenarios.push_back(std::move(scenario));
    }));
    if (!damaged.isEmpty())
        return fail(
            ErrorCode::Io,
            QStringLiteral("The stored scenario is not a JSON object; the workspace was edited or damaged."),
            prompt + u" / " + damaged);
    return scenarios;
}

Result<void> PromptLibrary::removeScenario(const QString &prompt, const QString &name)
{
    auto id = requirePromptId(prompt);
    if (!id)
        return tl::unexpected(id.error());
    auto statement = m_database.prepare("DELETE FROM scenarios WHERE prompt_id = ?1 AND name = ?2");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, std::int64_t(*id)));
    LATHE_TRY(statement->bind(2, name));
    return statement->run();
}

Result<void> PromptLibrary::setTags(const QString &prompt, const QStringList &tags)
{
    for (const QString &tag : tags) {
        if (const auto problem = tagProblem(tag))
            return fail(ErrorCode::InvalidArgument, *problem, prompt);
    }
    auto transaction = SqliteTransaction::begin(m_database);
    if (!transaction)
        return tl::unexpected(transaction.error());
    auto id = requirePromptId(prompt);
    if (!id)
        return tl::unexpected(id.error());
    auto removal = m_database.prepare("DELETE FROM prompt_tags WHERE prompt_id = ?1");
    if (!removal)
        return tl::unexpected(removal.error());
    LATHE_TRY(removal->bind(1, std::int64_t(*id)));
    LATHE_TRY(removal->run());
    auto insertion = m_database.prepare("INSERT OR IGNORE INTO prompt_tags (prompt_id, tag) VALUES (?1, ?2)");
    if (!insertion)
        return tl::unexpected(insertion.error());
    for (const QString &tag : tags) {
        insertion->reset();
        LATHE_TRY(insertion->bind(1, std::int64_t(*id)));
        LATHE_TRY(insertion->bind(2, tag));
        LATHE_TRY(insertion->run());
    }
    return transaction->commit();
}

Result<QStringList> PromptLibrary::tags(const QString &prompt)
{
    auto id = requirePromptId(prompt);
    if (!id)
        return tl::unexpected(id.error());
    auto statement = m_database.prepare("SELECT tag FROM prompt_tags WHERE prompt_id = ?1 ORDER BY tag");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, std::int64_t(*id)));
    QStringList found;
    LATHE_TRY(statement->forEachRow([&](const SqliteStatement &row) { found << row.qtext(0); }));
    return found;
}

Result<QStringList> PromptLibrary::search(const QString &query, int limit)
{
    const QString match = ftsQuery(query);
    if (match.isEmpty())
        return QStringList();
    auto statement = m_database.prepare("SELECT name FROM prompt_search WHERE prompt_search MATCH ?1 ORDER "
                                        "BY bm25(prompt_search, 4.0, 1.0) LIMIT ?2");
    if (!statement)
        return tl::unexpected(statement.error());
    LATHE_TRY(statement->bind(1, match));
    LATHE_TRY(statement->bind(2, std::int64_t(limit)));
    QStringList names;
    LATHE_TRY(statement->forEachRow([&](const SqliteStatement &row) { names << row.qtext(0); }));
    return names;
}

#undef LATHE_TRY

} // namespace Lathe::Library
