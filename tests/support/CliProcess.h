// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

/** Running the real lathe-cli as a child process, for the end-to-end tests. */
namespace Lathe::TestSupport
{

/** The lathe-cli under test: $LATHE_CLI (CTest sets it), else the one on the PATH. */
QString cliPath();

/** How a lathe-cli process ended, and everything it wrote. */
struct CliResult
{
    int exitCode = -1; ///< -1: it could not start, crashed, was killed or did not end in time
    QByteArray out;
    QByteArray err;

    QStringList errLines() const;
};

/**
 * Runs lathe-cli with `arguments` in `environment`, writes `input` to its stdin and closes it,
 * and waits up to 30 s for it to end. The event loop runs meanwhile, so a server in the test's
 * own process (a ScriptedHttpServer) can answer it.
 */
CliResult runCli(const QStringList &arguments,
                 const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
                 const QByteArray &input = {});

/**
 * The test's environment with HOME set to `home` and the XDG config, data and cache homes in
 * their usual places under it (.config, .local/share, .cache), so that a child writes nothing
 * outside `home`; and without any *_API_KEY variable, so that no key of the user's reaches it.
 */
QProcessEnvironment privateHomeEnvironment(const QString &home);

/** A loopback port that was free a moment ago and is closed now: nothing listens on it. */
quint16 closedLoopbackPort();

/**
 * A `lathe-cli serve-mock` process, killed when it goes out of scope. It paces its answers fast
 * (the first token after 10 ms, then 2000 tokens a second); `extraArguments` come after that,
 * so they may set another pace.
 */
class MockServerProcess
{
    Q_DISABLE_COPY_MOVE(MockServerProcess)

public:
    explicit MockServerProcess(
        const QStringList &extraArguments = {},
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());
    ~MockServerProcess();

    /** Waits up to 10 s for the first stdout line and returns it. */
    QString firstLine();
    /**
     * The API root http://127.0.0.1:PORT/v1 from the announcement line, or empty when that line
     * did not come; call once, as it consumes that line.
     */
    QString baseUrl();
    /** Kills the server and returns what it wrote that has not been read yet. */
    CliResult stop();

private:
    QProcess m_process;
};

} // namespace Lathe::TestSupport
