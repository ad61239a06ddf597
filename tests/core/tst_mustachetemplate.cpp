// SPDX-License-Identifier: GPL-3.0-or-later
// MustacheTemplate beyond the specification's tests: strict mode, errors with their place,
// names for the editor, limits on nesting, and what prompts need (no HTML escaping).

#include <QTest>

#include <nlohmann/json.hpp>

#include "templates/MustacheTemplate.h"

using Lathe::Templates::MustacheTemplate;
using Lathe::Templates::RenderOptions;
using nlohmann::json;

namespace
{

std::string render(const std::string &source, const json &data, const RenderOptions &options = {})
{
    const auto parsed = MustacheTemplate::parse(source);
    if (!parsed)
        qFatal("did not parse: %s", qPrintable(parsed.error().toString()));
    const auto rendered = parsed->render(data, options);
    if (!rendered)
        qFatal("did not render: %s", qPrintable(rendered.error().toString()));
    return *rendered;
}

} // namespace

class TestMustacheTemplate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseErrorsNameTheirPlace_data();
    void parseErrorsNameTheirPlace();
    void strictModeNamesTheMissingNameAndItsPlace();
    void withoutStrictMissingNamesRenderEmpty();
    void htmlEscapingCanBeTurnedOff();
    void falseyValues_data();
    void falseyValues();
    void keepsBytesAndLineEndsExactly();
    void listsTheNamesItUses();
    void partialsThatIncludeThemselvesStopWithAnError();
    void missingPartialIsAnErrorOnlyInStrictMode();
    void deepNestingIsAnErrorNotACrash();
};

void TestMustacheTemplate::parseErrorsNameTheirPlace_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("messageContains");
    QTest::newRow("unclosed tag") << u"Hello {{name"_qs << u"prompt:1:7"_qs << u"never closed"_qs;
    QTest::newRow("unclosed triple") << u"a\n{{{name}}"_qs << u"prompt:2:1"_qs << u"}}}"_qs;
    QTest::newRow("unclosed section")
        << u"{{#items}}\n- {{.}}\n"_qs << u"prompt:1:1"_qs << u"\"items\" is never closed"_qs;
    QTest::newRow("mismatched close")
        << u"{{#a}}{{#b}}{{/a}}{{/b}}"_qs << u"prompt:1:13"_qs << u"opened at prompt:1:7"_qs;
    QTest::newRow("close without open")
        << u"text {{/a}}"_qs << u"prompt:1:6"_qs << u"closes no open section"_qs;
    QTest::newRow("bad delimiters") << u"{{=<% =}}"_qs << u"prompt:1:1"_qs << u"delimiter change"_qs;
    QTest::newRow("inheritance") << u"{{<parent}}{{/parent}}"_qs << u"prompt:1:1"_qs << u"inheritance"_qs;
    QTest::newRow("empty name") << u"{{ }}"_qs << u"prompt:1:1"_qs << u"no name"_qs;
    // Columns count characters, not bytes.
    QTest::newRow("column after non-ASCII")
        << u"h\u00e9llo \u20ac {{#x}}"_qs << u"prompt:1:9"_qs << u"never closed"_qs;
}

void TestMustacheTemplate::parseErrorsNameTheirPlace()
{
    QFETCH(QString, source);
    QFETCH(QString, where);
    QFETCH(QString, messageContains);
    const auto parsed = MustacheTemplate::parse(source.toStdString(), u"prompt"_qs);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().where, where);
    QVERIFY2(parsed.error().message.contains(messageContains), qPrintable(parsed.error().message));
}

void TestMustacheTemplate::strictModeNamesTheMissingNameAndItsPlace()
{
    const auto parsed =
        MustacheTemplate::parse("Dear {{customer.name}},\n{{#orders}}{{id}}{{/orders}}", u"mail"_qs);
    QVERIFY(parsed);
    RenderOptions strict;
    strict.strict = true;
    const auto missing =
        parsed->render(json{{"customer", {{"email", "a@b.c"}}}, {"orders", json::array()}}, strict);
    QVERIFY(!missing);
    QCOMPARE(missing.error().where, u"mail:1:6"_qs);
    QVERIFY(missing.error().message.contains(u"customer.name"));
    const auto missingSection = parsed->render(json{{"customer", {{"name", "Ada"}}}}, strict);
    QVERIFY(!missingSection);
    QCOMPARE(missingSection.error().where, u"mail:2:1"_qs);
    const auto fine =
        parsed->render(json{{"customer", {{"name", "Ada"}}}, {"orders", {{{"id", 7}}, {{"id", 8}}}}}, strict);
    QVERIFY(fine);
    QCOMPARE(*fine, std::string("Dear Ada,\n78"));
}

void TestMustacheTemplate::withoutStrictMissingNamesRenderEmpty()
{
    QCOMPARE(render("[{{a}}][{{b.c}}][{{#d}}x{{/d}}][{{^e}}y{{/e}}]", json::object()),
             std::string("[][][][y]"));
}

void TestMustacheTemplate::htmlEscapingCanBeTurnedOff()
{
    const json data{{"code", "if (a < b && c > \"d\")"}};
    QCOMPARE(render("{{code}}", data), std::string("if (a &lt; b &amp;&amp; c &gt; &quot;d&quot;)"));
    RenderOptions prompt;
    prompt.escapeHtml = false;
    QCOMPARE(render("{{code}}", data, prompt), std::string("if (a < b && c > \"d\")"));
}

void TestMustacheTemplate::falseyValues_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("renders");
    QTest::newRow("false") << u"false"_qs << false;
    QTest::newRow("null") << u"null"_qs << false;
    QTest::newRow("empty list") << u"[]"_qs << false;
    QTest::newRow("empty string") << u"\"\""_qs << false;
    QTest::newRow("zero") << u"0"_qs << true;
    QTest::newRow("empty object") << u"{}"_qs << true;
    QTest::newRow("text") << u"\"no\""_qs << true;
}

void TestMustacheTemplate::falseyValues()
{
    QFETCH(QString, value);
    QFETCH(bool, renders);
    const json data{{"v", json::parse(value.toStdString())}};
    QCOMPARE(render("{{#v}}yes{{/v}}", data), std::string(renders ? "yes" : ""));
    QCOMPARE(render("{{^v}}no{{/v}}", data), std::string(renders ? "" : "no"));
}

void TestMustacheTemplate::keepsBytesAndLineEndsExactly()
{
    const std::string source =
        "line one\r\n{{#a}}\r\n\t{{b}} \xE2\x82\xAC\r\n{{/a}}\r\nno newline at the end";
    QCOMPARE(render(source, json{{"a", true}, {"b", 1.5}}),
             std::string("line one\r\n\t1.5 \xE2\x82\xAC\r\nno newline at the end"));
}

void TestMustacheTemplate::listsTheNamesItUses()
{
    const auto parsed =
        MustacheTemplate::parse("{{! note }}Hi {{name}}\n{{#items}}{{.}}{{/items}}{{>*which}}");
    QVERIFY(parsed);
    const auto &names = parsed->names();
    QCOMPARE(names.size(), std::size_t(4));
    QCOMPARE(names[0].name, std::string("name"));
    QCOMPARE(names[0].position.line, 1);
    QCOMPARE(names[0].position.column, 15);
    QCOMPARE(names[1].name, std::string("items"));
    QCOMPARE(names[1].position.line, 2);
    QCOMPARE(names[2].name, std::string("."));
    QCOMPARE(names[3].name, std::string("which"));
}

void TestMustacheTemplate::partialsThatIncludeThemselvesStopWithAnError()
{
    const auto parsed = MustacheTemplate::parse("{{>loop}}");
    QVERIFY(parsed);
    RenderOptions options;
    options.partials = [](const std::string &name) -> std::optional<std::string> {
        if (name == "loop")
            return std::string("again {{>loop}}");
        return std::nullopt;
    };
    const auto rendered = parsed->render(json::object(), options);
    QVERIFY(!rendered);
    QVERIFY2(rendered.error().message.contains(u"include itself"), qPrintable(rendered.error().message));
    QCOMPARE(rendered.error().where, u"loop:1:7"_qs);
}

void TestMustacheTemplate::missingPartialIsAnErrorOnlyInStrictMode()
{
    const auto parsed = MustacheTemplate::parse("a\n  {{>footer}}\nb", u"page"_qs);
    QVERIFY(parsed);
    QCOMPARE(*parsed->render(json::object()), std::string("a\nb"));
    RenderOptions strict;
    strict.strict = true;
    const auto rendered = parsed->render(json::object(), strict);
    QVERIFY(!rendered);
    QCOMPARE(rendered.error().where, u"page:2:3"_qs);
    QVERIFY(rendered.error().message.contains(u"footer"));
}

void TestMustacheTemplate::deepNestingIsAnErrorNotACrash()
{
    std::string deep;
    for (int i = 0; i < 10000; ++i)
        deep += "{{#a}}";
    const auto tooDeep = MustacheTemplate::parse(deep);
    QVERIFY(!tooDeep);
    QVERIFY(tooDeep.error().message.contains(u"nest more than 1000"));

    std::string fine;
    for (int i = 0; i < 1000; ++i)
        fine += "{{#a}}";
    fine += "{{v}}";
    for (int i = 0; i < 1000; ++i)
        fine += "{{/a}}";
    QCOMPARE(render(fine, json{{"a", true}, {"v", "bottom"}}), std::string("bottom"));
}

QTEST_GUILESS_MAIN(TestMustacheTemplate)
#include "tst_mustachetemplate.moc"
