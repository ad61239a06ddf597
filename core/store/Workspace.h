// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include "Migrations.h"
#include "SqliteDatabase.h"

namespace Lathe::Store
{

/**
 * A workspace: one SQLite file (`*.lathe`) holding everything Lathe keeps for a project. Opening
 * one creates it if needed, brings its schema up to date (with a backup first), and, when the
 * last session that had it open did not close it (a crash, a kill, a power cut), runs SQLite's
 * integrity check before anything else touches it. A connection belongs to one thread: a thread
 * that needs the workspace opens its own.
 */
class Workspace
{
public:
    /** Errors name the file and say what is wrong and that nothing was changed. */
    static Result<Workspace> open(const QString &path);
    /** `default.lathe` in the platform's data folder (QStandardPaths::AppDataLocation). */
    static QString defaultPath();
    /** The schema version this Lathe writes. */
    static int schemaVersion();

    Workspace(Workspace &&other) noexcept;
    Workspace &operator=(Workspace &&) = delete;
    /** Records the clean close, so the next open skips the integrity check. */
    ~Workspace();

    SqliteDatabase &database() { return m_database; }
    const QString &path() const { return m_database.path(); }
    /** What opening did to the schema (from, to, backup). */
    const MigrationOutcome &migration() const { return m_migration; }
    /** Whether opening ran the integrity check because the last session did not close cleanly. */
    bool checkedIntegrity() const { return m_checkedIntegrity; }

private:
    Workspace(SqliteDatabase database, MigrationOutcome migration, bool checkedIntegrity);

    SqliteDatabase m_database;
    MigrationOutcome m_migration;
    bool m_checkedIntegrity = false;
    bool m_open = true;
};

} // namespace Lathe::Store
