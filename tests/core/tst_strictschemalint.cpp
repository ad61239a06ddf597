// SPDX-License-Identifier: GPL-3.0-or-later
// The lint for OpenAI's strict Structured Outputs: which places of a schema it reports, whether
// it is sure, and that each message says what to do.
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

#include "schema/StrictSchemaLint.h"

namespace
{

// JSON written with single quotes, which read better in C++ strings; no value here has one.
QByteArray json(const char *singleQuoted)
{
    return QByteArray(singleQuoted).replace('\'', '"');
}

// An issue as the table writes it: "pointer|certain|a fragment of the message" ("may" for an
// uncertain one).
QString issueLine(const std::string &pointer, bool certain, const QString &fragment)
{
    return QString::fromStdString(pointer) +
           (certain ? QStringLiteral("|certain|") : QStringLiteral("|may|")) + fragment;
}

// `levels` strict objects, each the single property "n" of the one around it.
QByteArray nestedObjects(int levels)
{
    QByteArray schema = json("{'type':'string'}");
    for (int level = 0; level < levels; ++level)
        schema = json("{'type':'object','properties':{'n':") + schema +
                 json("},'required':['n'],'additionalProperties':false}");
    return schema;
}

// A strict object with `count` string properties.
QByteArray wideObject(int count)
{
    QByteArray properties;
    QByteArray required;
    for (int i = 0; i < count; ++i) {
        const QByteArray name = "\"p" + QByteArray::number(i) + '"';
        properties += (i ? "," : "") + name + json(":{'type':'string'}");
        required += (i ? "," : "") + name;
    }
    return json("{'type':'object','properties':{") + properties + json("},'required':[") + required +
           json("],'additionalProperties':false}");
}

// A strict object whose one property "e" is a string enum of `count` values of `length` characters.
QByteArray enumObject(int count, int length)
{
    QByteArray values;
    for (int i = 0; i < count; ++i) {
        QByteArray value = QByteArray::number(i);
        value = value.rightJustified(length, 'v');
        values += (i ? "," : "") + ('"' + value + '"');
    }
    return json("{'type':'object','properties':{'e':{'type':'string','enum':[") + values +
           json("]}},'required':['e'],'additionalProperties':false}");
}

} // namespace

class StrictSchemaLintTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsWhatStrictModeRejects_data();
    void reportsWhatStrictModeRejects();
};

void StrictSchemaLintTest::reportsWhatStrictModeRejects_data()
{
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QStringList>("issues"); // in document order

    const auto sure = [](const char *pointer, const char *fragment) {
        return issueLine(pointer, true, QString::fromUtf8(fragment));
    };
    const auto maybe = [](const char *pointer, const char *fragment) {
        return issueLine(pointer, false, QString::fromUtf8(fragment));
    };

    QTest::newRow("a strict schema with definitions, recursion, anyOf and the supported keywords")
        << json(
               "{'type':'object','properties':{"
               "'title':{'type':'string','pattern':'^[A-Z]','description':'The title'},"
               "'year':{'type':['integer','null'],'minimum':0,'exclusiveMaximum':3000,'multipleOf':1},"
               "'tags':{'type':'array','items':{'type':'string','enum':['a','b']},'minItems':1,'maxItems':3},"
               "'author':{'$ref':'#/$defs/person'},"
               "'kind':{'anyOf':[{'type':'string','format':'date'},{'type':'null'}]},"
               "'tree':{'$ref':'#'},"
               "'mode':{'type':'string','const':'fast'}},"
               "'required':['title','year','tags','author','kind','tree','mode'],'additionalProperties':"
               "false,"
               "'$defs':{'person':{'type':'object','properties':{'name':{'type':'string'},"
               "'friends':{'type':'array','items':{'$ref':'#/$defs/person'}}},"
               "'required':['name','friends'],'additionalProperties':false}}}")
        << QStringList();

    QTest::newRow("a root that is an array")
        << json("{'type':'array','items':{'type':'string'}}")
        << QStringList{sure("/type",
                            "The root must be an object schema (\"type\": \"object\"); strict mode rejects "
                            "a root of type \"array\". Wrap the value in an object")};
    QTest::newRow("a root without a type")
        << json("{'properties':{'a':{'type':'string'}},'required':['a'],'additionalProperties':false}")
        << QStringList{sure("", "strict mode rejects a root without a \"type\"")};
    QTest::newRow("a root that is only a $ref")
        << json("{'$ref':'#/$defs/"
                "a','$defs':{'a':{'type':'object','properties':{},'additionalProperties':false}}}")
        << QStringList{sure("", "a root that is only a \"$ref\"")};
    QTest::newRow("a boolean root") << json("true")
                                    << QStringList{sure("", "strict mode rejects a boolean schema")};
    QTest::newRow("anyOf at the root, and its branches")
        << json("{'anyOf':[{'type':'object','properties':{'a':{'type':'string'}},'required':['a']},"
                "{'type':'null'}]}")
        << QStringList{sure("/anyOf", "\"anyOf\" is not allowed at the root in strict mode"),
                       sure("/anyOf/0", "Add \"additionalProperties\": false.")};

    QTest::newRow("objects without additionalProperties: false")
        << json("{'type':'object','properties':{'a':{'type':'object','properties':{},"
                "'additionalProperties':true}},'required':['a']}")
        << QStringList{
               sure("", "This object has no \"additionalProperties\": false; strict mode requires it"),
               sure("/properties/a/additionalProperties",
                    "\"additionalProperties\" must be false in strict mode")};
    QTest::newRow("optional properties and how to make them nullable")
        << json("{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer','enum':[1,2]},"
                "'c':{'$ref':'#/$defs/x'},'d':{'type':['string','null']},'e':{'type':['number','boolean']}},"
                "'required':['a'],'additionalProperties':false,'$defs':{'x':{'type':'string'}}}")
        << QStringList{
               sure("/properties/b",
                    "Property \"b\" is not in \"required\"; strict mode requires every "
                    "property. Add it to \"required\" and, to keep it optional, let it be "
                    "null: \"type\": [\"integer\", \"null\"] and null added to its \"enum\"."),
               sure("/properties/c", "let it be null: \"anyOf\": [<its schema>, {\"type\": \"null\"}]."),
               sure("/properties/d", "it already allows null, so only listing it is missing"),
               sure("/properties/e", "\"type\": [\"number\", \"boolean\", \"null\"]")};
    QTest::newRow("a property name with a slash is escaped in the pointer")
        << json("{'type':'object','properties':{'a/b~c':{'type':'string'}},'additionalProperties':false}")
        << QStringList{sure("/properties/a~1b~0c", "Property \"a/b~c\" is not in \"required\"")};
    QTest::newRow("required names a property that is not defined")
        << json("{'type':'object','properties':{},'required':['ghost'],'additionalProperties':false}")
        << QStringList{
               maybe("/required", "\"required\" names \"ghost\", which \"properties\" does not define")};

    QTest::newRow("keywords strict mode does not support")
        << json("{'type':'object','properties':{"
                "'a':{'oneOf':[{'type':'string'},{'type':'integer'}]},"
                "'b':{'type':'string','minLength':2,'maxLength':9},"
                "'c':{'type':'object','properties':{},'additionalProperties':false,'patternProperties':{'^x':"
                "{}}},"
                "'d':{'type':'array','items':{'type':'string'},'uniqueItems':true,'contains':{'type':'string'"
                "}},"
                "'e':{'type':'string','not':{'const':''}},"
                "'f':{'type':'integer','default':3},"
                "'g':{'type':'object','properties':{},'additionalProperties':false,'minProperties':1,"
                "'propertyNames':{'pattern':'^a'}},"
                "'h':{'type':'string','if':{'const':'x'},'then':{'const':'x'},'else':{'const':'y'}},"
                "'i':{'allOf':[{'type':'string'}]},"
                "'j':{'type':'object','properties':{},'additionalProperties':false,'dependentRequired':{},"
                "'unevaluatedProperties':false}},"
                "'required':['a','b','c','d','e','f','g','h','i','j'],'additionalProperties':false}")
        << QStringList{
               sure("/properties/a/oneOf", "\"oneOf\" is not supported in strict mode; use \"anyOf\""),
               maybe("/properties/b/minLength", "may be rejected in strict mode, which does not list it as "
                                                "supported; strict mode lists only pattern and format"),
               maybe("/properties/b/maxLength", "use a pattern such as \"^.{0,40}$\""),
               maybe("/properties/c/patternProperties", "\"patternProperties\" may be rejected"),
               sure("/properties/d/contains", "\"contains\" is not supported in strict mode"),
               maybe("/properties/d/uniqueItems", "\"uniqueItems\" may be rejected"),
               sure("/properties/e/not", "\"not\" is not supported in strict mode"),
               maybe("/properties/f/default", "state the default in \"description\""),
               sure("/properties/g/propertyNames", "\"propertyNames\" is not supported"),
               sure("/properties/g/minProperties", "\"minProperties\" is not supported"),
               sure("/properties/h/if", "write the cases as \"anyOf\" branches"),
               sure("/properties/h/then", "\"then\" is not supported"),
               sure("/properties/h/else", "\"else\" is not supported"),
               maybe("/properties/i/allOf", "merge the subschemas into one"),
               sure("/properties/j/dependentRequired", "\"dependentRequired\" is not supported"),
               sure("/properties/j/unevaluatedProperties", "use \"additionalProperties\": false")};

    QTest::newRow("references")
        << json("{'type':'object','properties':{"
                "'a':{'$ref':'https://example.com/a.json'},"
                "'b':{'$ref':'#/properties/a'},"
                "'c':{'$ref':'#/$defs/missing'},"
                "'d':{'$ref':'#/definitions/old','description':'kept'},"
                "'e':{'$ref':'#anchor'}},"
                "'required':['a','b','c','d','e'],'additionalProperties':false,"
                "'definitions':{'old':{'type':'string'}}}")
        << QStringList{
               sure("/properties/a/$ref", "\"$ref\" \"https://example.com/a.json\" points outside the "
                                          "schema"),
               maybe("/properties/b/$ref", "points into the schema but not into \"$defs\""),
               sure("/properties/c/$ref", "\"$ref\" \"#/$defs/missing\" points at nothing in this schema"),
               maybe("/properties/d/$ref", "\"$ref\" with sibling keywords (description) may be rejected"),
               maybe("/properties/e/$ref", "\"$ref\" \"#anchor\" points into the schema but not into")};
    QTest::newRow("formats, arrays without items, boolean and untyped subschemas")
        << json("{'type':'object','properties':{'a':{'type':'string','format':'uri'},"
                "'b':{'type':'string','format':'email'},'c':{'type':'array'},'d':true,'e':{'description':'x'}"
                "},"
                "'required':['a','b','c','d','e'],'additionalProperties':false}")
        << QStringList{
               maybe("/properties/a/format", "Format \"uri\" is not among those strict mode supports"),
               maybe("/properties/c", "An array without \"items\" may be rejected"),
               maybe("/properties/d", "A boolean schema (true) may be rejected"),
               maybe("/properties/e", "This schema has no \"type\"")};
    QTest::newRow("definitions are linted too")
        << json("{'type':'object','properties':{},'additionalProperties':false,"
                "'$defs':{'x':{'type':'object','properties':{'a':{'type':'string'}}}}}")
        << QStringList{sure("/$defs/x", "This object has no \"additionalProperties\": false"),
                       sure("/$defs/x/properties/a", "Property \"a\" is not in \"required\"")};

    QTest::newRow("10 levels of nesting") << nestedObjects(10) << QStringList();
    QTest::newRow("11 levels of nesting")
        << nestedObjects(11)
        << QStringList{
               maybe("/properties/n/properties/n/properties/n/properties/n/properties/n/properties/n/"
                     "properties/n/properties/n/properties/n/properties/n",
                     "This object is nested 11 levels deep (the root object is level 1); strict mode allows "
                     "10 levels")};
    QTest::newRow("5000 properties") << wideObject(5000) << QStringList();
    QTest::newRow("5001 properties")
        << wideObject(5001)
        << QStringList{
               sure("", "The schema has 5001 object properties in all; strict mode allows at most 5000.")};
    QTest::newRow("1000 enum values") << enumObject(1000, 4) << QStringList();
    QTest::newRow("1001 enum values")
        << enumObject(1001, 4)
        << QStringList{
               sure("", "The schema's enums have 1001 values in all; strict mode allows at most 1000.")};
    QTest::newRow("250 long enum values") << enumObject(250, 70) << QStringList();
    QTest::newRow("251 long enum values")
        << enumObject(251, 70)
        << QStringList{maybe("/properties/e/enum",
                             "This enum has 251 string values of 17570 characters in all; above "
                             "250 values strict mode allows 15000 characters")};
    QTest::newRow("more than 120,000 characters of enum values")
        << enumObject(900, 140)
        << QStringList{maybe("/properties/e/enum", "This enum has 900 string values of 126000 characters"),
                       maybe("", "Property names, definition names, enum and const values come to 126001 "
                                 "characters; strict mode allows 120000")};
}

void StrictSchemaLintTest::reportsWhatStrictModeRejects()
{
    QFETCH(QByteArray, schema);
    QFETCH(QStringList, issues);

    const auto found =
        Lathe::Schema::lintForOpenAiStrict(nlohmann::json::parse(schema.constBegin(), schema.constEnd()));
    QStringList described;
    for (const Lathe::Schema::StrictSchemaIssue &issue : found)
        described.append(issueLine(issue.pointer, issue.certain, issue.message));
    QVERIFY2(described.size() == issues.size(), qPrintable(described.join(QLatin1Char('\n'))));
    for (qsizetype i = 0; i < issues.size(); ++i) {
        // Pointer and certainty exactly; of the message, the fragment the table names.
        const QString expected = issues[i];
        const qsizetype fragmentAt =
            expected.indexOf(QLatin1Char('|'), expected.indexOf(QLatin1Char('|')) + 1) + 1;
        QCOMPARE(described[i].first(fragmentAt), expected.first(fragmentAt));
        QVERIFY2(described[i].sliced(fragmentAt).contains(expected.sliced(fragmentAt)),
                 qPrintable(described[i]));
    }
}

QTEST_GUILESS_MAIN(StrictSchemaLintTest)
#include "tst_strictschemalint.moc"
