// SPDX-License-Identifier: GPL-3.0-or-later
// The official JSON Schema Test Suite, every test of every supported draft. Required tests must
// all pass; optional ones must pass unless tests/core/json-schema-suite-known-failures.json
// lists them with a reason, and a listed test that passes fails too, so the list stays true.

#include <map>
#include <set>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

#include "schema/JsonSchema.h"

using namespace Lathe::Schema;

namespace
{

const QString kSuite = QStringLiteral(LATHE_TEST_DATA "/json-schema-test-suite");

nlohmann::json readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray bytes = file.readAll();
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

struct Tally
{
    int passed = 0;
    int total = 0;
};

} // namespace

Q_DECLARE_METATYPE(nlohmann::json)

class TestJsonSchemaSuite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void suite_data();
    void suite();
    void cleanupTestCase();

private:
    std::set<std::string> m_knownFailures; // "file | group | test", or "file | group" for a whole group
    std::set<std::string> m_knownFailuresSeen;
    std::map<QString, Tally> m_tallies; // "draft2020-12 required" → counts
};

void TestJsonSchemaSuite::initTestCase()
{
    const nlohmann::json known =
        readJson(QStringLiteral(LATHE_SOURCE_DIR "/tests/core/json-schema-suite-known-failures.json"));
    for (const nlohmann::json &entry : known) {
        QVERIFY2(entry.contains("reason") && !entry["reason"].get<std::string>().empty(),
                 "every known failure says why");
        const std::string file = entry["file"].get<std::string>();
        QVERIFY2(file.find("/optional/") != std::string::npos,
                 "required tests may not be listed as known failures");
        std::string key = file + " | " + entry["group"].get<std::string>();
        if (entry.contains("test"))
            key += " | " + entry["test"].get<std::string>();
        m_knownFailures.insert(key);
    }
}

void TestJsonSchemaSuite::suite_data()
{
    QTest::addColumn<QString>("draft");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("group");
    QTest::addColumn<int>("test");

    const QStringList drafts{u"draft4"_qs, u"draft6"_qs, u"draft7"_qs, u"draft2019-09"_qs,
                             u"draft2020-12"_qs};
    for (const QString &draft : drafts) {
        const QDir root(kSuite + u"/tests/" + draft);
        QDirIterator files(root.path(), {u"*.json"_qs}, QDir::Files, QDirIterator::Subdirectories);
        QStringList paths;
        while (files.hasNext())
            paths << root.relativeFilePath(files.next());
        paths.sort();
        for (const QString &path : paths) {
            const nlohmann::json groups = readJson(root.filePath(path));
            for (std::size_t g = 0; g < groups.size(); ++g) {
                for (std::size_t t = 0; t < groups[g]["tests"].size(); ++t) {
                    const QString name =
                        draft + u'/' + path + u" | " +
                        QString::fromStdString(groups[g]["description"].get<std::string>()) + u" | " +
                        QString::fromStdString(groups[g]["tests"][t]["description"].get<std::string>());
                    QTest::newRow(qPrintable(name)) << draft << path << int(g) << int(t);
                }
            }
        }
    }
}

void TestJsonSchemaSuite::suite()
{
    QFETCH(QString, draft);
    QFETCH(QString, file);
    QFETCH(int, group);
    QFETCH(int, test);

    static std::map<QString, nlohmann::json> cache;
    const QString path = kSuite + u"/tests/" + draft + u'/' + file;
    auto cached = cache.find(path);
    if (cached == cache.end())
        cached = cache.emplace(path, readJson(path)).first;
    const nlohmann::json &groupJson = cached->second[std::size_t(group)];
    const nlohmann::json &testJson = groupJson["tests"][std::size_t(test)];

    const bool optional = file.startsWith(u"optional/");
    const std::string fileKey = QString(draft + u'/' + file).toStdString();
    const std::string groupKey = fileKey + " | " + groupJson["description"].get<std::string>();
    const std::string testKey = groupKey + " | " + testJson["description"].get<std::string>();
    const bool knownFailure = m_knownFailures.contains(groupKey) || m_knownFailures.contains(testKey);

    SchemaOptions options;
    options.defaultDraft = *draftFromName(draft);
    // The optional format tests are about format as an assertion.
    options.formatAssertion = file.startsWith(u"optional/format/");
    options.loader = folderLoader("http://localhost:1234/", kSuite + u"/remotes");

    bool passed = false;
    QString detail;
    auto schema = JsonSchema::compile(groupJson["schema"], options);
    if (!schema) {
        detail = u"the schema did not compile: "_qs + schema.error().toString();
    } else {
        const bool expected = testJson["valid"].get<bool>();
        const bool fast = schema->isValid(testJson["data"]);
        // The same verdict from the text, through simdjson.
        const auto fromText = schema->isValidText(testJson["data"].dump());
        const ValidationReport report = schema->validate(testJson["data"]);
        passed = fast == expected && fromText.value_or(!expected) == expected && report.valid == expected &&
                 report.errors.empty() == expected;
        if (!passed)
            detail = QStringLiteral(
                         "expected %1; isValid said %2, isValidText %3, validate said %4 with %5 errors")
                         .arg(expected ? u"valid" : u"invalid", fast ? u"valid" : u"invalid",
                              !fromText   ? fromText.error().toString()
                              : *fromText ? u"valid"_qs
                                          : u"invalid"_qs,
                              report.valid ? u"valid" : u"invalid")
                         .arg(report.errors.size());
    }

    Tally &tally = m_tallies[draft + (optional ? u" optional"_qs : u" required"_qs)];
    ++tally.total;
    tally.passed += passed;

    if (knownFailure) {
        m_knownFailuresSeen.insert(m_knownFailures.contains(testKey) ? testKey : groupKey);
        if (passed && m_knownFailures.contains(testKey))
            QFAIL(
                "listed as a known failure but passes: remove it from json-schema-suite-known-failures.json");
        return;
    }
    QVERIFY2(passed, qPrintable(detail));
}

void TestJsonSchemaSuite::cleanupTestCase()
{
    for (const auto &[name, tally] : m_tallies)
        qInfo("%s: %d of %d passed (%.1f%%)", qPrintable(name), tally.passed, tally.total,
              tally.total ? 100.0 * tally.passed / tally.total : 0.0);
    // A listed failure that no longer exists in the suite is a stale entry. Only check when the
    // whole table ran (no row filter on the command line).
    if (QTest::currentDataTag() == nullptr && m_knownFailuresSeen.size() != m_knownFailures.size()) {
        for (const std::string &key : m_knownFailures)
            if (!m_knownFailuresSeen.contains(key))
                qWarning("known failure not found in the suite: %s", key.c_str());
    }
}

QTEST_GUILESS_MAIN(TestJsonSchemaSuite)
#include "tst_jsonschemasuite.moc"
