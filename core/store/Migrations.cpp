// SPDX-License-Identifier: GPL-3.0-or-later
#include "Migrations.h"

#include <QFileInfo>

namespace Lathe::Store
{

namespace
{

/** A name beside the database that no file has yet. */
QString freeBackupPath(const QString &path, int version)
{
    const QString base = QStringLiteral("%1.backup-v%2").arg(path).arg(version);
    QString candidate = base;
    for (int n = 2; QFileInfo::exists(candidate); ++n)
        candidate = QStringLiteral("%1-%2").arg(base).arg(n);
    return candidate;
}

} // namespace

Result<MigrationOutcome> migrate(SqliteDatabase &database, const std::vector<Migration> &migrations,
                                 std::int32_t applicationId, const QString &kind)
{
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].version != int(i) + 1)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Migrations must be numbered 1, 2, … without gaps; #%1 is %2.")
                            .arg(i + 1)
                            .arg(migrations[i].version));
    }
    const int latest = int(migrations.size());
    auto version = database.queryInteger("PRAGMA user_version");
    if (!version)
        return tl::unexpected(version.error());
    auto application = database.queryInteger("PRAGMA application_id");
    if (!application)
        return tl::unexpected(application.error());
    auto tables = database.queryInteger("SELECT count(*) FROM sqlite_schema");
    if (!tables)
        return tl::unexpected(tables.error());

    if (*application != 0 && *application != applicationId)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("This SQLite file belongs to another program, not a %1.").arg(kind),
                    database.path());
    if (*application == 0 && *tables > 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("This SQLite file already holds other tables; it is not a %1.").arg(kind),
                    database.path());
    if (*version > latest)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("This %1 was written by a newer Lathe (schema version %2; this Lathe knows up to "
                           "%3). Update Lathe to open it; nothing was changed.")
                .arg(kind)
                .arg(*version)
                .arg(latest),
            database.path());

    MigrationOutcome outcome;
    outcome.fromVersion = int(*version);
    outcome.toVersion = int(*version);
    if (*version == latest)
        return outcome;
    if (*version > 0) {
        outcome.backupPath = freeBackupPath(database.path(), int(*version));
        QString escaped = outcome.backupPath;
        escaped.replace(u'\'', u"''"_qs);
        if (auto copied = database.execute("VACUUM INTO '" + escaped.toStdString() + "'"); !copied)
            return fail(
                copied.error().code,
                QStringLiteral("Could not back the %1 up before updating it, so it was not updated: %2")
                    .arg(kind, copied.error().message),
                database.path());
    }
    for (int next = int(*version) + 1; next <= latest; ++next) {
        auto transaction = SqliteTransaction::begin(database);
        if (!transaction)
            return tl::unexpected(transaction.error());
        auto applied = database.execute(migrations[std::size_t(next - 1)].sql);
        if (applied)
            applied = database.execute("PRAGMA user_version = " + std::to_string(next) +
                                       "; PRAGMA application_id = " + std::to_string(applicationId));
        if (applied)
            applied = transaction->commit();
        if (!applied)
            return fail(
                applied.error().code,
                QStringLiteral("Updating the %1 to schema version %2 failed, so it stays at version %3: %4")
                    .arg(kind)
                    .arg(next)
                    .arg(next - 1)
                    .arg(applied.error().message),
                database.path());
        outcome.toVersion = next;
    }
    return outcome;
}

} // namespace Lathe::Store
