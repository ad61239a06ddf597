// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli key` and `lathe-cli run` with a real OS keychain: gnome-keyring's Secret Service on
// a private D-Bus session (CTest runs this test under dbus-run-session), unlocked with a password
// of the test's own and keeping its keyrings in a home of the test's own, so that the user's
// keychain is never touched. lathe-cli runs as a child process, against a scripted server that
// records what it was sent.
#include <memory>
#include <optional>

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "CliProcess.h"
#include "ScriptedHttpServer.h"
#include "SecretScan.h"

using namespace Lathe::TestSupport;

namespace
{

const QString kSecretService = QStringLiteral("org.freedesktop.secrets");
const QByteArray kKeyringPassword = "lathe-test-keyring-password";

} // namespace

class TestCliKeychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void storedKeyIsSentAndReportedAsFromTheKeychain();
    void environmentVariableOverridesTheKeychain();
    void forgottenKeyIsNeitherSentNorReported();

private:
    QProcessEnvironment environment() const { return privateHomeEnvironment(m_home.path()); }
    /** Runs lathe-cli in the home; what it wrote is searched for the keys in cleanup(). */
    CliResult cli(const QStringList &arguments, const QByteArray &input = {},
                  const std::optional<QProcessEnvironment> &environment = std::nullopt);
    QStringList runArguments() const;
    /** The scripted server's API root, which names the keychain entry. */
    QString api() const { return m_server->baseUrl().toString(); }
    /** What lathe-cli calls that entry. */
    QString service() const { return QStringLiteral("127.0.0.1:%1").arg(m_server->port()); }
    QByteArray ledger() const;
    /** `bytes` as text, with every key of the test cut out, for comparisons that print it. */
    QString printable(const QByteArray &bytes) const;
    /** The only request the scripted server received, or nothing when it got another number. */
    QByteArray onlyRequest() const;
    QString keyringDiagnosis();

    QTemporaryDir m_home; // the keyring daemon's and every lathe-cli's
    QProcess m_keyring;
    std::unique_ptr<ScriptedHttpServer> m_server;
    QByteArray m_key;           // the one a test case stores in the keychain
    QByteArrayList m_keys;      // every key a test case used: none may leak
    QList<CliResult> m_outputs; // what every lathe-cli of a test case wrote
};

void TestCliKeychain::initTestCase()
{
    QVERIFY2(m_home.isValid(), qPrintable(m_home.errorString()));
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "no D-Bus session bus; run the test under one of its own: dbus-run-session -- tst_cli_keychain");
    QDBusConnection sessionBus = QDBusConnection::sessionBus();
    QDBusConnectionInterface *bus = sessionBus.interface();
    QVERIFY2(bus,
             qPrintable(QStringLiteral("cannot reach the session bus: ") + sessionBus.lastError().message()));
    QVERIFY2(!bus->isServiceRegistered(kSecretService).value(),
             "a Secret Service already runs on this session bus, perhaps the user's own keychain; run the "
             "test under a session of its own: dbus-run-session -- tst_cli_keychain");

    // The daemon keeps its keyrings in $XDG_DATA_HOME/keyrings and, with --unlock, creates and
    // unlocks the login keyring with the password it reads from stdin.
    m_keyring.setProcessEnvironment(environment());
    m_keyring.start(
        QStringLiteral(LATHE_GNOME_KEYRING_DAEMON),
        {QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets"),
         QStringLiteral("--control-directory=") + m_home.filePath(QStringLiteral(".keyring-control"))});
    QVERIFY2(m_keyring.waitForStarted(10000),
             qPrintable(QStringLiteral("cannot start " LATHE_GNOME_KEYRING_DAEMON ": ") +
                        m_keyring.errorString()));
    m_keyring.write(kKeyringPassword);
    m_keyring.closeWriteChannel();
    // It is ready once it owns the Secret Service's name. Asking who owns a name, unlike calling
    // the service, does not make D-Bus start a second daemon (one that is not unlocked).
    QTRY_VERIFY2_WITH_TIMEOUT(m_keyring.state() != QProcess::Running ||
                                  bus->isServiceRegistered(kSecretService).value(),
                              qPrintable(keyringDiagnosis()), 10000);
    QVERIFY2(m_keyring.state() == QProcess::Running, qPrintable(keyringDiagnosis()));
}

void TestCliKeychain::cleanupTestCase()
{
    if (m_keyring.state() == QProcess::NotRunning)
        return;
    m_keyring.terminate();
    if (!m_keyring.waitForFinished(5000)) {
        m_keyring.kill();
        m_keyring.waitForFinished(5000);
    }
}

QString TestCliKeychain::keyringDiagnosis()
{
    QString state =
        m_keyring.state() == QProcess::Running
            ? QStringLiteral("gnome-keyring-daemon did not register %1 on the session bus within 10 s")
                  .arg(kSecretService)
            : QStringLiteral("gnome-keyring-daemon ended with exit code %1").arg(m_keyring.exitCode());
    return state + QStringLiteral("; it wrote: ") + QString::fromUtf8(m_keyring.readAllStandardError());
}

void TestCliKeychain::init()
{
    m_server = std::make_unique<ScriptedHttpServer>(
        openAiStreamedAnswer({QStringLiteral("Hello"), QStringLiteral(" from the script")}));
    QVERIFY(m_server->listen());
    m_key = canarySecret("sk-lathe-keychain-canary-");
    m_keys = {m_key};
    m_outputs.clear();
}

void TestCliKeychain::cleanup()
{
    // The case's keychain entry goes with it, even when the case failed halfway.
    cli({QStringLiteral("key"), QStringLiteral("forget"), api()});

    // No key may be anywhere but the keychain, whose own files are all that is not searched.
    const QDir home(m_home.path());
    const QStringList keychainFiles{home.filePath(QStringLiteral(".local/share/keyrings"))};
    QList<SecretSighting> sightings;
    for (const QByteArray &key : std::as_const(m_keys)) {
        for (const CliResult &output : std::as_const(m_outputs)) {
            sightings += findSecret(output.out, key, QStringLiteral("lathe-cli stdout"));
            sightings += findSecret(output.err, key, QStringLiteral("lathe-cli stderr"));
        }
        sightings += findSecretInTree(home.path(), key, keychainFiles);
    }
    m_server.reset();
    QVERIFY2(sightings.isEmpty(), qPrintable(describeSightings(sightings)));
}

CliResult TestCliKeychain::cli(const QStringList &arguments, const QByteArray &input,
                               const std::optional<QProcessEnvironment> &environment)
{
    const CliResult result = runCli(arguments, environment.value_or(this->environment()), input);
    m_outputs.append(result);
    return result;
}

QStringList TestCliKeychain::runArguments() const
{
    return {QStringLiteral("run"),     QStringLiteral("--base-url"), api(),
            QStringLiteral("--model"), QStringLiteral("m"),          QStringLiteral("--prompt"),
            QStringLiteral("hi")};
}

QByteArray TestCliKeychain::ledger() const
{
    QFile file(QDir(m_home.path()).filePath(QStringLiteral(".local/share/lathe/ledger.jsonl")));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString TestCliKeychain::printable(const QByteArray &bytes) const
{
    QByteArray text = bytes;
    for (const QByteArray &key : m_keys)
        text = withoutSecret(text, key);
    return QString::fromUtf8(text);
}

QByteArray TestCliKeychain::onlyRequest() const
{
    const QList<QByteArray> requests = m_server->requests();
    return requests.size() == 1 ? requests.constFirst() : QByteArray();
}

void TestCliKeychain::storedKeyIsSentAndReportedAsFromTheKeychain()
{
    const CliResult set = cli({QStringLiteral("key"), QStringLiteral("set"), api()}, m_key + '\n');
    QCOMPARE(printable(set.err), QString());
    QCOMPARE(printable(set.out),
             QStringLiteral("stored the API key for %1 in the keychain\n").arg(service()));
    QCOMPARE(set.exitCode, 0);

    const CliResult status = cli({QStringLiteral("key"), QStringLiteral("status"), api()});
    QCOMPARE(printable(status.out), service() + QStringLiteral(": a key from the keychain\n"));
    QCOMPARE(status.exitCode, 0);

    const qsizetype ledgerLines = ledger().count('\n');
    const CliResult run = cli(runArguments());
    QCOMPARE(printable(run.err), QString());
    QCOMPARE(printable(run.out), QStringLiteral("Hello from the script"));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(m_server->requests().size(), 1);
    QVERIFY2(onlyRequest().contains(QByteArray("\r\nAuthorization: Bearer " + m_key + "\r\n")),
             "the run did not send the key from the keychain as \"Authorization: Bearer\"");
    const QByteArray recorded = ledger();
    QCOMPARE(recorded.count('\n'), ledgerLines + 1);
    QVERIFY(recorded.contains("[redacted]"));
}

void TestCliKeychain::environmentVariableOverridesTheKeychain()
{
    const QByteArray environmentKey = canarySecret("sk-lathe-environment-canary-");
    m_keys.append(environmentKey);
    QCOMPARE(cli({QStringLiteral("key"), QStringLiteral("set"), api()}, m_key + '\n').exitCode, 0);
    QProcessEnvironment withVariable = environment();
    withVariable.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(environmentKey));

    const CliResult status = cli({QStringLiteral("key"), QStringLiteral("status"), api()}, {}, withVariable);
    QCOMPARE(printable(status.out),
             service() + QStringLiteral(": a key from the environment variable OPENAI_API_KEY\n"));
    QCOMPARE(status.exitCode, 0);

    const CliResult run = cli(runArguments(), {}, withVariable);
    QCOMPARE(printable(run.out), QStringLiteral("Hello from the script"));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(m_server->requests().size(), 1);
    QVERIFY2(onlyRequest().contains(QByteArray("\r\nAuthorization: Bearer " + environmentKey + "\r\n")),
             "the run did not send the key from OPENAI_API_KEY as \"Authorization: Bearer\"");
    QVERIFY2(findSecret(onlyRequest(), m_key, QString()).isEmpty(), "the run sent the keychain's key too");
}

void TestCliKeychain::forgottenKeyIsNeitherSentNorReported()
{
    QCOMPARE(cli({QStringLiteral("key"), QStringLiteral("set"), api()}, m_key + '\n').exitCode, 0);
    const CliResult forget = cli({QStringLiteral("key"), QStringLiteral("forget"), api()});
    QCOMPARE(printable(forget.err), QString());
    QCOMPARE(printable(forget.out), QStringLiteral("the keychain holds no API key for %1\n").arg(service()));
    QCOMPARE(forget.exitCode, 0);

    // Word for word: a keychain that could not be reached would add its reason.
    const CliResult status = cli({QStringLiteral("key"), QStringLiteral("status"), api()});
    QCOMPARE(printable(status.out),
             QStringLiteral("no API key for %1: set OPENAI_API_KEY or store one in the keychain\n")
                 .arg(service()));
    QCOMPARE(status.exitCode, 1);

    // A loopback server may take no key, so the run goes ahead without one and without a warning.
    const CliResult run = cli(runArguments());
    QCOMPARE(printable(run.err), QString());
    QCOMPARE(printable(run.out), QStringLiteral("Hello from the script"));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(m_server->requests().size(), 1);
    QVERIFY2(!requestHeader(onlyRequest(), "authorization").has_value(),
             "the run sent an Authorization header after the key was forgotten");
    QVERIFY2(findSecret(onlyRequest(), m_key, QString()).isEmpty(), "the run sent the forgotten key");
}

QTEST_GUILESS_MAIN(TestCliKeychain)
#include "tst_cli_keychain.moc"
