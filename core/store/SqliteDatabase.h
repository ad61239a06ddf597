// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// core/store: the workspace's SQLite file, through a thin RAII wrapper over the C API.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <QByteArray>
#include <QString>

#include "base/Result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace Lathe::Store
{

class SqliteDatabase;

/**
 * One prepared statement. Binding and stepping return errors as values that name the statement;
 * the statement is finalized when the object goes. Belongs to its connection's thread.
 */
class SqliteStatement
{
public:
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    ~SqliteStatement();

    /** Parameters count from 1, as in SQL (`?1`). */
    Result<void> bind(int index, std::int64_t value);
    Result<void> bind(int index, double value);
    Result<void> bind(int index, std::string_view utf8);
    Result<void> bind(int index, const QString &text);
    Result<void> bindBlob(int index, const QByteArray &bytes);
    Result<void> bindNull(int index);

    /** Runs one step: true when a row is ready to read, false when the statement is done. */
    Result<bool> step();
    /** Steps to the end (for statements that return no rows). */
    Result<void> run();
    /** Steps to the end, calling `visit` with the statement at each row. */
    Result<void> forEachRow(const std::function<void(const SqliteStatement &row)> &visit);
    /** Ready to run again with new bindings. */
    void reset();

    bool isNull(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    QString qtext(int column) const;
    QByteArray blob(int column) const;

private:
    friend class SqliteDatabase;
    SqliteStatement(sqlite3_stmt *statement, sqlite3 *connection);
    tl::unexpected<Error> error(int code, const char *doing) const;

    sqlite3_stmt *m_statement = nullptr;
    sqlite3 *m_connection = nullptr;
};

/**
 * One connection to a SQLite file, set up as every workspace connection is: WAL journal
 * (checked after it is set, since SQLite silently keeps another mode where WAL is impossible),
 * foreign keys on (checked too), a busy timeout, and NORMAL sync, which WAL makes durable
 * against a process crash. One connection per thread; move-only.
 */
class SqliteDatabase
{
public:
    enum class Mode
    {
        OpenOrCreate,
        OpenExisting,
    };

    /** Errors name the file: not a database, cannot be created, locked, WAL impossible. */
    static Result<SqliteDatabase> open(const QString &path, Mode mode = Mode::OpenOrCreate,
                                       int busyTimeoutMs = 5000);

    SqliteDatabase(SqliteDatabase &&other) noexcept;
    SqliteDatabase &operator=(SqliteDatabase &&other) noexcept;
    ~SqliteDatabase();

    const QString &path() const { return m_path; }

    /** Runs one or more statements that return nothing (DDL, pragmas). */
    Result<void> execute(std::string_view sql);
    Result<SqliteStatement> prepare(std::string_view sql);
    /** The single integer a query such as `PRAGMA user_version` returns. */
    Result<std::int64_t> queryInteger(std::string_view sql);
    /** The single text a query returns, or nullopt when it returns no row. */
    Result<std::optional<std::string>> queryText(std::string_view sql);

    std::int64_t lastInsertRowId() const;

private:
    SqliteDatabase(sqlite3 *connection, QString path);
    tl::unexpected<Error> error(int code, const QString &doing) const;
    /** The statement stepped to its first row, or nullopt when it returns none. */
    Result<std::optional<SqliteStatement>> firstRow(std::string_view sql);

    sqlite3 *m_connection = nullptr;
    QString m_path;
};

/**
 * `BEGIN IMMEDIATE` … `COMMIT`: the write lock is taken at the start, so a transaction never
 * fails half-way for another writer. Rolled back when it goes without commit().
 */
class SqliteTransaction
{
public:
    static Result<SqliteTransaction> begin(SqliteDatabase &database);

    SqliteTransaction(SqliteTransaction &&other) noexcept;
    SqliteTransaction &operator=(SqliteTransaction &&) = delete;
    ~SqliteTransaction();

    Result<void> commit();

private:
    explicit SqliteTransaction(SqliteDatabase &database);
    SqliteDatabase *m_database;
    bool m_open = true;
};

} // namespace Lathe::Store
