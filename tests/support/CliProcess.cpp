// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliProcess.h"

#include <QDir>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>

namespace Lathe::TestSupport
{

QString cliPath()
{
    const QString path = qEnvironmentVariable("LATHE_CLI");
    return path.isEmpty() ? QStringLiteral("lathe-cli") : path;
}

QStringList CliResult::errLines() const
{
    return QString::fromUtf8(err).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

CliResult runCli(const QStringList &arguments, const QProcessEnvironment &environment,
                 const QByteArray &input)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(cliPath(), arguments);
    CliResult result;
    if (!process.waitForStarted(10000))
        return result;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    const bool ended = !finished.isEmpty() || finished.wait(30000);
    if (!ended) {
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = ended && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QProcessEnvironment privateHomeEnvironment(const QString &home)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.endsWith(QLatin1String("_API_KEY")))
            environment.remove(name);
    }
    const QDir dir(home);
    environment.insert(QStringLiteral("HOME"), dir.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral(".config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral(".local/share")));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral(".cache")));
    return environment;
}

quint16 closedLoopbackPort()
{
    QTcpServer listener;
    if (!listener.listen(QHostAddress::LocalHost, 0))
        return 0;
    return listener.serverPort();
}

MockServerProcess::MockServerProcess(const QStringList &extraArguments,
                                     const QProcessEnvironment &environment)
{
    m_process.setProcessEnvironment(environment);
    m_process.setProgram(cliPath());
    m_process.setArguments(QStringList{QStringLiteral("serve-mock"), QStringLiteral("--first-token-ms"),
                                       QStringLiteral("10"), QStringLiteral("--tokens-per-second"),
                                       QStringLiteral("2000")} +
                           extraArguments);
    m_process.start();
}

MockServerProcess::~MockServerProcess()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

QString MockServerProcess::firstLine()
{
    while (!m_process.canReadLine() && m_process.waitForReadyRead(10000)) {
    }
    return QString::fromUtf8(m_process.readLine()).trimmed();
}

QString MockServerProcess::baseUrl()
{
    const QString line = firstLine();
    static const QRegularExpression pattern(QStringLiteral("^listening on (http://127\\.0\\.0\\.1:\\d+)$"));
    const auto match = pattern.match(line);
    return match.hasMatch() ? match.captured(1) + QStringLiteral("/v1") : QString();
}

CliResult MockServerProcess::stop()
{
    m_process.kill();
    m_process.waitForFinished(5000);
    CliResult result;
    result.out = m_process.readAllStandardOutput();
    result.err = m_process.readAllStandardError();
    return result;
}

} // namespace Lathe::TestSupport
