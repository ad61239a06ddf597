// SPDX-License-Identifier: GPL-3.0-or-later
// JsonSchema beyond the official suite: the basic output shape, messages, invalid schemas,
// deep nesting, sharing one compiled schema between threads, and partial (streaming) validation.

#include <atomic>
#include <thread>

#include <QElapsedTimer>
#include <QTest>

#include "schema/JsonSchema.h"

using namespace Lathe::Schema;
using nlohmann::json;

Q_DECLARE_METATYPE(json)

namespace
{

JsonSchema compiled(const json &schema, const SchemaOptions &options = {})
{
    auto result = JsonSchema::compile(schema, options);
    if (!result)
        qFatal("schema did not compile: %s", qPrintable(result.error().toString()));
    return *result;
}

json nested(int depth, const json &leaf)
{
    // Built from the inside out without recursion.
    json value = leaf;
    for (int i = 0; i < depth; ++i)
        value = json::array({std::move(value)});
    return value;
}

} // namespace

class TestJsonSchema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsEachFailureInTheBasicOutputShape();
    void keywordLocationFollowsReferencesWhileAbsoluteLocationNamesTheTarget();
    void messagesSayWhatIsWrong_data();
    void messagesSayWhatIsWrong();
    void anyOfReportsItsBranchesOnlyWhenAllFail();
    void invalidSchemasAreErrorsNamingTheLocation_data();
    void invalidSchemasAreErrorsNamingTheLocation();
    void decimalMultiplesAreExact_data();
    void decimalMultiplesAreExact();
    void draftComesFromDollarSchemaElseTheOption();
    void formatIsAnAnnotationUnlessAsserted();
    void deepInstancesStopWithAnErrorInsteadOfCrashing();
    void deepSchemasAreRefusedWithAClearError();
    void hugeInstancesValidateInLinearTime();
    void oneCompiledSchemaValidatesFromManyThreads();
    void partialValidationReportsOnlyCertainViolations_data();
    void partialValidationReportsOnlyCertainViolations();
    void parseErrorsNameLineColumnAndByte();
    void textVerdictsAgreeWithParsedValues_data();
    void textVerdictsAgreeWithParsedValues();
    void textThatIsNotJsonIsAnErrorNamingThePlace();
};

void TestJsonSchema::reportsEachFailureInTheBasicOutputShape()
{
    const JsonSchema schema = compiled(json::parse(
        "{\"$id\": \"https://example.com/order\", \"type\": \"object\", \"required\": [\"id\", \"items\"],"
        " \"properties\": {\"items\": {\"type\": \"array\", \"items\": {\"type\": \"integer\", \"minimum\": "
        "1}}}}"));
    const ValidationReport report = schema.validate(json::parse("{\"items\": [1, 0, \"x\"]}"));
    QVERIFY(!report.valid);
    QCOMPARE(report.errors.size(), std::size_t(3));
    QCOMPARE(report.errors[0].instanceLocation, std::string());
    QCOMPARE(report.errors[0].keywordLocation, std::string("/required"));
    QCOMPARE(report.errors[0].absoluteKeywordLocation, std::string("https://example.com/order#/required"));
    QCOMPARE(report.errors[0].message, u"Is missing the required property \"id\"."_qs);
    QCOMPARE(report.errors[1].instanceLocation, std::string("/items/1"));
    QCOMPARE(report.errors[1].keywordLocation, std::string("/properties/items/items/minimum"));
    QCOMPARE(report.errors[2].instanceLocation, std::string("/items/2"));
    QCOMPARE(report.errors[2].keywordLocation, std::string("/properties/items/items/type"));
    QCOMPARE(report.errors[2].message, u"Must be integer, not string."_qs);
    QVERIFY(!schema.isValid(json::parse("{\"items\": [1, 0, \"x\"]}")));
    QVERIFY(schema.isValid(json::parse("{\"id\": 1, \"items\": [1, 2]}")));
}

void TestJsonSchema::keywordLocationFollowsReferencesWhileAbsoluteLocationNamesTheTarget()
{
    const JsonSchema schema = compiled(json::parse(
        "{\"$id\": \"https://example.com/root\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/positive\"}},"
        " \"$defs\": {\"positive\": {\"exclusiveMinimum\": 0}}}"));
    const ValidationReport report = schema.validate(json::parse("{\"a\": -1}"));
    QCOMPARE(report.errors.size(), std::size_t(1));
    QCOMPARE(report.errors[0].instanceLocation, std::string("/a"));
    QCOMPARE(report.errors[0].keywordLocation, std::string("/properties/a/$ref/exclusiveMinimum"));
    QCOMPARE(report.errors[0].absoluteKeywordLocation,
             std::string("https://example.com/root#/$defs/positive/exclusiveMinimum"));
    QCOMPARE(report.errors[0].message, u"Must be greater than 0, not -1."_qs);
}

void TestJsonSchema::messagesSayWhatIsWrong_data()
{
    QTest::addColumn<json>("schema");
    QTest::addColumn<json>("instance");
    QTest::addColumn<QString>("message");

    QTest::newRow("type list") << json::parse("{\"type\": [\"string\", \"null\"]}") << json(3)
                               << u"Must be null or string, not integer."_qs;
    QTest::newRow("enum") << json::parse("{\"enum\": [\"red\", \"green\"]}") << json("blue")
                          << u"Must be one of [\"red\",\"green\"]."_qs;
    QTest::newRow("const") << json::parse("{\"const\": 1}") << json(2) << u"Must be exactly 1."_qs;
    QTest::newRow("maxLength counts code points")
        << json::parse("{\"maxLength\": 2}") << json("h\u00e9\U0001F600")
        << u"Must be at most 2 characters long, not 3."_qs;
    QTest::newRow("pattern") << json::parse("{\"pattern\": \"^[a-z]+$\"}") << json("A")
                             << u"Must match the pattern ^[a-z]+$."_qs;
    QTest::newRow("uniqueItems, 1 equals 1.0")
        << json::parse("{\"uniqueItems\": true}") << json::parse("[1, 2, 1.0]")
        << u"Must not contain equal items; items 0 and 2 are equal."_qs;
    QTest::newRow("additionalProperties false")
        << json::parse("{\"properties\": {\"a\": {}}, \"additionalProperties\": false}")
        << json::parse("{\"b\": 1}")
        << u"The property \"b\" is not allowed here (additionalProperties is false)."_qs;
    QTest::newRow("dependentRequired")
        << json::parse("{\"dependentRequired\": {\"card\": [\"billing\"]}}") << json::parse("{\"card\": 1}")
        << u"Has \"card\", so it must also have \"billing\"."_qs;
    QTest::newRow("contains") << json::parse("{\"contains\": {\"const\": 5}, \"minContains\": 2}")
                              << json::parse("[5, 1]")
                              << u"Must contain at least 2 item(s) matching the contains schema, not 1."_qs;
    QTest::newRow("false schema") << json(false) << json(1)
                                  << u"No value is allowed here (the schema is false)."_qs;
}

void TestJsonSchema::messagesSayWhatIsWrong()
{
    QFETCH(json, schema);
    QFETCH(json, instance);
    QFETCH(QString, message);
    const ValidationReport report = compiled(schema).validate(instance);
    QVERIFY(!report.valid);
    QCOMPARE(report.errors.size(), std::size_t(1));
    QCOMPARE(report.errors.front().message, message);
}

void TestJsonSchema::anyOfReportsItsBranchesOnlyWhenAllFail()
{
    const JsonSchema schema =
        compiled(json::parse("{\"anyOf\": [{\"type\": \"string\"}, {\"minimum\": 10}]}"));
    QVERIFY(schema.validate(json(12)).errors.empty());
    const ValidationReport report = schema.validate(json(3));
    QCOMPARE(report.errors.size(), std::size_t(3));
    QCOMPARE(report.errors[0].keywordLocation, std::string("/anyOf/0/type"));
    QCOMPARE(report.errors[1].keywordLocation, std::string("/anyOf/1/minimum"));
    // ... then the summary of the anyOf keyword itself.
    QCOMPARE(report.errors[2].keywordLocation, std::string("/anyOf"));
    QCOMPARE(report.errors[2].message, u"Must match at least one of the 2 schemas in anyOf."_qs);
}

void TestJsonSchema::invalidSchemasAreErrorsNamingTheLocation_data()
{
    QTest::addColumn<json>("schema");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("unknown $schema") << json::parse("{\"$schema\": \"https://example.com/no-such-draft\"}")
                                     << u"#/$schema"_qs << u"Unknown $schema"_qs;
    QTest::newRow("$ref cycle") << json::parse(
                                       "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": "
                                       "\"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}")
                                << u"#/$defs/a"_qs << u"cycle"_qs;
    QTest::newRow("unresolvable $ref")
        << json::parse("{\"properties\": {\"a\": {\"$ref\": \"#/$defs/missing\"}}}")
        << u"#/properties/a/$ref"_qs << u"names nothing"_qs;
    QTest::newRow("remote $ref without a loader")
        << json::parse("{\"$ref\": \"https://example.com/other.json\"}") << u"#/$ref"_qs
        << u"Cannot resolve"_qs;
    QTest::newRow("invalid regex") << json::parse("{\"properties\": {\"a\": {\"pattern\": \"(unclosed\"}}}")
                                   << u"#/properties/a/pattern"_qs << u"Invalid regular expression"_qs;
    QTest::newRow("unknown type") << json::parse("{\"type\": \"text\"}") << u"#/type"_qs
                                  << u"Unknown type"_qs;
    QTest::newRow("negative minLength")
        << json::parse("{\"minLength\": -1}") << u"#/minLength"_qs << u"non-negative integer"_qs;
    QTest::newRow("schema is a number")
        << json::parse("{\"items\": 3}") << u"#/items"_qs << u"must be an object or a boolean"_qs;
    QTest::newRow("multipleOf zero") << json::parse("{\"multipleOf\": 0}") << u"#/multipleOf"_qs
                                     << u"greater than 0"_qs;
}

void TestJsonSchema::invalidSchemasAreErrorsNamingTheLocation()
{
    QFETCH(json, schema);
    QFETCH(QString, where);
    QFETCH(QString, messagePart);
    const auto result = JsonSchema::compile(schema);
    QVERIFY(!result);
    QVERIFY2(result.error().where.endsWith(where), qPrintable(result.error().toString()));
    QVERIFY2(result.error().message.contains(messagePart), qPrintable(result.error().toString()));
}

void TestJsonSchema::decimalMultiplesAreExact_data()
{
    QTest::addColumn<json>("value");
    QTest::addColumn<json>("divisor");
    QTest::addColumn<bool>("multiple");
    QTest::newRow("0.0075 of 0.0001") << json(0.0075) << json(0.0001) << true;
    QTest::newRow("0.3 of 0.1") << json(0.3) << json(0.1) << true;
    QTest::newRow("0.35 of 0.1") << json(0.35) << json(0.1) << false;
    QTest::newRow("19.99 of 0.01") << json(19.99) << json(0.01) << true;
    QTest::newRow("integer of 0.5") << json(7) << json(0.5) << true;
    QTest::newRow("1e308 of 0.5, no overflow") << json(1e308) << json(0.5) << true;
    QTest::newRow("1e308 of 0.123456789") << json(1e308) << json(0.123456789) << false;
    QTest::newRow("uint64 max of 5") << json(std::uint64_t(18446744073709551615u)) << json(5) << true;
    QTest::newRow("negative") << json(-12) << json(4) << true;
    QTest::newRow("tiny of huge") << json(1e-8) << json(1e300) << false;
}

void TestJsonSchema::decimalMultiplesAreExact()
{
    QFETCH(json, value);
    QFETCH(json, divisor);
    QFETCH(bool, multiple);
    const JsonSchema schema = compiled(json{{"multipleOf", divisor}});
    QCOMPARE(schema.isValid(value), multiple);
}

void TestJsonSchema::draftComesFromDollarSchemaElseTheOption()
{
    // Draft 4's boolean exclusiveMaximum is a schema error in 2020-12 and a modifier in draft 4.
    const json draft4Style = json::parse("{\"maximum\": 5, \"exclusiveMaximum\": true}");
    QVERIFY(!JsonSchema::compile(draft4Style));
    SchemaOptions options;
    options.defaultDraft = Draft::Draft4;
    const JsonSchema schema = compiled(draft4Style, options);
    QCOMPARE(schema.draft(), Draft::Draft4);
    QVERIFY(!schema.isValid(json(5)));
    QVERIFY(schema.isValid(json(4.9)));
    // $schema wins over the option.
    json declared = draft4Style;
    declared["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    QVERIFY(!JsonSchema::compile(declared, options));
}

void TestJsonSchema::formatIsAnAnnotationUnlessAsserted()
{
    const json schema = json::parse("{\"format\": \"date\"}");
    QVERIFY(compiled(schema).isValid(json("2024-13-40")));
    SchemaOptions options;
    options.formatAssertion = true;
    const JsonSchema asserted = compiled(schema, options);
    QVERIFY(!asserted.isValid(json("2024-13-40")));
    QVERIFY(asserted.isValid(json("2024-02-29")));
}

void TestJsonSchema::deepInstancesStopWithAnErrorInsteadOfCrashing()
{
    const JsonSchema schema =
        compiled(json::parse("{\"$ref\": \"#/$defs/list\", \"$defs\": {\"list\": {\"type\": "
                             "\"array\", \"items\": {\"$ref\": \"#/$defs/list\"}}}}"));
    const json deep = nested(10000, json::array());
    QVERIFY(!schema.isValid(deep));
    const ValidationReport report = schema.validate(deep);
    QVERIFY(!report.valid);
    QVERIFY(report.errors.back().message.contains(u"nest more than"));
    QVERIFY(schema.isValid(nested(200, json::array())));
    // Comparing deep items (uniqueItems) does not recurse either.
    const JsonSchema unique = compiled(json::parse("{\"uniqueItems\": true}"));
    QVERIFY(!unique.isValid(json::array({nested(10000, json(1)), nested(10000, json(1))})));
    QVERIFY(unique.isValid(json::array({nested(10000, json(1)), nested(10000, json(2))})));
}

void TestJsonSchema::deepSchemasAreRefusedWithAClearError()
{
    const auto nestedSchema = [](int depth) {
        json schema = json::object();
        for (int i = 0; i < depth; ++i)
            schema = json{{"items", std::move(schema)}};
        return schema;
    };
    const auto deep = JsonSchema::compile(nestedSchema(10000));
    QVERIFY(!deep);
    QVERIFY(deep.error().message.contains(u"nests more than 1000 levels"));
    const auto fine = JsonSchema::compile(nestedSchema(400));
    QVERIFY2(fine, fine ? "" : qPrintable(fine.error().toString()));
    QVERIFY(fine->isValid(nested(100, json(1))));
}

void TestJsonSchema::hugeInstancesValidateInLinearTime()
{
    const JsonSchema schema = compiled(json::parse(
        "{\"type\": \"array\", \"items\": {\"type\": \"object\", \"required\": [\"id\"], \"properties\": "
        "{\"id\": {\"type\": \"integer\"}, \"name\": {\"type\": \"string\", \"maxLength\": 64}}}}"));
    // About 10 MB as JSON text: 200,000 objects.
    json huge = json::array();
    for (int i = 0; i < 200000; ++i)
        huge.push_back({{"id", i}, {"name", "an item with a name of some length"}});
    huge[150000]["id"] = "not an integer";
    QElapsedTimer timer;
    timer.start();
    const ValidationReport report = schema.validate(huge);
    const qint64 elapsedMs = timer.elapsed();
    QCOMPARE(report.errors.size(), std::size_t(1));
    QCOMPARE(report.errors[0].instanceLocation, std::string("/150000/id"));
    // Generous for sanitizer builds on a loaded machine; a quadratic walk would take minutes.
    QVERIFY2(elapsedMs < 20000, qPrintable(QString::number(elapsedMs)));
    // The same from the text, and a small answer after it on the same thread's buffers.
    QCOMPARE(schema.isValidText(huge.dump()), false);
    huge[150000]["id"] = 150000;
    QCOMPARE(schema.isValidText(huge.dump()), true);
    QCOMPARE(schema.isValidText("[{\"id\": 1}]"), true);
    QCOMPARE(schema.isValidText("[{\"name\": \"no id\"}]"), false);
    // One object with many members is sorted in n log n, not n².
    json wide = json::object();
    for (int i = 0; i < 200000; ++i)
        wide["member " + std::to_string(i)] = i;
    const JsonSchema integers = compiled(json::parse("{\"additionalProperties\": {\"type\": \"integer\"}}"));
    timer.restart();
    QCOMPARE(integers.isValidText(wide.dump()), true);
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
}

void TestJsonSchema::oneCompiledSchemaValidatesFromManyThreads()
{
    const JsonSchema schema =
        compiled(json::parse("{\"type\": \"object\", \"properties\": {\"name\": {\"pattern\": "
                             "\"^[A-Z][a-z]+$\"}, \"tags\": {\"type\": "
                             "\"array\", \"items\": {\"$ref\": \"#/$defs/tag\"}, \"uniqueItems\": true}}, "
                             "\"$defs\": {\"tag\": {\"enum\": "
                             "[\"a\", \"b\", \"c\"]}}, \"unevaluatedProperties\": false}"));
    const json good = json::parse("{\"name\": \"Ada\", \"tags\": [\"a\", \"b\"]}");
    const json bad = json::parse("{\"name\": \"ada\", \"tags\": [\"a\", \"a\", \"z\"], \"extra\": 1}");
    std::atomic<int> wrong = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                if (!schema.isValid(good) || schema.isValid(bad) || schema.validate(bad).errors.size() != 4 ||
                    !schema.isValidText(good.dump()).value_or(false) ||
                    schema.isValidText(bad.dump()).value_or(true))
                    ++wrong;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(wrong.load(), 0);
}

void TestJsonSchema::partialValidationReportsOnlyCertainViolations_data()
{
    QTest::addColumn<json>("schema");
    QTest::addColumn<json>("partial");
    QTest::addColumn<QString>("openPointer");
    QTest::addColumn<QStringList>("keywordLocations");

    const json person = json::parse(
        "{\"type\": \"object\", \"required\": [\"name\", \"age\"], \"additionalProperties\": false,"
        " \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 3, \"maxLength\": 5, \"enum\": "
        "[\"Alice\", \"Bob\"]}, \"age\": {\"type\": \"integer\"}, \"tags\": {\"type\": \"array\", "
        "\"minItems\": 2,"
        " \"maxItems\": 2, \"items\": {\"type\": \"string\"}}}}");
    QTest::newRow("a missing required property may still come")
        << person << json::object() << u""_qs << QStringList();
    QTest::newRow("a short string still arriving")
        << person << json{{"name", "Al"}} << u"/name"_qs << QStringList();
    QTest::newRow("a string already too long") << person << json{{"name", "Alexandra"}} << u"/name"_qs
                                               << QStringList{u"/properties/name/maxLength"_qs};
    QTest::newRow("a wrong type is certain")
        << person << json{{"age", "x"}} << u""_qs << QStringList{u"/properties/age/type"_qs};
    QTest::newRow("an unknown property is certain")
        << person << json{{"nick", "x"}} << u"/nick"_qs << QStringList{u"/additionalProperties"_qs};
    QTest::newRow("too many items is certain") << person << json{{"tags", {"a", "b", "c"}}} << u"/tags/2"_qs
                                               << QStringList{u"/properties/tags/maxItems"_qs};
    QTest::newRow("too few items may still come")
        << person << json{{"tags", {"a"}}} << u"/tags/0"_qs << QStringList();
    QTest::newRow("a finished value is checked in full")
        << person << json{{"name", "Al"}, {"age", 3}} << u"/age"_qs
        << QStringList{u"/properties/name/enum"_qs, u"/properties/name/minLength"_qs};
}

void TestJsonSchema::partialValidationReportsOnlyCertainViolations()
{
    QFETCH(json, schema);
    QFETCH(json, partial);
    QFETCH(QString, openPointer);
    QFETCH(QStringList, keywordLocations);
    const ValidationReport report = compiled(schema).validatePartial(partial, openPointer.toStdString());
    QStringList actual;
    for (const ValidationError &error : report.errors)
        actual << QString::fromStdString(error.keywordLocation);
    QCOMPARE(actual, keywordLocations);
    QCOMPARE(report.valid, keywordLocations.isEmpty());
}

void TestJsonSchema::parseErrorsNameLineColumnAndByte()
{
    const auto result = parseJsonDocument("{\n  \"a\": 1,\n  \"b\": tru\n}", u"answer.json"_qs);
    QVERIFY(!result);
    QCOMPARE(result.error().where, u"answer.json:3:11 (byte 22)"_qs);
    QVERIFY(parseJsonDocument("[1, 2]", u"x"_qs));
}

void TestJsonSchema::textVerdictsAgreeWithParsedValues_data()
{
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    const QString pair = u"{\"required\": [\"a\", \"b\"], \"additionalProperties\": false, "
                         u"\"properties\": {\"a\": {}, \"b\": {}}}"_qs;
    QTest::newRow("members in any order") << pair << u"{\"b\": 1, \"a\": 2}"_qs << true;
    QTest::newRow("a member too many") << pair << u"{\"b\": 1, \"c\": 0, \"a\": 2}"_qs << false;
    // A repeated name counts once, with its last value, as nlohmann::json keeps it.
    QTest::newRow("repeated name counts once") << pair << u"{\"a\": 1, \"a\": 2}"_qs << false;
    const QString integer = u"{\"properties\": {\"a\": {\"type\": \"integer\"}}}"_qs;
    QTest::newRow("repeated name, last valid") << integer << u"{\"a\": \"x\", \"a\": 1}"_qs << true;
    QTest::newRow("repeated name, last invalid") << integer << u"{\"a\": 1, \"a\": \"x\"}"_qs << false;
    QTest::newRow("escaped name") << u"{\"required\": [\"\u00e9\"]}"_qs << u"{\"\\u00e9\": 1}"_qs << true;
    QTest::newRow("largest uint64") << u"{\"type\": \"integer\", \"maximum\": 18446744073709551615}"_qs
                                    << u"18446744073709551615"_qs << true;
    QTest::newRow("smallest int64") << u"{\"minimum\": -9223372036854775808}"_qs << u"-9223372036854775808"_qs
                                    << true;
    // simdjson refuses these; nlohmann::json reads them, and its verdict stands.
    QTest::newRow("integer beyond 64 bits")
        << u"{\"type\": \"integer\", \"minimum\": 1e20}"_qs << u"123456789012345678901234567890"_qs << true;
    QTest::newRow("deeper than 1,024 levels") << u"{\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}"_qs
                                              << QString(1200, u'[') + QString(1200, u']') << true;
    QTest::newRow("deeper than 1,024 levels, a string at the bottom")
        << u"{\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}"_qs
        << QString(1200, u'[') + u"\"x\""_qs + QString(1200, u']') << false;
    QTest::newRow("uniqueItems over objects in different orders")
        << u"{\"uniqueItems\": true}"_qs << u"[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1.0}]"_qs << false;
    QTest::newRow("const object") << u"{\"const\": {\"a\": [1, \"x\"], \"b\": null}}"_qs
                                  << u"{\"b\": null, \"a\": [1.0, \"x\"]}"_qs << true;
}

void TestJsonSchema::textVerdictsAgreeWithParsedValues()
{
    QFETCH(QString, schema);
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const JsonSchema compiledSchema = compiled(json::parse(schema.toStdString()));
    const std::string utf8 = text.toStdString();
    const auto fromText = compiledSchema.isValidText(utf8);
    QVERIFY2(fromText, qPrintable(fromText ? QString() : fromText.error().toString()));
    QCOMPARE(*fromText, valid);
    QCOMPARE(compiledSchema.isValid(json::parse(utf8)), valid);
}

void TestJsonSchema::textThatIsNotJsonIsAnErrorNamingThePlace()
{
    const JsonSchema schema = compiled(json::parse("{\"type\": \"object\"}"));
    const auto truncated = schema.isValidText("{\n  \"a\": 1,\n  \"b\": tru\n}", u"answer.json"_qs);
    QVERIFY(!truncated);
    QCOMPARE(truncated.error().where, u"answer.json:3:11 (byte 22)"_qs);
    QVERIFY(!schema.isValidText(""));
    QVERIFY(!schema.isValidText("{\"a\": \"\xff\"}"));
    QVERIFY(!schema.isValidText("{} {}"));
    QCOMPARE(schema.isValidText(" {} "), true);
}

QTEST_GUILESS_MAIN(TestJsonSchema)
#include "tst_jsonschema.moc"
