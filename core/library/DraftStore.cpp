// SPDX-License-Identifier: GPL-3.0-or-later
#include "DraftStore.h"

namespace Lathe::Library
{

DraftStore::DraftStore(Store::SqliteDatabase &database, Clock clock)
    : m_database(database)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
{}

Result<void> DraftStore::save(const QString &slot, const Draft &draft)
{
    auto statement = m_database.prepare(
        "INSERT INTO drafts (slot, prompt, base_version, text, saved_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (slot) DO UPDATE SET prompt = excluded.prompt, base_version = excluded.base_version, "
        "text = excluded.text, saved_at = excluded.saved_at");
    if (!statement)
        return tl::unexpected(statement.error());
    Result<void> bound = statement->bind(1, slot);
    if (bound)
        bound = draft.prompt.isEmpty() ? statement->bindNull(2) : statement->bind(2, draft.prompt);
    if (bound)
        bound =
            draft.baseVersion ? statement->bind(3, std::int64_t(*draft.baseVersion)) : statement->bindNull(3);
    if (bound)
        bound = statement->bind(4, draft.text);
    if (bound)
        bound = statement->bind(5, std::int64_t(m_clock().toMSecsSinceEpoch()));
    if (!bound)
        return bound;
    return statement->run();
}

Result<std::optional<Draft>> DraftStore::load(const QString &slot)
{
    auto statement =
        m_database.prepare("SELECT prompt, base_version, text, saved_at FROM drafts WHERE slot = ?1");
    if (!statement)
        return tl::unexpected(statement.error());
    if (auto bound = statement->bind(1, slot); !bound)
        return tl::unexpected(bound.error());
    auto row = statement->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<Draft>();
    Draft draft;
    draft.prompt = statement->qtext(0);
    if (!statement->isNull(1))
        draft.baseVersion = int(statement->integer(1));
    draft.text = statement->qtext(2);
    draft.savedAt = QDateTime::fromMSecsSinceEpoch(statement->integer(3), Qt::UTC);
    return std::optional<Draft>(std::move(draft));
}

Result<void> DraftStore::discard(const QString &slot)
{
    auto statement = m_database.prepare("DELETE FROM drafts WHERE slot = ?1");
    if (!statement)
        return tl::unexpected(statement.error());
    if (auto bound = statement->bind(1, slot); !bound)
        return bound;
    return statement->run();
}

} // namespace Lathe::Library
