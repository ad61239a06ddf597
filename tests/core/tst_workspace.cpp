// SPDX-License-Identifier: GPL-3.0-or-later
// Workspaces: creating, migrating with a backup, refusing what is not ours or is newer, and
// the integrity check after an unclean shutdown.

#include <QCryptographicHash>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "store/Migrations.h"
#include "store/Workspace.h"

using Lathe::Store::Migration;
using Lathe::Store::SqliteDatabase;
using Lathe::Store::Workspace;

namespace
{

constexpr std::int32_t kTestApplication = 0x54455354; // "TEST"

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createsAWorkspaceAtTheCurrentSchema();
    void migratesStepByStepAfterABackup();
    void refusesANewerVersionAndChangesNothing();
    void refusesSqliteFilesThatAreNotWorkspaces();
    void aFailedMigrationLeavesTheLastWholeVersion();
    void checksIntegrityOnlyAfterAnUncleanShutdown();
    void defaultPathIsInTheDataFolder();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestWorkspace::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestWorkspace::createsAWorkspaceAtTheCurrentSchema()
{
    const QString file = path(u"sub/folder/project.lathe"_qs);
    auto workspace = Workspace::open(file);
    QVERIFY2(workspace, qPrintable(workspace ? QString() : workspace.error().toString()));
    QCOMPARE(workspace->migration().fromVersion, 0);
    QCOMPARE(workspace->migration().toVersion, Workspace::schemaVersion());
    QVERIFY(workspace->migration().backupPath.isEmpty()); // nothing to back up in a new file
    QVERIFY(!workspace->checkedIntegrity());
    QCOMPARE(workspace->database().queryInteger("PRAGMA user_version").value(), Workspace::schemaVersion());
    QCOMPARE(workspace->database().queryInteger("PRAGMA application_id").value(), 0x4C415448);
}

void TestWorkspace::migratesStepByStepAfterABackup()
{
    const std::vector<Migration> first{
        {1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"}};
    std::vector<Migration> later = first;
    later.push_back({2, "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0"});
    later.push_back({3, "CREATE INDEX notes_pinned ON notes(pinned)"});

    const QString file = path(u"notes.db"_qs);
    {
        auto database = SqliteDatabase::open(file);
        QVERIFY(database);
        const auto created = migrate(*database, first, kTestApplication, u"notebook"_qs);
        QVERIFY(created);
        QCOMPARE(created->toVersion, 1);
        QVERIFY(database->execute("INSERT INTO notes (text) VALUES ('kept')"));
    }
    auto database = SqliteDatabase::open(file);
    QVERIFY(database);
    const auto updated = migrate(*database, later, kTestApplication, u"notebook"_qs);
    QVERIFY2(updated, qPrintable(updated ? QString() : updated.error().toString()));
    QCOMPARE(updated->fromVersion, 1);
    QCOMPARE(updated->toVersion, 3);
    QCOMPARE(updated->backupPath, file + u".backup-v1");
    QCOMPARE(database->queryInteger("SELECT pinned FROM notes").value(), 0);
    QCOMPARE(database->queryInteger("PRAGMA user_version").value(), 3);
    // The backup is the file as it was: version 1 with the note.
    auto backup = SqliteDatabase::open(updated->backupPath, SqliteDatabase::Mode::OpenExisting);
    QVERIFY(backup);
    QCOMPARE(backup->queryInteger("PRAGMA user_version").value(), 1);
    QCOMPARE(backup->queryText("SELECT text FROM notes").value(), std::optional<std::string>("kept"));
    // Up to date: nothing happens, and no second backup.
    const auto again = migrate(*database, later, kTestApplication, u"notebook"_qs);
    QVERIFY(again);
    QCOMPARE(again->fromVersion, 3);
    QVERIFY(again->backupPath.isEmpty());
}

void TestWorkspace::refusesANewerVersionAndChangesNothing()
{
    const QString file = path(u"future.lathe"_qs);
    {
        auto workspace = Workspace::open(file);
        QVERIFY(workspace);
        QVERIFY(workspace->database().execute("PRAGMA user_version = 99"));
    }
    const QByteArray before = fileHash(file);
    const auto opened = Workspace::open(file);
    QVERIFY(!opened);
    QCOMPARE(opened.error().where, file);
    QVERIFY2(opened.error().message.contains(u"newer Lathe"), qPrintable(opened.error().message));
    QVERIFY(opened.error().message.contains(u"version 99"));
    QCOMPARE(fileHash(file), before);
}

void TestWorkspace::refusesSqliteFilesThatAreNotWorkspaces()
{
    const QString other = path(u"other.sqlite"_qs);
    {
        auto database = SqliteDatabase::open(other);
        QVERIFY(database);
        QVERIFY(database->execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)"));
    }
    const auto unmarked = Workspace::open(other);
    QVERIFY(!unmarked);
    QVERIFY2(unmarked.error().message.contains(u"other tables"), qPrintable(unmarked.error().message));

    const QString foreign = path(u"foreign.sqlite"_qs);
    {
        auto database = SqliteDatabase::open(foreign);
        QVERIFY(database);
        QVERIFY(database->execute("PRAGMA application_id = 1234"));
    }
    const auto marked = Workspace::open(foreign);
    QVERIFY(!marked);
    QVERIFY(marked.error().message.contains(u"another program"));
}

void TestWorkspace::aFailedMigrationLeavesTheLastWholeVersion()
{
    const QString file = path(u"half.db"_qs);
    auto database = SqliteDatabase::open(file);
    QVERIFY(database);
    const std::vector<Migration> broken{{1, "CREATE TABLE a (x INTEGER)"},
                                        {2, "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1)"}};
    const auto failed = migrate(*database, broken, kTestApplication, u"notebook"_qs);
    QVERIFY(!failed);
    QVERIFY2(failed.error().message.contains(u"stays at version 1"), qPrintable(failed.error().message));
    QCOMPARE(database->queryInteger("PRAGMA user_version").value(), 1);
    QCOMPARE(database->queryInteger("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").value(), 0);
    const std::vector<Migration> gap{{1, "SELECT 1"}, {3, "SELECT 1"}};
    QVERIFY(!migrate(*database, gap, kTestApplication, u"notebook"_qs));
}

void TestWorkspace::checksIntegrityOnlyAfterAnUncleanShutdown()
{
    const QString file = path(u"crash.lathe"_qs);
    {
        auto workspace = Workspace::open(file);
        QVERIFY(workspace);
        QVERIFY(workspace->database().execute(
            "CREATE TABLE filler (text TEXT);"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 2000) INSERT INTO filler SELECT printf('%0200d', i) FROM n"));
    }
    {
        auto workspace = Workspace::open(file);
        QVERIFY(workspace);
        QVERIFY(!workspace->checkedIntegrity()); // the last session closed cleanly
    }
    // A session killed before it closed leaves its mark.
    const auto markUnclean = [&] {
        auto database = SqliteDatabase::open(file, SqliteDatabase::Mode::OpenExisting);
        QVERIFY(database);
        QVERIFY(database->execute("UPDATE meta SET value = '1' WHERE key = 'session_open'"));
    };
    markUnclean();
    {
        auto workspace = Workspace::open(file);
        QVERIFY2(workspace, qPrintable(workspace ? QString() : workspace.error().toString()));
        QVERIFY(workspace->checkedIntegrity());
    }
    // Damage in the middle of the file (the filler table's pages) is found, and nothing changes.
    markUnclean();
    {
        QFile damaged(file);
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        QVERIFY(damaged.size() > 40 * 4096);
        damaged.seek(30 * 4096 + 8);
        damaged.write(QByteArray(2000, '\xA5'));
    }
    const QByteArray before = fileHash(file);
    const auto opened = Workspace::open(file);
    QVERIFY(!opened);
    QCOMPARE(opened.error().where, file);
    QVERIFY2(opened.error().message.contains(u"integrity check") ||
                 opened.error().message.contains(u"damaged"),
             qPrintable(opened.error().message));
    QCOMPARE(fileHash(file), before);
}

void TestWorkspace::defaultPathIsInTheDataFolder()
{
    const QString path = Workspace::defaultPath();
    QVERIFY(path.endsWith(u"/default.lathe"));
    QVERIFY(path.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
