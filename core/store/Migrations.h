// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include <QString>

#include "SqliteDatabase.h"

namespace Lathe::Store
{

/** One step of a database's schema: its number (1, 2, …) and the SQL that makes it. */
struct Migration
{
    int version = 0;
    std::string sql;
};

struct MigrationOutcome
{
    int fromVersion = 0;
    int toVersion = 0;
    QString backupPath; ///< the copy made before migrating existing data; empty when none was needed
};

/**
 * Brings a database to the last of `migrations` (numbered 1, 2, … without gaps), each step in
 * its own `BEGIN IMMEDIATE` transaction that also sets `PRAGMA user_version`, so a crash leaves
 * the file at a whole version. Before changing a file that already holds data it is copied
 * with `VACUUM INTO` beside itself ("<file>.backup-v<N>"). Refuses, changing nothing, a file
 * from a newer version than it knows, a file that `applicationId` does not mark as its own,
 * and an unmarked SQLite file that already has tables.
 */
Result<MigrationOutcome> migrate(SqliteDatabase &database, const std::vector<Migration> &migrations,
                                 std::int32_t applicationId, const QString &kind);

} // namespace Lathe::Store
