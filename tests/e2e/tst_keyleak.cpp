// SPDX-License-Identifier: GPL-3.0-or-later
// "API keys live only in the OS keychain or the environment, never in the workspace, logs,
// exports, screenshots or test output", checked from outside: the real lathe-cli runs with a
// canary key in every provider's variable and a home of its own, and afterwards its output, the
// simulator's and every file under that home are searched for the key, as is and encoded.
#include <memory>
#include <utility>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "CliProcess.h"
#include "ScriptedHttpServer.h"
#include "SecretScan.h"
#include "providers/ChatTypes.h"

using namespace Lathe::TestSupport;

namespace
{

/** Every environment variable a provider's key is read from: OPENAI_API_KEY, … */
QStringList keyVariables()
{
    QStringList variables;
    for (const QString &name : Lathe::Providers::wireProtocolNames()) {
        const QString variable =
            Lathe::Providers::defaultApiKeyVariable(*Lathe::Providers::wireProtocolFromName(name));
        if (!variables.contains(variable))
            variables.append(variable);
    }
    return variables;
}

QStringList runArguments(const QString &baseUrl, const QString &model, const QStringList &more = {})
{
    return QStringList{QStringLiteral("run"),
                       QStringLiteral("--base-url"),
                       baseUrl,
                       QStringLiteral("--model"),
                       model,
                       QStringLiteral("--prompt"),
                       QStringLiteral("Is my key safe?")} +
           more;
}

/** What one command wrote, named for a failure message. */
using Output = std::pair<QString, QByteArray>;

} // namespace

class TestKeyLeak : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void scanFindsAPlantedKeyInEveryForm_data();
    void scanFindsAPlantedKeyInEveryForm();
    void keyIsSentToTheServerAndWrittenNowhere_data();
    void keyIsSentToTheServerAndWrittenNowhere();
    void noCommandWritesTheKey_data();
    void noCommandWritesTheKey();

private:
    QProcessEnvironment environmentWithKey() const;
    /** Why the ledger does not hold one line per attempt with its credentials redacted. */
    QString ledgerProblem(int attempts) const;
    /** Where the key stands in `outputs` or in a file under the home, one a line. */
    QString keySightings(const QList<Output> &outputs) const;

    std::unique_ptr<QTemporaryDir> m_home; // a fresh one per test function and data row
    QByteArray m_key;
};

void TestKeyLeak::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_home->isValid(), qPrintable(m_home->errorString()));
    m_key = canarySecret();
}

QProcessEnvironment TestKeyLeak::environmentWithKey() const
{
    QProcessEnvironment environment = privateHomeEnvironment(m_home->path());
    for (const QString &variable : keyVariables())
        environment.insert(variable, QString::fromLatin1(m_key));
    // Nothing here may reach the user's own keychain: no session bus and no display to start one.
    for (const char *name : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY", "WAYLAND_DISPLAY"})
        environment.remove(QLatin1String(name));
    // Debug builds log what they send; those lines are searched too.
    environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("lathe.*.debug=true"));
    return environment;
}

QString TestKeyLeak::ledgerProblem(int attempts) const
{
    QFile ledger(QDir(m_home->path()).filePath(QStringLiteral(".local/share/lathe/ledger.jsonl")));
    if (attempts == 0)
        return ledger.exists() ? QStringLiteral("a ledger was written, though no request was") : QString();
    if (!ledger.open(QIODevice::ReadOnly))
        return QStringLiteral("no ledger at ") + ledger.fileName();
    const QByteArray text = ledger.readAll();
    if (text.count('\n') != attempts)
        return QStringLiteral("the ledger has %1 lines, not one per attempt (%2)")
            .arg(text.count('\n'))
            .arg(attempts);
    if (!text.contains("[redacted]"))
        return QStringLiteral("the ledger holds no \"[redacted]\": were the request headers recorded?");
    return {};
}

QString TestKeyLeak::keySightings(const QList<Output> &outputs) const
{
    QList<SecretSighting> sightings;
    for (const auto &[name, bytes] : outputs)
        sightings += findSecret(bytes, m_key, name);
    sightings += findSecretInTree(m_home->path(), m_key);
    return describeSightings(sightings);
}

void TestKeyLeak::scanFindsAPlantedKeyInEveryForm_data()
{
    QTest::addColumn<QString>("file");      // under the home
    QTest::addColumn<QByteArray>("before"); // what stands before the key (encoded with it)
    QTest::addColumn<QString>("encoding");  // "", "base64", "base64url" or "utf16le"
    QTest::addColumn<QString>("form");      // the form the scan names; base64 forms by prefix
    QTest::addColumn<qsizetype>("offset");  // -1: the scan must not look there

    const QString log = QStringLiteral(".local/share/lathe/run.log");
    const QString base64 = QStringLiteral("base64");
    QTest::newRow("as is, in a hidden folder")
        << log << QByteArray("key=") << QString() << QStringLiteral("as is") << qsizetype(4);
    // "Authorization: Basic " is 21 bytes. The characters made of the key's bits alone start 0,
    // 2 or 3 characters into its 3-byte group's when 0, 1 or 2 bytes are encoded before it.
    QTest::newRow("base64, aligned") << log << QByteArray() << base64 << base64 << qsizetype(21);
    QTest::newRow("base64, one byte in")
        << log << QByteArray("u") << base64 << QStringLiteral("base64 (shift 1)") << qsizetype(21 + 2);
    QTest::newRow("base64, two bytes in")
        << log << QByteArray("u:") << base64 << QStringLiteral("base64 (shift 2)") << qsizetype(21 + 3);
    // "Authorization: Bearer " is 22 bytes; the 6 bytes of {"k":" are two whole groups.
    QTest::newRow("base64url, in a token") << QStringLiteral(".cache/lathe/token") << QByteArray("{\"k\":\"")
                                           << QStringLiteral("base64url") << base64 << qsizetype(22 + 8);
    QTest::newRow("UTF-16") << QStringLiteral(".config/lathe/state.bin") << QByteArray()
                            << QStringLiteral("utf16le") << QStringLiteral("UTF-16LE") << qsizetype(0);
    QTest::newRow("in the keychain's folder, which is skipped")
        << QStringLiteral(".local/share/keyrings/login.keyring") << QByteArray() << QString() << QString()
        << qsizetype(-1);
}

void TestKeyLeak::scanFindsAPlantedKeyInEveryForm()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, before);
    QFETCH(QString, encoding);
    QFETCH(QString, form);
    QFETCH(qsizetype, offset);

    QByteArray content = before + m_key;
    if (encoding == QLatin1String("base64"))
        content = QByteArray("Authorization: Basic " + content.toBase64());
    else if (encoding == QLatin1String("base64url"))
        content =
            QByteArray("Authorization: Bearer " + content.toBase64(QByteArray::Base64UrlEncoding) + ".sig");
    else if (encoding == QLatin1String("utf16le"))
        content = QByteArray(reinterpret_cast<const char *>(QString::fromLatin1(content).utf16()),
                             content.size() * 2);
    const QDir home(m_home->path());
    QVERIFY(home.mkpath(QFileInfo(home.filePath(file)).path()));
    QFile planted(home.filePath(file));
    QVERIFY(planted.open(QIODevice::WriteOnly));
    planted.write(QByteArray(content + '\n'));
    planted.close();

    const QList<SecretSighting> sightings =
        findSecretInTree(home.path(), m_key, {home.filePath(QStringLiteral(".local/share/keyrings"))});
    if (offset < 0) {
        QVERIFY2(sightings.isEmpty(), qPrintable(describeSightings(sightings)));
        return;
    }
    QCOMPARE(sightings.size(), 1);
    QCOMPARE(sightings[0].where, planted.fileName());
    QVERIFY2(sightings[0].form.startsWith(form), qPrintable(sightings[0].form));
    QCOMPARE(sightings[0].offset, offset);
    QVERIFY(!sightings[0].toString().contains(QString::fromLatin1(m_key)));
}

void TestKeyLeak::keyIsSentToTheServerAndWrittenNowhere_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("errorBody"); // "{key}" stands for the key
    QTest::addColumn<int>("exitCode");
    QTest::newRow("a streamed answer") << 200 << QByteArray() << 0;
    // Some gateways repeat the rejected key in their error message.
    QTest::newRow("a 401 that repeats the key")
        << 401
        << QByteArray(R"({"error":{"message":"Incorrect API key provided: {key}.","type":)"
                      R"("invalid_request_error","code":"invalid_api_key"}})")
        << 1;
}

void TestKeyLeak::keyIsSentToTheServerAndWrittenNowhere()
{
    QFETCH(int, status);
    QFETCH(QByteArray, errorBody);
    QFETCH(int, exitCode);
    const ScriptedResponse script =
        status == 200
            ? openAiStreamedAnswer({QStringLiteral("Hello"), QStringLiteral(" from the script")})
            : ScriptedResponse{responseWrites(status, "application/json", {errorBody.replace("{key}", m_key)},
                                              BodyFraming::ContentLength),
                               0, ScriptedResponse::End::Close};
    ScriptedHttpServer server(script);
    QVERIFY(server.listen());

    const CliResult run = runCli(
        runArguments(server.baseUrl().toString(), QStringLiteral("m"),
                     {QStringLiteral("--max-retries"), QStringLiteral("0"), QStringLiteral("--stats")}),
        environmentWithKey());
    const QByteArray printable = withoutSecret(run.out + run.err, m_key);
    QVERIFY2(run.exitCode == exitCode, printable.constData());
    if (status == 200)
        QVERIFY2(run.out == "Hello from the script", printable.constData());

    // The key really went out, so the search below looks for something that was there.
    QCOMPARE(server.requests().size(), 1);
    const QByteArray request = server.requests().constFirst();
    QVERIFY2(request.contains(QByteArray("\r\nAuthorization: Bearer " + m_key + "\r\n")),
             "the request carried no \"Authorization: Bearer\" header with the key from OPENAI_API_KEY");
    QVERIFY2(requestHeader(request, "authorization") == QByteArray("Bearer " + m_key),
             "the request's Authorization header is not \"Bearer\" and the key");

    const QString ledger = ledgerProblem(1);
    QVERIFY2(ledger.isEmpty(), qPrintable(ledger));
    const QString inFiles = describeSightings(findSecretInTree(m_home->path(), m_key));
    QVERIFY2(inFiles.isEmpty(), qPrintable(inFiles));
    const QString inOutput =
        describeSightings(findSecret(run.out, m_key, QStringLiteral("lathe-cli stdout")) +
                          findSecret(run.err, m_key, QStringLiteral("lathe-cli stderr")));
    QVERIFY2(inOutput.isEmpty(), qPrintable(inOutput));
}

void TestKeyLeak::noCommandWritesTheKey_data()
{
    QTest::addColumn<QStringList>("arguments"); // {api}: the simulator's root; {port}, {closed}
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("attempts"); // requests recorded in the ledger
    QTest::addColumn<QString>("says"); // in stdout or stderr, to show the command did its work

    const QString v1 = QStringLiteral("{api}/v1");
    const QString sim = QStringLiteral("lathe-sim");
    const QString stats = QStringLiteral("--stats");
    const QString answer = QStringLiteral("Simulated answer from lathe-sim");
    QTest::newRow("run, streamed, with --stats")
        << runArguments(v1, sim, {stats}) << 0 << 1 << QStringLiteral("\"attempts\":1");
    QTest::newRow("run --no-stream") << runArguments(v1, sim, {QStringLiteral("--no-stream")}) << 0 << 1
                                     << answer;
    // Each protocol's API root as its SDK takes it.
    const std::pair<const char *, const char *> providers[] = {{"openai", "{api}/v1"},
                                                               {"openai-responses", "{api}/v1"},
                                                               {"anthropic", "{api}"},
                                                               {"gemini", "{api}"},
                                                               {"ollama", "{api}"}};
    for (const auto &[provider, root] : providers) {
        QTest::addRow("run --provider %s", provider)
            << runArguments(QLatin1String(root), sim, {QStringLiteral("--provider"), QLatin1String(provider)})
            << 0 << 1 << answer;
    }
    QTest::newRow("run, HTTP 401") << runArguments(v1, QStringLiteral("lathe-sim+http-401")) << 1 << 1
                                   << QStringLiteral("HTTP 401");
    QTest::newRow("run, HTTP 503 then a retry")
        << runArguments(v1, QStringLiteral("lathe-sim+http-503:10*1"), {stats}) << 0 << 2
        << QStringLiteral("retrying in 10 ms");
    QTest::newRow("run with a fallback chain")
        << runArguments(v1, QStringLiteral("lathe-sim+http-401"),
                        {QStringLiteral("--fallback"), QStringLiteral("anthropic:lathe-sim+http-404@{api}"),
                         QStringLiteral("--fallback"), QStringLiteral("gemini:lathe-sim@{api}"), stats})
        << 0 << 3 << QStringLiteral("falling back to 127.0.0.1/lathe-sim+http-404");
    QTest::newRow("run, connection refused")
        << runArguments(QStringLiteral("http://127.0.0.1:{closed}/v1"), sim,
                        {QStringLiteral("--max-retries"), QStringLiteral("1")})
        << 1 << 2 << QStringLiteral("Connection refused");
    QTest::newRow("key status openai")
        << QStringList{QStringLiteral("key"), QStringLiteral("status"), QStringLiteral("openai")} << 0 << 0
        << QStringLiteral("api.openai.com: a key from the environment variable OPENAI_API_KEY");
    QTest::newRow("discover --probe ollama")
        << QStringList{QStringLiteral("discover"), QStringLiteral("--probe"), QStringLiteral("ollama:{port}")}
        << 0 << 0 << QStringLiteral("lathe-sim:latest");
}

void TestKeyLeak::noCommandWritesTheKey()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(int, attempts);
    QFETCH(QString, says);

    // The simulator shares the home, but not the key: whatever it knows of it, it was sent.
    MockServerProcess simulator({}, privateHomeEnvironment(m_home->path()));
    const QUrl api(simulator.baseUrl());
    QVERIFY(api.isValid() && api.port() > 0);
    const quint16 closed = closedLoopbackPort();
    QVERIFY(closed > 0);
    for (QString &argument : arguments) {
        argument.replace(QLatin1String("{api}"), QStringLiteral("http://127.0.0.1:%1").arg(api.port()))
            .replace(QLatin1String("{port}"), QString::number(api.port()))
            .replace(QLatin1String("{closed}"), QString::number(closed));
    }

    const CliResult result = runCli(arguments, environmentWithKey());
    const CliResult simulatorOutput = simulator.stop();
    const QByteArray printable = withoutSecret(result.out + result.err, m_key);
    QVERIFY2(result.exitCode == exitCode, printable.constData());
    QVERIFY2(QString::fromUtf8(printable).contains(says), printable.constData());
    const QString ledger = ledgerProblem(attempts);
    QVERIFY2(ledger.isEmpty(), qPrintable(ledger));
    const QString sightings = keySightings({{QStringLiteral("lathe-cli stdout"), result.out},
                                            {QStringLiteral("lathe-cli stderr"), result.err},
                                            {QStringLiteral("serve-mock stdout"), simulatorOutput.out},
                                            {QStringLiteral("serve-mock stderr"), simulatorOutput.err}});
    QVERIFY2(sightings.isEmpty(), qPrintable(sightings));
}

QTEST_GUILESS_MAIN(TestKeyLeak)
#include "tst_keyleak.moc"
