// SPDX-License-Identifier: GPL-3.0-or-later
#include <optional>
#include <vector>

#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTest>

#include "credentials/CredentialStore.h"
#include "credentials/KeychainSecretBackend.h"

using namespace Lathe;
using namespace Lathe::Credentials;

namespace
{

constexpr int kWaitMs = 5'000;
// A keychain may be a D-Bus round trip or a failed bus autolaunch away; either is quick.
constexpr int kKeychainWaitMs = 10'000;

using Entries = QHash<QString, QString>; ///< keychain key → secret

const QString kService = QStringLiteral("openai");
const QByteArray kVariable = "LATHE_TST_CREDENTIAL_KEY";
const QString kVariableName = QString::fromLatin1(kVariable);

CredentialKey openAiKey()
{
    return {kService, kVariableName};
}

QString randomSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64(), 16);
}

/** Why `result` failed, for QVERIFY2; empty when it did not. */
template <typename T> QString whyNot(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

/** A lookup's answer as one line to compare: "keychain: sk-…", "environment: sk-…" or "error: …". */
QString outcome(const Result<Credential> &credential)
{
    if (!credential)
        return QStringLiteral("error: ") + credential.error().toString();
    return (credential->source == Credential::Source::Environment ? QStringLiteral("environment: ")
                                                                  : QStringLiteral("keychain: ")) +
           credential->secret;
}

/** Keychain entries in memory, counting calls; answers at once, or when released. */
class MemorySecretBackend final : public SecretBackend
{
public:
    Entries entries;
    QString failure;                  ///< not empty: every call fails with this reason
    bool failureEchoesSecret = false; ///< a careless keychain that quotes the secret in its reason
    bool holdAnswers = false;         ///< keep answers until release(), so that calls overlap
    int reads = 0;
    int writes = 0;
    int removes = 0;

    void read(const QString &key, ReadCallback done) override
    {
        ++reads;
        answer([this, key, done] {
            if (!failure.isEmpty())
                return done(tl::unexpected(Error(ErrorCode::Io, failure)));
            const auto entry = entries.constFind(key);
            done(entry == entries.cend() ? std::optional<QString>() : std::optional<QString>(*entry));
        });
    }

    void write(const QString &key, const QString &secret, WriteCallback done) override
    {
        ++writes;
        answer([this, key, secret, done] {
            if (!failure.isEmpty())
                return done(tl::unexpected(Error(ErrorCode::Io, reason(secret))));
            entries.insert(key, secret);
            done({});
        });
    }

    void remove(const QString &key, WriteCallback done) override
    {
        ++removes;
        answer([this, key, done] {
            if (!failure.isEmpty())
                return done(tl::unexpected(Error(ErrorCode::Io, reason(entries.value(key)))));
            entries.remove(key);
            done({});
        });
    }

    /** Answers every held call, in order; calls made meanwhile are held for the next release. */
    void release()
    {
        const auto held = std::exchange(m_held, {});
        for (const auto &answerCall : held)
            answerCall();
    }

    bool isHolding() const { return !m_held.empty(); }

private:
    void answer(std::function<void()> answerCall)
    {
        if (holdAnswers)
            m_held.push_back(std::move(answerCall));
        else
            answerCall();
    }

    QString reason(const QString &secret) const
    {
        return failureEchoesSecret ? failure + QStringLiteral(": ") + secret : failure;
    }

    std::vector<std::function<void()>> m_held;
};

/** One answer from the store; its context drops a late answer once the test has moved on. */
template <typename T> struct Answer
{
    QObject context;
    std::optional<Result<T>> result;

    std::function<void(Result<T>)> callback()
    {
        return [this](Result<T> answered) {
            result = std::move(answered);
        };
    }
};

/** Starts a call with a context and a callback, and waits for its answer. */
template <typename T, typename Start> Result<T> await(Start start, int timeoutMs = kWaitMs)
{
    Answer<T> answer;
    start(&answer.context, answer.callback());
    if (!QTest::qWaitFor([&answer] { return answer.result.has_value(); }, timeoutMs))
        return fail(ErrorCode::Timeout, QStringLiteral("no answer within %1 ms").arg(timeoutMs));
    return *answer.result;
}

Result<Credential> lookupIn(CredentialStore &store, const CredentialKey &key, int timeoutMs = kWaitMs)
{
    return await<Credential>([&](const QObject *context, auto done) { store.lookup(key, context, done); },
                             timeoutMs);
}

Result<void> storeIn(CredentialStore &store, const QString &service, const QString &secret,
                     int timeoutMs = kWaitMs)
{
    return await<void>(
        [&](const QObject *context, auto done) { store.store(service, secret, context, done); }, timeoutMs);
}

Result<void> removeFrom(CredentialStore &store, const QString &service, int timeoutMs = kWaitMs)
{
    return await<void>([&](const QObject *context, auto done) { store.remove(service, context, done); },
                       timeoutMs);
}

/** A store over keychain entries in memory; the store owns the backend. */
struct Harness
{
    explicit Harness(const Entries &entries = {})
        : Harness(std::make_unique<MemorySecretBackend>())
    {
        backend->entries = entries;
    }

    MemorySecretBackend *backend;
    CredentialStore store;

    Result<Credential> lookup(const CredentialKey &key = openAiKey()) { return lookupIn(store, key); }
    Result<void> storeSecret(const QString &service, const QString &secret)
    {
        return storeIn(store, service, secret);
    }
    Result<void> remove(const QString &service) { return removeFrom(store, service); }

private:
    explicit Harness(std::unique_ptr<MemorySecretBackend> owned)
        : backend(owned.get())
        , store(std::move(owned))
    {}
};

const QString kMissingOpenAiKey =
    QStringLiteral("no API key for openai: set LATHE_TST_CREDENTIAL_KEY or store one in the keychain");

} // namespace

class TestCredentialStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { qunsetenv(kVariable.constData()); }
    void cleanup() { qunsetenv(kVariable.constData()); }

    void environmentWinsOverKeychain()
    {
        Harness h({{kService, QStringLiteral("sk-keychain")}});
        qputenv(kVariable.constData(), "sk-environment");

        QCOMPARE(outcome(h.lookup()), QStringLiteral("environment: sk-environment"));
        QCOMPARE(h.backend->reads, 0);
    }

    void environmentNeedsNoWorkingKeychain()
    {
        Harness h;
        h.backend->failure = QStringLiteral("The name org.freedesktop.secrets was not provided");
        qputenv(kVariable.constData(), " sk-environment\n");

        QCOMPARE(outcome(h.lookup()), QStringLiteral("environment: sk-environment"));
        QCOMPARE(h.backend->reads, 0);
    }

    void blankEnvironmentFallsBackToKeychain_data()
    {
        QTest::addColumn<bool>("setVariable");
        QTest::addColumn<QByteArray>("environmentValue");
        QTest::addColumn<QString>("variable");
        QTest::newRow("unset") << false << QByteArray() << kVariableName;
        QTest::newRow("empty") << true << QByteArray("") << kVariableName;
        QTest::newRow("whitespace") << true << QByteArray(" \t\n") << kVariableName;
        QTest::newRow("no variable named") << true << QByteArray("sk-environment") << QString();
    }

    void blankEnvironmentFallsBackToKeychain()
    {
        QFETCH(bool, setVariable);
        QFETCH(QByteArray, environmentValue);
        QFETCH(QString, variable);
        if (setVariable)
            qputenv(kVariable.constData(), environmentValue);
        Harness h({{kService, QStringLiteral("  sk-keychain\n")}});

        QCOMPARE(outcome(h.lookup({kService, variable})), QStringLiteral("keychain: sk-keychain"));
        QCOMPARE(h.backend->reads, 1);
    }

    void missingKeyTellsWhatToDo_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("storedValue");
        QTest::addColumn<QString>("message");
        QTest::newRow("with a variable") << kService << kVariableName << QString() << kMissingOpenAiKey;
        QTest::newRow("without a variable")
            << QStringLiteral("my-proxy") << QString() << QString()
            << QStringLiteral("no API key for my-proxy: store one in the keychain");
        QTest::newRow("blank keychain entry")
            << kService << kVariableName << QStringLiteral(" \n") << kMissingOpenAiKey;
    }

    void missingKeyTellsWhatToDo()
    {
        QFETCH(QString, service);
        QFETCH(QString, variable);
        QFETCH(QString, storedValue);
        QFETCH(QString, message);
        Harness h;
        if (!storedValue.isNull())
            h.backend->entries.insert(service, storedValue);

        const auto credential = h.lookup({service, variable});
        QVERIFY(!credential);
        QCOMPARE(credential.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(credential.error().message, message);
    }

    void keychainFailureIsAppendedToMessage()
    {
        Harness h;
        h.backend->failure = QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY");

        const auto credential = h.lookup();
        QVERIFY(!credential);
        QCOMPARE(credential.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(credential.error().message,
                 kMissingOpenAiKey +
                     QStringLiteral("; keychain unavailable: Cannot autolaunch D-Bus without X11 $DISPLAY"));
    }

    void keychainAnswerIsKeptForTheSession()
    {
        Harness h({{kService, QStringLiteral("sk-keychain")}});
        QVERIFY(h.lookup());
        h.backend->entries.clear(); // a second read would now find nothing

        QCOMPARE(outcome(h.lookup()), QStringLiteral("keychain: sk-keychain"));
        QCOMPARE(h.backend->reads, 1);
    }

    void missesAndFailuresAreAskedAgain()
    {
        Harness h;
        QVERIFY(!h.lookup());
        h.backend->failure = QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY");
        QVERIFY(!h.lookup());

        h.backend->failure.clear();
        h.backend->entries.insert(kService, QStringLiteral("sk-added-later"));
        QCOMPARE(outcome(h.lookup()), QStringLiteral("keychain: sk-added-later"));
        QCOMPARE(h.backend->reads, 3);
    }

    void overlappingLookupsShareOneRead_data()
    {
        QTest::addColumn<Entries>("entries");
        QTest::addColumn<QString>("withVariable");
        QTest::addColumn<QString>("withoutVariable");
        QTest::newRow("found") << Entries{{kService, QStringLiteral("sk-keychain")}}
                               << QStringLiteral("keychain: sk-keychain")
                               << QStringLiteral("keychain: sk-keychain");
        // One read, but each lookup's message names its own variable.
        QTest::newRow("missing") << Entries() << QString(QStringLiteral("error: ") + kMissingOpenAiKey)
                                 << QStringLiteral("error: no API key for openai: store one in the keychain");
    }

    void overlappingLookupsShareOneRead()
    {
        QFETCH(Entries, entries);
        QFETCH(QString, withVariable);
        QFETCH(QString, withoutVariable);
        Harness h(entries);
        h.backend->holdAnswers = true;
        Answer<Credential> first;
        Answer<Credential> second;
        h.store.lookup(openAiKey(), &first.context, first.callback());
        h.store.lookup({kService, QString()}, &second.context, second.callback());
        QCOMPARE(h.backend->reads, 1);

        h.backend->release();
        QTRY_VERIFY_WITH_TIMEOUT(first.result && second.result, kWaitMs);
        QCOMPARE(outcome(*first.result), withVariable);
        QCOMPARE(outcome(*second.result), withoutVariable);
        QCOMPARE(h.backend->reads, 1);
    }

    void storeThenLookupNeedsNoRead()
    {
        Harness h;
        const auto stored = h.storeSecret(kService, QStringLiteral("  sk-new\n"));
        QVERIFY2(stored, qPrintable(whyNot(stored)));
        QCOMPARE(h.backend->entries.value(kService), QStringLiteral("sk-new"));

        QCOMPARE(outcome(h.lookup()), QStringLiteral("keychain: sk-new"));
        QCOMPARE(h.backend->reads, 0);
        QCOMPARE(h.backend->writes, 1);
    }

    void storeReplacesTheSessionCopy()
    {
        Harness h({{kService, QStringLiteral("sk-old")}});
        QVERIFY(h.lookup());
        QVERIFY(h.storeSecret(kService, QStringLiteral("sk-new")));

        QCOMPARE(outcome(h.lookup()), QStringLiteral("keychain: sk-new"));
        QCOMPARE(h.backend->reads, 1);
    }

    void lookupDuringStoreGetsTheStoredKey()
    {
        Harness h({{kService, QStringLiteral("sk-old")}});
        h.backend->holdAnswers = true;
        Answer<Credential> lookup;
        Answer<void> stored;
        h.store.lookup(openAiKey(), &lookup.context, lookup.callback());
        h.store.store(kService, QStringLiteral("sk-new"), &stored.context, stored.callback());

        // The read was asked before the write; its answer is stale once the write has begun.
        for (int round = 0; round < 5 && h.backend->isHolding(); ++round)
            h.backend->release();
        QTRY_VERIFY_WITH_TIMEOUT(lookup.result && stored.result, kWaitMs);
        QVERIFY(*stored.result);
        QCOMPARE(outcome(*lookup.result), QStringLiteral("keychain: sk-new"));
    }

    void removeForgetsTheKey()
    {
        Harness h({{kService, QStringLiteral("sk-keychain")}});
        QVERIFY(h.lookup());

        const auto removed = h.remove(kService);
        QVERIFY2(removed, qPrintable(whyNot(removed)));
        QVERIFY(!h.backend->entries.contains(kService));
        const auto credential = h.lookup();
        QVERIFY(!credential);
        QCOMPARE(credential.error().message, kMissingOpenAiKey);
        QCOMPARE(h.backend->reads, 2);
    }

    void removingAMissingEntrySucceeds()
    {
        Harness h;
        const auto removed = h.remove(kService);
        QVERIFY2(removed, qPrintable(whyNot(removed)));
        QCOMPARE(h.backend->removes, 1);
    }

    void rejectsEmptyServiceOrKey_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("message");
        QTest::newRow("no service") << QString() << QStringLiteral("sk-new")
                                    << QStringLiteral("storing an API key needs a service");
        QTest::newRow("empty key") << kService << QString()
                                   << QStringLiteral("the API key for openai is empty");
        QTest::newRow("blank key") << kService << QStringLiteral(" \r\n")
                                   << QStringLiteral("the API key for openai is empty");
    }

    void rejectsEmptyServiceOrKey()
    {
        QFETCH(QString, service);
        QFETCH(QString, secret);
        QFETCH(QString, message);
        Harness h;

        const auto stored = h.storeSecret(service, secret);
        QVERIFY(!stored);
        QCOMPARE(stored.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(stored.error().message, message);
        QCOMPARE(h.backend->writes, 0);
    }

    void keychainFailuresOfStoreAndRemoveSayWhy()
    {
        Harness h;
        h.backend->failure = QStringLiteral("Cannot create an item in a locked collection");

        const auto stored = h.storeSecret(kService, QStringLiteral("sk-new"));
        QVERIFY(!stored);
        QCOMPARE(stored.error().code, ErrorCode::Io);
        QCOMPARE(stored.error().message,
                 QStringLiteral("could not store the API key for openai in the keychain: "
                                "Cannot create an item in a locked collection"));
        const auto removed = h.remove(kService);
        QVERIFY(!removed);
        QCOMPARE(removed.error().code, ErrorCode::Io);
        QCOMPARE(removed.error().message,
                 QStringLiteral("could not remove the API key for openai from the keychain: "
                                "Cannot create an item in a locked collection"));

        // A failed write leaves nothing behind that a lookup could mistake for the key.
        h.backend->failure.clear();
        QVERIFY(!h.lookup());
    }

    void errorsNeverContainTheSecret_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::newRow("store") << QStringLiteral("store");
        QTest::newRow("remove") << QStringLiteral("remove");
        QTest::newRow("lookup after a failed store") << QStringLiteral("lookup");
    }

    void errorsNeverContainTheSecret()
    {
        QFETCH(QString, operation);
        const QString secret = QStringLiteral("sk-planted-") + randomSuffix();
        Harness h({{kService, secret}});
        QVERIFY(h.lookup()); // the store now holds the secret in its session copy
        h.backend->failure = QStringLiteral("keychain says no");
        h.backend->failureEchoesSecret = true;

        Result<void> failed;
        if (operation == QStringLiteral("store")) {
            failed = h.storeSecret(kService, secret);
        } else if (operation == QStringLiteral("remove")) {
            failed = h.remove(kService);
        } else {
            QVERIFY(!h.storeSecret(kService, secret + QStringLiteral("-new")));
            const auto credential = h.lookup();
            QVERIFY(!credential);
            failed = tl::unexpected(credential.error());
        }

        QVERIFY(!failed);
        QVERIFY(failed.error().message.contains(QStringLiteral("keychain says no")));
        QVERIFY(!failed.error().toString().contains(secret));
        QVERIFY(!failed.error().toString().contains(QStringLiteral("sk-planted-")));
    }

    void answersComeLaterAndOnlyWhileTheContextLives()
    {
        Harness h;
        qputenv(kVariable.constData(), "sk-environment");
        bool called = false;
        auto context = std::make_unique<QObject>();
        h.store.lookup(openAiKey(), context.get(), [&called](Result<Credential>) { called = true; });
        QVERIFY(!called); // never inside the call, even for an answer known at once
        context.reset();

        // Answers are delivered in order, so once a later one is in, the dropped one is due.
        Answer<Credential> sentinel;
        h.store.lookup(openAiKey(), &sentinel.context, sentinel.callback());
        QTRY_VERIFY_WITH_TIMEOUT(sentinel.result.has_value(), kWaitMs);
        QVERIFY(!called);
    }

    // The real QtKeychain, as this machine has it: on a headless CI runner usually no Secret
    // Service (no session bus at all); on a desktop the user's keyring.

    void realKeychainReadEndsWithAnEntryOrAReason()
    {
        KeychainSecretBackend backend(QStringLiteral("Lathe-test-") + randomSuffix());
        std::optional<Result<std::optional<QString>>> answer;
        backend.read(QStringLiteral("probe"),
                     [&answer](Result<std::optional<QString>> read) { answer = read; });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), kKeychainWaitMs);

        if (*answer) {
            qInfo("keychain reachable: the probe entry %s",
                  (*answer)->has_value() ? "exists" : "does not exist");
            QVERIFY(!(*answer)->has_value()); // nobody stores under a random service
        } else {
            qInfo("keychain unavailable: %s", qPrintable(answer->error().message));
            QVERIFY(!answer->error().message.isEmpty());
        }
    }

    void realKeychainMissTellsWhatToDo()
    {
        // The production store, over the "Lathe" service, asked for an entry nobody made.
        CredentialStore store;
        const CredentialKey key{QStringLiteral("lathe-test-") + randomSuffix(), kVariableName};
        const auto credential = lookupIn(store, key, kKeychainWaitMs);
        QVERIFY(!credential);
        QCOMPARE(credential.error().code, ErrorCode::InvalidArgument);

        const QString missing = QStringLiteral("no API key for ") + key.service +
                                QStringLiteral(": set LATHE_TST_CREDENTIAL_KEY or store one in the keychain");
        const QString message = credential.error().message;
        qInfo("real keychain lookup: %s", qPrintable(message));
        if (message != missing) {
            const QString prefix = missing + QStringLiteral("; keychain unavailable: ");
            QVERIFY2(message.startsWith(prefix), qPrintable(message));
            QVERIFY(message.size() > prefix.size());
        }
    }

    void realKeychainRoundTripsWhenAvailable()
    {
        const QString keychainService = QStringLiteral("Lathe-test-") + randomSuffix();
        const QString service = QStringLiteral("roundtrip");
        {
            KeychainSecretBackend probe(keychainService);
            std::optional<Result<std::optional<QString>>> answer;
            probe.read(service, [&answer](Result<std::optional<QString>> read) { answer = read; });
            QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), kKeychainWaitMs);
            if (!*answer)
                QSKIP(qPrintable(QStringLiteral("no keychain here: ") + answer->error().message));
        }

        const QString secret = QStringLiteral("sk-roundtrip-") + randomSuffix();
        const CredentialKey key{service, QString()};
        CredentialStore writer(std::make_unique<KeychainSecretBackend>(keychainService));
        auto removeEntry = qScopeGuard([&] { (void)removeFrom(writer, service, kKeychainWaitMs); });

        const auto stored = storeIn(writer, service, secret, kKeychainWaitMs);
        if (!stored) {
            // A keyring that answers reads but is locked, with no prompter to unlock it (a
            // gnome-keyring-daemon started without --unlock on a headless machine), refuses
            // writes: "Cannot create an item in a locked collection". The store must say so.
            const QString prefix =
                QStringLiteral("could not store the API key for roundtrip in the keychain: ");
            QCOMPARE(stored.error().code, ErrorCode::Io);
            QVERIFY2(stored.error().message.startsWith(prefix), qPrintable(stored.error().message));
            QVERIFY(stored.error().message.size() > prefix.size());
            QVERIFY(!stored.error().toString().contains(secret));
            removeEntry.dismiss();
            QSKIP(qPrintable(QStringLiteral("the keychain refuses writes here: ") + stored.error().message));
        }

        // A new store has no session copy, so this answer comes from the keychain itself.
        CredentialStore reader(std::make_unique<KeychainSecretBackend>(keychainService));
        const auto credential = lookupIn(reader, key, kKeychainWaitMs);
        QVERIFY2(credential, qPrintable(whyNot(credential)));
        QVERIFY(credential->secret == secret); // QVERIFY: a mismatch must not print the secret
        QCOMPARE(credential->source, Credential::Source::Keychain);

        const auto removed = removeFrom(writer, service, kKeychainWaitMs);
        QVERIFY2(removed, qPrintable(whyNot(removed)));
        removeEntry.dismiss();
        CredentialStore afterRemoval(std::make_unique<KeychainSecretBackend>(keychainService));
        const auto missing = lookupIn(afterRemoval, key, kKeychainWaitMs);
        QVERIFY(!missing);
        QCOMPARE(missing.error().message,
                 QStringLiteral("no API key for roundtrip: store one in the keychain"));
    }
};

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "tst_credentialstore.moc"
