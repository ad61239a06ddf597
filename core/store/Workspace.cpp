// SPDX-License-Identifier: GPL-3.0-or-later
#include "Workspace.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace Lathe::Store
{

namespace
{

/** "LATH" in PRAGMA application_id marks a Lathe workspace among SQLite files. */
constexpr std::int32_t kApplicationId = 0x4C415448;

/**
 * The workspace schema, one migration per version. A released migration never changes: a new
 * table or column is a new migration. Tables arrive with the issues that use them.
 */
const std::vector<Migration> &workspaceMigrations()
{
    static const std::vector<Migration> kMigrations{
        {1, R"sql(
            -- Facts about the workspace itself: 'session_open' is '1' from open to clean close.
            CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
        )sql"},
        {2, R"sql(
            -- The prompt library: prompts by name, each a chain of immutable versions.
            CREATE TABLE prompts (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                latest_number INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL, -- ms since the epoch, UTC
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE prompt_versions (
                id INTEGER PRIMARY KEY,
                prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,      -- 1, 2, ... per prompt
                content_hash TEXT NOT NULL,   -- SHA-256 of content
                content TEXT NOT NULL,        -- canonical JSON: messages, parameters, response_schema
                parent_id INTEGER REFERENCES prompt_versions(id),
                message TEXT NOT NULL DEFAULT '',
                author TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL,
                UNIQUE (prompt_id, number)
            );
            -- Labels point at versions; every move is kept.
            CREATE TABLE labels (
                prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                version_id INTEGER NOT NULL REFERENCES prompt_versions(id),
                PRIMARY KEY (prompt_id, name)
            ) WITHOUT ROWID;
            CREATE INDEX labels_by_version ON labels(version_id);
            CREATE TABLE label_moves (
                id INTEGER PRIMARY KEY,
                prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
                label TEXT NOT NULL,
                from_version_id INTEGER REFERENCES prompt_versions(id),
                to_version_id INTEGER NOT NULL REFERENCES prompt_versions(id),
                author TEXT NOT NULL DEFAULT '',
                moved_at INTEGER NOT NULL
            );
            CREATE INDEX label_moves_by_prompt ON label_moves(prompt_id, id);
            -- Each prompt's name and latest messages; rowid = prompts.id.
            CREATE VIRTUAL TABLE prompt_search USING fts5(name, body, tokenize = 'unicode61 remove_diacritics 2');
        )sql"},
        {3, R"sql(
            -- Unsaved editor text, written every few seconds so a crash loses nothing.
            CREATE TABLE drafts (
                slot TEXT PRIMARY KEY,   -- which editor: 'main' for the main window's
                prompt TEXT,             -- the library prompt the text came from, if any
                base_version INTEGER,    -- and its version
                text TEXT NOT NULL,
                saved_at INTEGER NOT NULL
            ) WITHOUT ROWID;
        )sql"},
        {4, R"sql(
            -- Named sets of variable values a prompt keeps (its test inputs), as typed.
            CREATE TABLE scenarios (
                prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                input TEXT NOT NULL,      -- JSON object: variable name -> the value as typed
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (prompt_id, name)
            ) WITHOUT ROWID;
        )sql"},
        {5, R"sql(
            -- Tags a prompt is filed under in the library (billing, eval, ...), besides the
            -- folders its name makes with "/".
            CREATE TABLE prompt_tags (
                prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
                tag TEXT NOT NULL,
                PRIMARY KEY (prompt_id, tag)
            ) WITHOUT ROWID;
            CREATE INDEX prompt_tags_by_tag ON prompt_tags(tag);
        )sql"},
    };
    return kMigrations;
}

Result<void> setMeta(SqliteDatabase &database, std::string_view key, std::string_view value)
{
    auto statement = database.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO "
                                      "UPDATE SET value = excluded.value");
    if (!statement)
        return tl::unexpected(statement.error());
    if (auto bound = statement->bind(1, key); !bound)
        return bound;
    if (auto bound = statement->bind(2, value); !bound)
        return bound;
    return statement->run();
}

} // namespace

Workspace::Workspace(SqliteDatabase database, MigrationOutcome migration, bool checkedIntegrity)
    : m_database(std::move(database))
    , m_migration(std::move(migration))
    , m_checkedIntegrity(checkedIntegrity)
{}

Workspace::Workspace(Workspace &&other) noexcept
    : m_database(std::move(other.m_database))
    , m_migration(std::move(other.m_migration))
    , m_checkedIntegrity(other.m_checkedIntegrity)
    , m_open(std::exchange(other.m_open, false))
{}

Workspace::~Workspace()
{
    if (m_open)
        (void)setMeta(m_database, "session_open", "0");
}

QString Workspace::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(u"default.lathe"_qs);
}

int Workspace::schemaVersion()
{
    return int(workspaceMigrations().size());
}

Result<Workspace> Workspace::open(const QString &path)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return fail(ErrorCode::Io, QStringLiteral("Cannot create the folder for the workspace."), folder);
    auto database = SqliteDatabase::open(path);
    if (!database)
        return tl::unexpected(database.error());
    auto migrated =
        migrate(*database, workspaceMigrations(), kApplicationId, QStringLiteral("Lathe workspace"));
    if (!migrated)
        return tl::unexpected(migrated.error());

    // A session that ended without closing the workspace may have left it damaged (a disk that
    // lied about a flush): check before anything else reads or writes it.
    auto lastSession = database->queryText("SELECT value FROM meta WHERE key = 'session_open'");
    if (!lastSession)
        return tl::unexpected(lastSession.error());
    const bool unclean = *lastSession && **lastSession == "1";
    if (unclean) {
        auto statement = database->prepare("PRAGMA integrity_check(20)");
        if (!statement)
            return tl::unexpected(statement.error());
        QStringList problems;
        auto checked = statement->forEachRow([&](const SqliteStatement &row) {
            if (row.text(0) != "ok")
                problems << row.qtext(0);
        });
        if (!checked)
            return tl::unexpected(checked.error());
        if (!problems.isEmpty())
            return fail(
                ErrorCode::Io,
                QStringLiteral("The workspace failed SQLite's integrity check after an unclean shutdown; "
                               "nothing was changed. Restore a backup or copy what is readable with "
                               "sqlite3 .recover. First problems: %1")
                    .arg(problems.join(u"; ")),
                path);
    }
    if (auto marked = setMeta(*database, "session_open", "1"); !marked)
        return tl::unexpected(marked.error());
    return Workspace(std::move(*database), std::move(*migrated), unclean);
}

} // namespace Lathe::Store
