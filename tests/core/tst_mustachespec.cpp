// SPDX-License-Identifier: GPL-3.0-or-later
// The official Mustache specification (tests/data/mustache-spec), one row per test: every
// test of the required modules and of the optional dynamic-names module must pass.

#include <QDir>
#include <QFile>
#include <QTest>

#include <nlohmann/json.hpp>

#include "templates/MustacheTemplate.h"

using Lathe::Templates::MustacheTemplate;
using Lathe::Templates::RenderOptions;

namespace
{

const QString kSpecs = QStringLiteral(LATHE_TEST_DATA "/mustache-spec/specs");

// What is run; the other optional modules are listed in tests/data/mustache-spec/README.md.
const QStringList kModules{u"comments"_qs, u"delimiters"_qs, u"interpolation"_qs, u"inverted"_qs,
                           u"partials"_qs, u"sections"_qs,   u"~dynamic-names"_qs};
const QStringList kNotRun{u"~inheritance"_qs, u"~lambdas"_qs};

nlohmann::json readSpec(const QString &module)
{
    QFile file(kSpecs + u'/' + module + u".json");
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return nlohmann::json::parse(file.readAll().toStdString());
}

} // namespace

class TestMustacheSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyModuleIsRunOrListed();
    void rendersAsTheSpecificationSays_data();
    void rendersAsTheSpecificationSays();
};

void TestMustacheSpec::everyModuleIsRunOrListed()
{
    QStringList found = QDir(kSpecs).entryList({u"*.json"_qs}, QDir::Files, QDir::Name);
    for (QString &name : found)
        name.chop(5);
    QStringList known = kModules + kNotRun;
    known.sort();
    found.sort();
    QCOMPARE(found, known);
}

void TestMustacheSpec::rendersAsTheSpecificationSays_data()
{
    QTest::addColumn<QString>("module");
    QTest::addColumn<int>("index");
    for (const QString &module : kModules) {
        const nlohmann::json spec = readSpec(module);
        for (std::size_t i = 0; i < spec["tests"].size(); ++i) {
            const QString name =
                module + u": " + QString::fromStdString(spec["tests"][i]["name"].get<std::string>());
            QTest::newRow(qPrintable(name)) << module << int(i);
        }
    }
}

void TestMustacheSpec::rendersAsTheSpecificationSays()
{
    QFETCH(QString, module);
    QFETCH(int, index);
    const nlohmann::json test = readSpec(module)["tests"][std::size_t(index)];
    const nlohmann::json partials = test.value("partials", nlohmann::json::object());

    RenderOptions options;
    options.partials = [&](const std::string &name) -> std::optional<std::string> {
        if (!partials.contains(name))
            return std::nullopt;
        return partials[name].get<std::string>();
    };
    const auto parsed = MustacheTemplate::parse(test["template"].get<std::string>());
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().toString()));
    const auto rendered = parsed->render(test["data"], options);
    QVERIFY2(rendered, qPrintable(rendered ? QString() : rendered.error().toString()));
    QCOMPARE(QString::fromStdString(*rendered), QString::fromStdString(test["expected"].get<std::string>()));
}

QTEST_GUILESS_MAIN(TestMustacheSpec)
#include "tst_mustachespec.moc"
