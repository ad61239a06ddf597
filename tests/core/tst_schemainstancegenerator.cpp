// SPDX-License-Identifier: GPL-3.0-or-later
// The simulator's JSON Schema instances: each is pinned exactly (it is deterministic) and checked
// against its schema by Lathe's own validator, with formats asserted; the instances that break
// a schema on purpose, and JSON text cut short so that it does not parse.
#include <QTest>

#include <nlohmann/json.hpp>

#include "mock/SchemaInstanceGenerator.h"
#include "schema/JsonSchema.h"

using nlohmann::ordered_json;

namespace
{

// JSON written with single quotes, which read better in C++ strings; no value here has one.
QByteArray json(const char *singleQuoted)
{
    return QByteArray(singleQuoted).replace('\'', '"');
}

ordered_json parsed(const QByteArray &text)
{
    return ordered_json::parse(text.constBegin(), text.constEnd());
}

QByteArray compact(const ordered_json &value)
{
    return QByteArray::fromStdString(value.dump());
}

// Empty when `instance` is valid for `schema`, else the validator's first complaint.
QString validationError(const ordered_json &schema, const ordered_json &instance)
{
    Lathe::Schema::SchemaOptions options;
    options.formatAssertion = true;
    const auto compiled = Lathe::Schema::JsonSchema::compile(nlohmann::json(schema), options);
    if (!compiled)
        return QStringLiteral("the schema does not compile: ") + compiled.error().toString();
    const Lathe::Schema::ValidationReport report = compiled->validate(nlohmann::json(instance));
    if (report.valid)
        return {};
    if (report.errors.empty())
        return QStringLiteral("invalid");
    return QString::fromStdString(report.errors.front().instanceLocation) + QStringLiteral(": ") +
           report.errors.front().message;
}

} // namespace

class SchemaInstanceGeneratorTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void instanceFollowsTheSchema_data();
    void instanceFollowsTheSchema();
    void endlessRecursionEndsInAFiniteInstance();
    void hugeMinimumsAreMetOnlyUpToAThousand();
    void violationBreaksWhatEveryInstanceMustHold_data();
    void violationBreaksWhatEveryInstanceMustHold();
    void brokenJsonIsCutAfterTheLastCommaAndDoesNotParse_data();
    void brokenJsonIsCutAfterTheLastCommaAndDoesNotParse();
};

void SchemaInstanceGeneratorTest::instanceFollowsTheSchema_data()
{
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QByteArray>("instance");

    QTest::newRow("each type's plain value")
        << json("{'type':'object','properties':{'title':{'type':'string'},'year':{'type':'integer'},"
                "'done':{'type':'boolean'},'score':{'type':'number'},'nothing':{'type':'null'}}}")
        << json("{'title':'sample','year':1,'done':true,'score':1.5,'nothing':null}");
    QTest::newRow("properties in the schema's order, nested")
        << json("{'type':'object','properties':{'z':{'type':'string'},'a':{'type':'object','properties':"
                "{'m':{'type':'integer','minimum':3}}}},'required':['z']}")
        << json("{'z':'sample','a':{'m':3}}");
    QTest::newRow("unique items from an enum")
        << json("{'type':'array','items':{'enum':['x','y','z']},'minItems':3,'uniqueItems':true}")
        << json("['x','y','z']");
    QTest::newRow("unique objects")
        << json("{'type':'array','items':{'type':'object','properties':{'id':{'type':'integer'},"
                "'tag':{'type':'string'}},'required':['id']},'minItems':2,'uniqueItems':true}")
        << json("[{'id':1,'tag':'sample'},{'id':2,'tag':'example'}]");
    QTest::newRow("const and the first enum value")
        << json("{'type':'object','properties':{'kind':{'const':'book'},'size':{'enum':[3,5,8]}}}")
        << json("{'kind':'book','size':3}");
    QTest::newRow("string lengths")
        << json("{'type':'object','properties':{'long':{'type':'string','minLength':10},"
                "'short':{'type':'string','maxLength':3},'exact':{'type':'string','minLength':4,'maxLength':"
                "4}}}")
        << json("{'long':'samplesamp','short':'sam','exact':'samp'}");
    QTest::newRow("formats")
        << json("{'type':'object','properties':{'when':{'type':'string','format':'date-time'},"
                "'day':{'type':'string','format':'date'},'at':{'type':'string','format':'time'},"
                "'mail':{'type':'string','format':'email'},'id':{'type':'string','format':'uuid'},"
                "'host':{'type':'string','format':'hostname'},'ip':{'type':'string','format':'ipv4'},"
                "'ip6':{'type':'string','format':'ipv6'},'link':{'type':'string','format':'uri'},"
                "'span':{'type':'string','format':'duration'}}}")
        << json(
               "{'when':'2025-01-31T12:00:00Z','day':'2025-01-31','at':'12:00:00Z','mail':'user@example.com',"
               "'id':'123e4567-e89b-42d3-a456-426614174000','host':'example.com','ip':'192.0.2.1',"
               "'ip6':'2001:db8::1','link':'https://example.com/','span':'P1D'}");
    QTest::newRow("a pattern takes the first string example, else the default, else a word")
        << json("{'type':'object','properties':{'isbn':{'type':'string','pattern':'^[0-9-]{10,17}$',"
                "'examples':[42,'978-0-13-110362-7']},'code':{'type':'string','pattern':'^[A-Z]{3}$',"
                "'default':'ABC'},'word':{'type':'string','pattern':'^[a-z]+$'}}}")
        << json("{'isbn':'978-0-13-110362-7','code':'ABC','word':'sample'}");
    QTest::newRow("integer bounds and multipleOf")
        << json("{'type':'object','properties':{'a':{'type':'integer','minimum':10},"
                "'b':{'type':'integer','exclusiveMinimum':10},'c':{'type':'integer','maximum':-5},"
                "'d':{'type':'integer','exclusiveMaximum':0},'e':{'type':'integer','multipleOf':7,'minimum':"
                "20},"
                "'f':{'type':'integer','minimum':2.5,'maximum':3.5}}}")
        << json("{'a':10,'b':11,'c':-5,'d':-1,'e':21,'f':3}");
    QTest::newRow("number bounds and decimal multipleOf")
        << json("{'type':'object','properties':{'a':{'type':'number','multipleOf':0.1,'minimum':0.25},"
                "'b':{'type':'number','exclusiveMinimum':0,'exclusiveMaximum':1},'c':{'type':'number','"
                "minimum':-3},"
                "'d':{'type':'number','maximum':-3},'e':{'type':'number','multipleOf':0.01},"
                "'f':{'type':'number','multipleOf':0.5,'exclusiveMinimum':1,'exclusiveMaximum':2}}}")
        << json("{'a':0.3,'b':0.5,'c':-2.0,'d':-4.0,'e':0.01,'f':1.5}");
    QTest::newRow("draft 4's boolean exclusive bounds")
        << json("{'$schema':'http://json-schema.org/draft-04/schema#','type':'object','properties':"
                "{'n':{'type':'integer','minimum':5,'exclusiveMinimum':true},"
                "'m':{'type':'number','maximum':5,'exclusiveMaximum':true}}}")
        << json("{'n':6,'m':4.0}");
    QTest::newRow("$ref into $defs, with a sibling keyword")
        << json("{'type':'object','properties':{'author':{'$ref':'#/$defs/person','description':'who wrote "
                "it'}},"
                "'required':['author'],'$defs':{'person':{'type':'object','properties':{'name':{'type':'"
                "string'},"
                "'born':{'type':'integer','minimum':1800}},'required':['name']}}}")
        << json("{'author':{'name':'sample','born':1800}}");
    QTest::newRow("$ref to the root ends where no item is required")
        << json("{'type':'object','properties':{'name':{'type':'string'},'children':{'type':'array',"
                "'items':{'$ref':'#'}}},'required':['name','children']}")
        << json("{'name':'sample','children':[{'name':'sample','children':[{'name':'sample','children':"
                "[{'name':'sample','children':[]}]}]}]}");
    QTest::newRow("$ref with escaped and percent-encoded tokens")
        << json("{'$defs':{'a/b':{'type':'integer','const':7}},'type':'object','properties':"
                "{'x':{'$ref':'#/$defs/a~1b'},'y':{'$ref':'#/%24defs/a~1b'}}}")
        << json("{'x':7,'y':7}");
    QTest::newRow("allOf merged")
        << json("{'allOf':[{'type':'object','properties':{'a':{'type':'string'}},'required':['a']},"
                "{'properties':{'b':{'type':'integer','minimum':3}},'required':['b']}]}")
        << json("{'a':'sample','b':3}");
    QTest::newRow("allOf intersects types and enums")
        << json(
               "{'type':'object','properties':{'x':{'allOf':[{'type':['string','integer']},"
               "{'type':'integer','maximum':0}]},'y':{'allOf':[{'enum':['a','b','c']},{'enum':['c','b']}]}}}")
        << json("{'x':0,'y':'b'}");
    QTest::newRow("anyOf takes the branch that is not null")
        << json("{'type':'object','properties':{'nick':{'anyOf':[{'type':'null'},{'type':'string','minLength'"
                ":8}]}}}")
        << json("{'nick':'samplesa'}");
    QTest::newRow("oneOf takes the first branch")
        << json("{'oneOf':[{'type':'integer'},{'type':'string'}]}") << json("1");
    QTest::newRow("a list of types takes the first that is not null")
        << json("{'type':['null','integer'],'minimum':4}") << json("4");
    QTest::newRow("prefixItems and no more")
        << json("{'type':'array','prefixItems':[{'type':'string'},{'type':'integer'}],'items':false}")
        << json("['sample',2]");
    QTest::newRow("draft 7's items array and no more")
        << json("{'$schema':'http://json-schema.org/draft-07/schema#','type':'array',"
                "'items':[{'type':'boolean'},{'type':'string'}],'additionalItems':false}")
        << json("[true,'example']");
    QTest::newRow("a required property it does not list follows additionalProperties")
        << json("{'type':'object','required':['id'],'additionalProperties':{'type':'integer'}}")
        << json("{'id':1}");
    QTest::newRow("minProperties adds properties")
        << json("{'type':'object','minProperties':2,'properties':{'a':{'type':'string'}}}")
        << json("{'a':'sample','extra1':'sample'}");
    QTest::newRow("maxProperties keeps the required ones")
        << json("{'type':'object','maxProperties':1,'properties':{'a':{},'b':{}},'required':['b']}")
        << json("{'b':'sample'}");
    QTest::newRow("no keywords: a word") << json("{}") << json("'sample'");
    QTest::newRow("no type: the keywords say")
        << json("{'properties':{'a':{'minimum':1}}}") << json("{'a':2.0}");
    QTest::newRow("deep down only the required properties")
        << json("{'type':'object','properties':{'l1':{'type':'object','properties':{'l2':{'type':'object',"
                "'properties':{'l3':{'type':'object','properties':{'l4':{'type':'object','properties':"
                "{'l5':{'type':'object','properties':{'l6':{'type':'object','properties':{'opt':{'type':'"
                "string'},"
                "'req':{'type':'string'}},'required':['req']}}}}}}}}}}}}}")
        << json("{'l1':{'l2':{'l3':{'l4':{'l5':{'l6':{'req':'sample'}}}}}}}");
}

void SchemaInstanceGeneratorTest::instanceFollowsTheSchema()
{
    QFETCH(QByteArray, schema);
    QFETCH(QByteArray, instance);

    const ordered_json generated = Lathe::Mock::schemaInstance(parsed(schema));
    QCOMPARE(compact(generated), instance);
    const QString error = validationError(parsed(schema), generated);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void SchemaInstanceGeneratorTest::endlessRecursionEndsInAFiniteInstance()
{
    // Every instance of this schema is infinite: the generator gives up with a null deep down.
    const ordered_json schema =
        parsed(json("{'type':'object','properties':{'next':{'$ref':'#'}},'required':['next']}"));
    ordered_json instance = Lathe::Mock::schemaInstance(schema);
    int depth = 0;
    while (instance.is_object()) {
        instance = ordered_json(instance.at("next"));
        ++depth;
    }
    QVERIFY(instance.is_null());
    QVERIFY2(depth > 10 && depth < 100, qPrintable(QString::number(depth)));
}

void SchemaInstanceGeneratorTest::hugeMinimumsAreMetOnlyUpToAThousand()
{
    const ordered_json items = Lathe::Mock::schemaInstance(
        parsed(json("{'type':'array','minItems':1000000000,'items':{'type':'integer'}}")));
    QCOMPARE(items.size(), std::size_t(1000));
    const ordered_json text = Lathe::Mock::schemaInstance(parsed(json("{'type':'string','minLength':1e12}")));
    QCOMPARE(text.get<std::string>().size(), std::size_t(1000));
}

void SchemaInstanceGeneratorTest::violationBreaksWhatEveryInstanceMustHold_data()
{
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QByteArray>("violation"); // empty: the schema accepts any value

    QTest::newRow("the first required property is left out")
        << json("{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer'}},'required':['b'"
                ",'a']}")
        << json("{'a':'sample'}");
    QTest::newRow("required through a root $ref")
        << json(
               "{'$ref':'#/$defs/root','$defs':{'root':{'type':'object','properties':{'x':{'type':'string'}},"
               "'required':['x']}}}")
        << json("{}");
    QTest::newRow("an object without required gets a string")
        << json("{'type':'object','properties':{'a':{'type':'string'}}}")
        << json("'not what the schema asks for'");
    QTest::newRow("a string gets a number") << json("{'type':'string'}") << json("42");
    QTest::newRow("a string outside the enum")
        << json("{'type':'string','enum':['x','y']}") << json("'not what the schema asks for'");
    QTest::newRow("a value other than the const")
        << json("{'const':42}") << json("'not what the schema asks for'");
    QTest::newRow("every type but null")
        << json("{'type':['string','integer','array','object','boolean']}") << json("null");
    QTest::newRow("a type no anyOf branch allows")
        << json("{'anyOf':[{'type':'object','required':['a']},{'type':['string','array']}]}") << json("42");
    QTest::newRow("anyOf branches that require different properties share only the type")
        << json("{'type':'object','anyOf':[{'required':['a']},{'required':['b']}],'properties':"
                "{'a':{'type':'string'},'b':{'type':'integer'}}}")
        << json("'not what the schema asks for'");
    QTest::newRow("an anyOf branch that accepts anything")
        << json("{'anyOf':[{'type':'object'},{}]}") << QByteArray();
    QTest::newRow("no keywords") << json("{}") << QByteArray();
}

void SchemaInstanceGeneratorTest::violationBreaksWhatEveryInstanceMustHold()
{
    QFETCH(QByteArray, schema);
    QFETCH(QByteArray, violation);

    const auto broken = Lathe::Mock::schemaViolation(parsed(schema));
    QCOMPARE(broken.has_value(), !violation.isEmpty());
    if (!broken)
        return;
    QCOMPARE(compact(*broken), violation);
    QVERIFY2(!validationError(parsed(schema), *broken).isEmpty(), "the violation is valid");
}

void SchemaInstanceGeneratorTest::brokenJsonIsCutAfterTheLastCommaAndDoesNotParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("broken");

    QTest::newRow("nested") << QString::fromLatin1(json("{'a':1,'b':[1,2],'c':'x'}"))
                            << QString::fromLatin1(json("{'a':1,'b':[1,2],"));
    QTest::newRow("no comma: the last character becomes one")
        << QString::fromLatin1(json("{'a':1}")) << QString::fromLatin1(json("{'a':1,"));
    QTest::newRow("commas in strings do not count")
        << QString::fromLatin1(json("{'a':'x,y'}")) << QString::fromLatin1(json("{'a':'x,y',"));
    QTest::newRow("nor after an escaped quote") << QStringLiteral("{\"a\":\"say \\\"hi,\\\" now\"}")
                                                << QStringLiteral("{\"a\":\"say \\\"hi,\\\" now\",");
    QTest::newRow("a number") << QStringLiteral("42") << QStringLiteral("4,");
    QTest::newRow("an empty array") << QStringLiteral("[]") << QStringLiteral("[,");
    QTest::newRow("non-ASCII text") << QStringLiteral("[\"caf\u00E9\",\"\U0001F600\"]")
                                    << QStringLiteral("[\"caf\u00E9\",");
}

void SchemaInstanceGeneratorTest::brokenJsonIsCutAfterTheLastCommaAndDoesNotParse()
{
    QFETCH(QString, text);
    QFETCH(QString, broken);

    QVERIFY(nlohmann::json::accept(text.toStdString()));
    QCOMPARE(Lathe::Mock::brokenJsonText(text), broken);
    QVERIFY(!nlohmann::json::accept(broken.toStdString()));
}

QTEST_GUILESS_MAIN(SchemaInstanceGeneratorTest)
#include "tst_schemainstancegenerator.moc"
