// SPDX-License-Identifier: GPL-3.0-or-later
// The RAII wrapper over SQLite: connection set-up, statements, transactions, and errors that
// name the file.

#include <limits>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "store/SqliteDatabase.h"

using Lathe::ErrorCode;
using Lathe::Store::SqliteDatabase;
using Lathe::Store::SqliteTransaction;

class TestSqliteDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void opensWithWalAndForeignKeysVerified();
    void statementsRoundTripEveryType();
    void transactionsRollBackUnlessCommitted();
    void aSecondWriterWaitsThenGetsALockedError();
    void errorsNameTheFileAndWhatIsWrong();
    void prepareTakesOneStatement();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSqliteDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSqliteDatabase::opensWithWalAndForeignKeysVerified()
{
    auto database = SqliteDatabase::open(path(u"a.lathe"_qs));
    QVERIFY2(database, qPrintable(database ? QString() : database.error().toString()));
    QCOMPARE(database->queryText("PRAGMA journal_mode").value(), std::optional<std::string>("wal"));
    QCOMPARE(database->queryInteger("PRAGMA foreign_keys").value(), 1);
    QCOMPARE(database->queryInteger("PRAGMA synchronous").value(), 1); // NORMAL
    QVERIFY(database->execute("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                              "CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id))"));
    const auto orphan = database->execute("INSERT INTO child VALUES (42)");
    QVERIFY(!orphan);
    QVERIFY2(orphan.error().message.contains(u"FOREIGN KEY"), qPrintable(orphan.error().message));
}

void TestSqliteDatabase::statementsRoundTripEveryType()
{
    auto database = SqliteDatabase::open(path(u"types.lathe"_qs));
    QVERIFY(database);
    QVERIFY(database->execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)"));
    auto insert = database->prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
    QVERIFY(insert);
    const QString text = u"h\u00e9llo \U0001F600 \u0000 end"_qs;
    const QByteArray bytes("\x00\x01\xFF binary", 10);
    QVERIFY(insert->bind(1, std::numeric_limits<std::int64_t>::min()));
    QVERIFY(insert->bind(2, 0.1));
    QVERIFY(insert->bind(3, text));
    QVERIFY(insert->bindBlob(4, bytes));
    QVERIFY(insert->bindNull(5));
    QVERIFY(insert->run());
    QCOMPARE(database->lastInsertRowId(), 1);
    insert->reset();
    QVERIFY(insert->bind(1, std::numeric_limits<std::int64_t>::max()));
    QVERIFY(insert->run());

    auto select = database->prepare("SELECT i, r, s, b, n FROM t ORDER BY rowid");
    QVERIFY(select);
    QCOMPARE(select->step().value(), true);
    QCOMPARE(select->integer(0), std::numeric_limits<std::int64_t>::min());
    QCOMPARE(select->real(1), 0.1);
    QCOMPARE(select->qtext(2), text);
    QCOMPARE(select->blob(3), bytes);
    QVERIFY(select->isNull(4));
    QCOMPARE(select->step().value(), true);
    QCOMPARE(select->integer(0), std::numeric_limits<std::int64_t>::max());
    QVERIFY(select->isNull(1)); // cleared by reset()
    QCOMPARE(select->step().value(), false);
}

void TestSqliteDatabase::transactionsRollBackUnlessCommitted()
{
    auto database = SqliteDatabase::open(path(u"tx.lathe"_qs));
    QVERIFY(database);
    QVERIFY(database->execute("CREATE TABLE t (v INTEGER)"));
    {
        auto transaction = SqliteTransaction::begin(*database);
        QVERIFY(transaction);
        QVERIFY(database->execute("INSERT INTO t VALUES (1)"));
    }
    QCOMPARE(database->queryInteger("SELECT count(*) FROM t").value(), 0);
    {
        auto transaction = SqliteTransaction::begin(*database);
        QVERIFY(transaction);
        QVERIFY(database->execute("INSERT INTO t VALUES (2)"));
        QVERIFY(transaction->commit());
    }
    QCOMPARE(database->queryInteger("SELECT count(*) FROM t").value(), 1);
    // Committed data is in the file for a new connection.
    auto other = SqliteDatabase::open(path(u"tx.lathe"_qs), SqliteDatabase::Mode::OpenExisting);
    QVERIFY(other);
    QCOMPARE(other->queryInteger("SELECT v FROM t").value(), 2);
}

void TestSqliteDatabase::aSecondWriterWaitsThenGetsALockedError()
{
    auto first = SqliteDatabase::open(path(u"lock.lathe"_qs));
    QVERIFY(first);
    QVERIFY(first->execute("CREATE TABLE t (v INTEGER)"));
    auto second = SqliteDatabase::open(path(u"lock.lathe"_qs), SqliteDatabase::Mode::OpenExisting, 200);
    QVERIFY(second);
    auto writing = SqliteTransaction::begin(*first);
    QVERIFY(writing);
    QElapsedTimer timer;
    timer.start();
    const auto blocked = SqliteTransaction::begin(*second);
    QVERIFY(!blocked);
    QVERIFY(timer.elapsed() >= 150); // it waited for the busy timeout first
    QCOMPARE(blocked.error().code, ErrorCode::Io);
    QVERIFY2(blocked.error().message.contains(u"locked by another program"),
             qPrintable(blocked.error().message));
    // Readers are not blocked by a writer in WAL mode.
    QCOMPARE(second->queryInteger("SELECT count(*) FROM t").value(), 0);
    QVERIFY(writing->commit());
    QVERIFY(SqliteTransaction::begin(*second));
}

void TestSqliteDatabase::errorsNameTheFileAndWhatIsWrong()
{
    const QString text = path(u"notes.txt"_qs);
    QFile file(text);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    const auto notSqlite = SqliteDatabase::open(text);
    QVERIFY(!notSqlite);
    QCOMPARE(notSqlite.error().where, text);
    QVERIFY2(notSqlite.error().message.contains(u"not a SQLite database"),
             qPrintable(notSqlite.error().message));

    const auto folder = SqliteDatabase::open(m_dir->path());
    QVERIFY(!folder);
    QVERIFY(folder.error().message.contains(u"folder"));

    const QString missing = path(u"missing.lathe"_qs);
    const auto absent = SqliteDatabase::open(missing, SqliteDatabase::Mode::OpenExisting);
    QVERIFY(!absent);
    QCOMPARE(absent.error().where, missing);
    QVERIFY(!QFile::exists(missing));

    const auto noFolder = SqliteDatabase::open(path(u"no/such/folder/x.lathe"_qs));
    QVERIFY(!noFolder);
    QCOMPARE(noFolder.error().code, ErrorCode::Io);
}

void TestSqliteDatabase::prepareTakesOneStatement()
{
    auto database = SqliteDatabase::open(path(u"p.lathe"_qs));
    QVERIFY(database);
    const auto two = database->prepare("SELECT 1; SELECT 2");
    QVERIFY(!two);
    QVERIFY(two.error().message.contains(u"one statement"));
    const auto bad = database->prepare("SELEC 1");
    QVERIFY(!bad);
    QVERIFY2(bad.error().message.contains(u"syntax error"), qPrintable(bad.error().message));
    QVERIFY(database->prepare("SELECT 1;  \n"));
}

QTEST_GUILESS_MAIN(TestSqliteDatabase)
#include "tst_sqlitedatabase.moc"
