// SPDX-License-Identifier: GPL-3.0-or-later
#include "SqliteDatabase.h"

#include <sqlite3.h>
#include <utility>

#include <QFile>
#include <QFileInfo>

namespace Lathe::Store
{

namespace
{

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

/** The first line of a statement, for messages. */
QString shortSql(std::string_view sql)
{
    QString text = qs(sql).simplified();
    if (text.size() > 80)
        text = text.left(77) + u"…";
    return text;
}

ErrorCode codeFor(int result)
{
    switch (result & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
        return ErrorCode::Io;
    default:
        return ErrorCode::InvalidArgument;
    }
}

/** What a person should read for the codes a workspace meets, beside SQLite's own words. */
QString explain(int result, const char *sqliteMessage)
{
    switch (result & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return QStringLiteral("the workspace is locked by another program that is writing to it (%1)")
            .arg(QString::fromUtf8(sqliteMessage));
    case SQLITE_FULL:
        return QStringLiteral("the disk is full (%1)").arg(QString::fromUtf8(sqliteMessage));
    case SQLITE_NOTADB:
        return QStringLiteral("the file is not a SQLite database, so not a Lathe workspace");
    case SQLITE_CORRUPT:
        return QStringLiteral("the workspace file is damaged (%1)").arg(QString::fromUtf8(sqliteMessage));
    case SQLITE_READONLY:
        return QStringLiteral("the workspace cannot be written to (%1)")
            .arg(QString::fromUtf8(sqliteMessage));
    default:
        return QString::fromUtf8(sqliteMessage);
    }
}

} // namespace

// --- SqliteStatement ---

SqliteStatement::SqliteStatement(sqlite3_stmt *statement, sqlite3 *connection)
    : m_statement(statement)
    , m_connection(connection)
{}

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_connection(other.m_connection)
{}

SqliteStatement &SqliteStatement::operator=(SqliteStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_statement = std::exchange(other.m_statement, nullptr);
        m_connection = other.m_connection;
    }
    return *this;
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

tl::unexpected<Error> SqliteStatement::error(int code, const char *doing) const
{
    const char *sql = sqlite3_sql(m_statement);
    return fail(
        codeFor(code),
        QStringLiteral("%1: %2").arg(QString::fromUtf8(doing), explain(code, sqlite3_errmsg(m_connection))),
        shortSql(sql ? sql : ""));
}

Result<void> SqliteStatement::bind(int index, std::int64_t value)
{
    if (const int code = sqlite3_bind_int64(m_statement, index, value); code != SQLITE_OK)
        return error(code, "cannot bind a parameter");
    return {};
}

Result<void> SqliteStatement::bind(int index, double value)
{
    if (const int code = sqlite3_bind_double(m_statement, index, value); code != SQLITE_OK)
        return error(code, "cannot bind a parameter");
    return {};
}

Result<void> SqliteStatement::bind(int index, std::string_view utf8)
{
    if (const int code =
            sqlite3_bind_text64(m_statement, index, utf8.data(), utf8.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        code != SQLITE_OK)
        return error(code, "cannot bind a parameter");
    return {};
}

Result<void> SqliteStatement::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return bind(index, std::string_view(utf8.constData(), std::size_t(utf8.size())));
}

Result<void> SqliteStatement::bindBlob(int index, const QByteArray &bytes)
{
    if (const int code = sqlite3_bind_blob64(m_statement, index, bytes.constData(),
                                             sqlite3_uint64(bytes.size()), SQLITE_TRANSIENT);
        code != SQLITE_OK)
        return error(code, "cannot bind a parameter");
    return {};
}

Result<void> SqliteStatement::bindNull(int index)
{
    if (const int code = sqlite3_bind_null(m_statement, index); code != SQLITE_OK)
        return error(code, "cannot bind a parameter");
    return {};
}

Result<bool> SqliteStatement::step()
{
    const int code = sqlite3_step(m_statement);
    if (code == SQLITE_ROW)
        return true;
    if (code == SQLITE_DONE)
        return false;
    auto failure = error(code, "the statement failed");
    sqlite3_reset(m_statement);
    return failure;
}

Result<void> SqliteStatement::run()
{
    return forEachRow([](const SqliteStatement &) {});
}

Result<void> SqliteStatement::forEachRow(const std::function<void(const SqliteStatement &row)> &visit)
{
    for (;;) {
        auto row = step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return {};
        visit(*this);
    }
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

std::string SqliteStatement::text(int column) const
{
    const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return bytes ? std::string(bytes, std::size_t(sqlite3_column_bytes(m_statement, column))) : std::string();
}

QString SqliteStatement::qtext(int column) const
{
    const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return bytes ? QString::fromUtf8(bytes, sqlite3_column_bytes(m_statement, column)) : QString();
}

QByteArray SqliteStatement::blob(int column) const
{
    const auto *bytes = static_cast<const char *>(sqlite3_column_blob(m_statement, column));
    return bytes ? QByteArray(bytes, sqlite3_column_bytes(m_statement, column)) : QByteArray();
}

// --- SqliteDatabase ---

SqliteDatabase::SqliteDatabase(sqlite3 *connection, QString path)
    : m_connection(connection)
    , m_path(std::move(path))
{}

SqliteDatabase::SqliteDatabase(SqliteDatabase &&other) noexcept
    : m_connection(std::exchange(other.m_connection, nullptr))
    , m_path(std::move(other.m_path))
{}

SqliteDatabase &SqliteDatabase::operator=(SqliteDatabase &&other) noexcept
{
    if (this != &other) {
        sqlite3_close_v2(m_connection);
        m_connection = std::exchange(other.m_connection, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

SqliteDatabase::~SqliteDatabase()
{
    // v2: statements still alive (a bug) keep the connection until they go, instead of leaking it.
    sqlite3_close_v2(m_connection);
}

tl::unexpected<Error> SqliteDatabase::error(int code, const QString &doing) const
{
    return fail(codeFor(code), doing + u": " + explain(code, sqlite3_errmsg(m_connection)), m_path);
}

Result<SqliteDatabase> SqliteDatabase::open(const QString &path, Mode mode, int busyTimeoutMs)
{
    if (QFileInfo(path).isDir())
        return fail(ErrorCode::Io, QStringLiteral("This is a folder, not a workspace file."), path);
    if (mode == Mode::OpenExisting && !QFileInfo::exists(path))
        return fail(ErrorCode::Io, QStringLiteral("There is no workspace file here."), path);
    sqlite3 *connection = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Mode::OpenOrCreate ? SQLITE_OPEN_CREATE : 0);
    const int opened = sqlite3_open_v2(QFile::encodeName(path).constData(), &connection, flags, nullptr);
    SqliteDatabase database(connection, path); // closes the handle SQLite returns even on failure
    if (opened != SQLITE_OK)
        return database.error(opened, QStringLiteral("Cannot open the workspace"));
    sqlite3_extended_result_codes(connection, 1);
    sqlite3_busy_timeout(connection, busyTimeoutMs);
    if (sqlite3_db_readonly(connection, "main") == 1)
        return fail(ErrorCode::Io,
                    QStringLiteral("The workspace file is read-only; Lathe needs to write to it."), path);

    // The first statement reads the header: a file that is not SQLite fails here.
    auto journal = database.queryText("PRAGMA journal_mode = WAL");
    if (!journal)
        return tl::unexpected(journal.error());
    if (!*journal || **journal != "wal")
        return fail(
            ErrorCode::Io,
            QStringLiteral("SQLite cannot use its write-ahead log here (journal mode stays \"%1\"); a "
                           "network or read-only file system cannot hold a workspace.")
                .arg(qs(journal->value_or(""))),
            path);
    // Checkpoints every 256 pages (1 MB) rather than 1,000: each costs ~3 ms instead of ~7, so
    // the save that triggers one stays quick.
    if (auto set = database.execute(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 256");
        !set)
        return tl::unexpected(set.error());
    auto foreignKeys = database.queryInteger("PRAGMA foreign_keys");
    if (!foreignKeys)
        return tl::unexpected(foreignKeys.error());
    if (*foreignKeys != 1)
        return fail(ErrorCode::Io, QStringLiteral("This SQLite cannot enforce foreign keys."), path);
    return database;
}

Result<void> SqliteDatabase::execute(std::string_view sql)
{
    char *message = nullptr;
    const int code = sqlite3_exec(m_connection, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (code == SQLITE_OK)
        return {};
    const QString text = message ? QString::fromUtf8(message) : QString();
    sqlite3_free(message);
    return fail(codeFor(code), explain(code, text.toUtf8().constData()) + u" (" + shortSql(sql) + u")",
                m_path);
}

Result<SqliteStatement> SqliteDatabase::prepare(std::string_view sql)
{
    sqlite3_stmt *statement = nullptr;
    const char *tail = nullptr;
    const int code = sqlite3_prepare_v2(m_connection, sql.data(), int(sql.size()), &statement, &tail);
    SqliteStatement prepared(statement, m_connection);
    if (code != SQLITE_OK)
        return fail(codeFor(code), explain(code, sqlite3_errmsg(m_connection)) + u" (" + shortSql(sql) + u")",
                    m_path);
    if (!statement)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("The SQL holds no statement."), m_path);
    if (tail && !QByteArray(tail, qsizetype(sql.data() + sql.size() - tail)).trimmed().isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("prepare() takes one statement: ") + shortSql(sql), m_path);
    return prepared;
}

Result<std::optional<SqliteStatement>> SqliteDatabase::firstRow(std::string_view sql)
{
    auto statement = prepare(sql);
    if (!statement)
        return tl::unexpected(statement.error());
    auto row = statement->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<SqliteStatement>();
    return std::optional<SqliteStatement>(std::move(*statement));
}

Result<std::int64_t> SqliteDatabase::queryInteger(std::string_view sql)
{
    auto row = firstRow(sql);
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("The query returned no row: ") + shortSql(sql),
                    m_path);
    return (*row)->integer(0);
}

Result<std::optional<std::string>> SqliteDatabase::queryText(std::string_view sql)
{
    auto row = firstRow(sql);
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<std::string>();
    return std::optional<std::string>((*row)->text(0));
}

std::int64_t SqliteDatabase::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_connection);
}

// --- SqliteTransaction ---

SqliteTransaction::SqliteTransaction(SqliteDatabase &database)
    : m_database(&database)
{}

SqliteTransaction::SqliteTransaction(SqliteTransaction &&other) noexcept
    : m_database(other.m_database)
    , m_open(std::exchange(other.m_open, false))
{}

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDatabase &database)
{
    if (auto begun = database.execute("BEGIN IMMEDIATE"); !begun)
        return tl::unexpected(begun.error());
    return SqliteTransaction(database);
}

SqliteTransaction::~SqliteTransaction()
{
    if (m_open)
        (void)m_database->execute("ROLLBACK");
}

Result<void> SqliteTransaction::commit()
{
    auto committed = m_database->execute("COMMIT");
    if (committed)
        m_open = false;
    return committed;
}

} // namespace Lathe::Store
