// SPDX-License-Identifier: GPL-3.0-or-later
// .prompty files: Prompty v1 and v2 front matter read into a prompt version, notes for what is
// not kept, errors naming field and place, hostile YAML, and write-then-read round trips.

#include <QElapsedTimer>
#include <QTest>

#include "library/PromptLibrary.h"
#include "library/PromptyFile.h"

using Lathe::Library::PromptContent;
using Lathe::Library::PromptyDocument;
using Lathe::Library::PromptyNote;
using Lathe::Library::readPrompty;
using Lathe::Library::VariableDeclaration;
using Lathe::Library::VariableType;
using Lathe::Library::writePrompty;
using nlohmann::json;

Q_DECLARE_METATYPE(PromptyDocument)

namespace
{

QString notesText(const std::vector<PromptyNote> &notes)
{
    QString text;
    for (const PromptyNote &note : notes)
        text += note.where + u": " + note.what + u'\n';
    return text;
}

const PromptyNote *noteAt(const std::vector<PromptyNote> &notes, const QString &where)
{
    for (const PromptyNote &note : notes)
        if (note.where == where)
            return &note;
    return nullptr;
}

PromptyDocument readOrFail(const QString &text)
{
    auto read = readPrompty(text, u"x.prompty"_qs);
    if (!read)
        qFatal("unexpected error: %s", qPrintable(read.error().where + u": " + read.error().message));
    return *read;
}

} // namespace

class TestPrompty : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsAPromptyV1File();
    void readsAPromptyV2File();
    void inputsMayBeGivenByTypeAlone();
    void aTextWithoutFrontMatterIsJustABody();
    void windowsLineEndingsReadTheSame();
    void readerErrorsNameTheFieldAndPlace_data();
    void readerErrorsNameTheFieldAndPlace();
    void jinjaTemplatesAreReadAsMustacheWithNotes_data();
    void jinjaTemplatesAreReadAsMustacheWithNotes();
    void hostileYamlEndsInAnErrorNotACrashOrAHang_data();
    void hostileYamlEndsInAnErrorNotACrashOrAHang();
    void invalidUtf8IsReadAsReplacementCharacters();
    void halfTypedParametersAreReadNotThrown_data();
    void halfTypedParametersAreReadNotThrown();
    void credentialsInParametersAreNeverKept();
    void writesTheStableV1Shape();
    void writeThenReadGivesTheDocumentBack_data();
    void writeThenReadGivesTheDocumentBack();
    void textThatYamlReadersTakeForSomethingElseIsQuoted();
    void writeNotesWhatTheFileCannotSay();
    void scenarioValuesAndSamplesConvert();
};

void TestPrompty::readsAPromptyV1File()
{
    // In the style of Prompty's v1 docs (basic.prompty), with a deployment and a key inline.
    const QString text = uR"(---
name: ExamplePrompt
description: A prompt that uses context to ground an incoming question
authors:
  - Seth Juarez
version: 1.0
tags: [support, "2024"]
model:
  api: chat
  configuration:
    type: azure_openai
    azure_endpoint: https://contoso.openai.azure.com
    azure_deployment: gpt-35-turbo
    api_key: sk-live-very-secret
  parameters:
    max_tokens: 3000
    temperature: 0.2
    response_format:
      type: json_object
  response: first
sample:
  firstName: Seth
  question: What kind of clothing do you suggest?
inputs:
  firstName:
    type: string
    description: The customer's first name
    default: friend
  context:
    type: array
    sample: [{name: tent}]
  question:
    type: string
---
system:
You are an AI assistant who helps people find information.
# Customer
You are helping {{firstName}} to find answers to their questions.
{% for item in context %}
- {{item.name}}
{% endfor %}

user:
{{question}}
)"_qs;
    const PromptyDocument document = readOrFail(text);
    QCOMPARE(document.name, u"ExamplePrompt"_qs);
    QCOMPARE(document.description, u"A prompt that uses context to ground an incoming question"_qs);
    QCOMPARE(document.tags, QStringList({u"support"_qs, u"2024"_qs}));
    QVERIFY(document.content.parameters == json({{"model", "gpt-35-turbo"},
                                                 {"max_tokens", 3000},
                                                 {"temperature", 0.2},
                                                 {"response_format", {{"type", "json_object"}}}}));
    QVERIFY(document.content.responseSchema.is_null());
    QVERIFY(document.sample == json({{"firstName", "Seth"},
                                     {"question", "What kind of clothing do you suggest?"},
                                     {"context", json::array({{{"name", "tent"}}})}}));
    QCOMPARE(document.content.variables.size(), std::size_t(3));
    const VariableDeclaration &firstName = document.content.variables.at(u"firstName"_qs);
    QCOMPARE(firstName.type, VariableType::String);
    QCOMPARE(firstName.description, u"The customer's first name"_qs);
    QVERIFY(firstName.defaultValue == json("friend"));
    QCOMPARE(document.content.variables.at(u"context"_qs).type, VariableType::Array);
    QCOMPARE(document.content.messages.size(), std::size_t(2));
    QCOMPARE(document.content.messages[0].role, u"system"_qs);
    QVERIFY(document.content.messages[0].text.startsWith(u"You are an AI assistant"));
    QCOMPARE(document.content.messages[1].text, u"{{question}}"_qs);

    const QString notes = notesText(document.notes);
    for (const QString &where :
         {u"x.prompty:4: authors"_qs, u"x.prompty:6: version"_qs,
          u"x.prompty:11: model.configuration.type"_qs,
          u"x.prompty:12: model.configuration.azure_endpoint"_qs,
          u"x.prompty:14: model.configuration.api_key"_qs, u"x.prompty:20: model.response"_qs,
          u"x.prompty:39: template"_qs, u"x.prompty:41: template"_qs})
        QVERIFY2(noteAt(document.notes, where), qPrintable(where + u" not in\n" + notes));
    QVERIFY2(
        noteAt(document.notes, u"x.prompty:14: model.configuration.api_key"_qs)->what.contains(u"keychain"),
        qPrintable(notes));
    // Secrets and endpoints are never echoed.
    QVERIFY(!notes.contains(u"sk-live"));
    QVERIFY(!notes.contains(u"contoso"));
}

void TestPrompty::readsAPromptyV2File()
{
    const QString text = uR"(---
name: basic-chat
displayName: Basic Chat
description: A basic prompt that uses the chat API
metadata:
  authors: [sethjuarez]
  tags: [example, chat]
model:
  id: gpt-4o
  provider: openai
  apiType: chat
  connection:
    kind: key
    endpoint: https://api.example.com/v1
    apiKey: ${env:OPENAI_API_KEY}
  options:
    temperature: 0.7
    maxOutputTokens: 500
    topP: 0.9
    stopSequences: ["\n\n"]
    allowMultipleToolCalls: true
    additionalProperties:
      logprobs: true
inputs:
  - name: firstName
    kind: string
    default: Jane
    example: Ada
  - name: count
    kind: float
  - name: conversation
    kind: thread
    description: the chat so far
template:
  format:
    kind: mustache
  parser:
    kind: prompty
---
system:
You are a helpful assistant for {{firstName}}.

{{conversation}}

user:
{{question}}
)"_qs;
    const PromptyDocument document = readOrFail(text);
    QCOMPARE(document.name, u"basic-chat"_qs);
    QCOMPARE(document.tags, QStringList({u"example"_qs, u"chat"_qs}));
    QVERIFY(document.content.parameters == json({{"model", "gpt-4o"},
                                                 {"temperature", 0.7},
                                                 {"max_tokens", 500},
                                                 {"top_p", 0.9},
                                                 {"stop", {"\n\n"}},
                                                 {"logprobs", true}}));
    QVERIFY(document.sample == json({{"firstName", "Ada"}}));
    QCOMPARE(document.content.variables.at(u"count"_qs).type, VariableType::Number);
    QCOMPARE(document.content.variables.at(u"conversation"_qs).type, VariableType::Thread);
    QCOMPARE(document.content.variables.at(u"conversation"_qs).description, u"the chat so far"_qs);
    QVERIFY(document.content.variables.at(u"firstName"_qs).defaultValue == json("Jane"));
    // The thread line splits the system message: the history goes between it and the user's.
    const std::vector<Lathe::Library::PromptMessage> expected = {
        {u"system"_qs, u"You are a helpful assistant for {{firstName}}."_qs},
        {u"placeholder"_qs, u"{{conversation}}"_qs},
        {u"user"_qs, u"{{question}}"_qs}};
    QVERIFY(document.content.messages == expected);
    const QString notes = notesText(document.notes);
    for (const QString &where : {u"x.prompty:3: displayName"_qs, u"x.prompty:6: metadata.authors"_qs,
                                 u"x.prompty:10: model.provider"_qs, u"x.prompty:12: model.connection"_qs,
                                 u"x.prompty:21: model.options.allowMultipleToolCalls"_qs})
        QVERIFY2(noteAt(document.notes, where), qPrintable(where + u" not in\n" + notes));
    QVERIFY(!notes.contains(u"OPENAI_API_KEY"));
    QVERIFY(!notes.contains(u"api.example.com"));
    QCOMPARE(document.notes.size(), std::size_t(5)); // mustache, chat, openai: nothing to say
}

void TestPrompty::inputsMayBeGivenByTypeAlone()
{
    // Prompty's short form: "name: type".
    const PromptyDocument document =
        readOrFail(u"---\ninputs:\n  question: string\n  count: integer\n  anything:\n---\nuser:\nhi\n"_qs);
    QCOMPARE(document.content.variables.at(u"question"_qs).type, VariableType::String);
    QCOMPARE(document.content.variables.at(u"count"_qs).type, VariableType::Integer);
    QCOMPARE(document.content.variables.at(u"anything"_qs).type, VariableType::Any);
}

void TestPrompty::aTextWithoutFrontMatterIsJustABody()
{
    const QString body = u"system:\nBe brief.\n\nuser:\n{{ticket}}\n"_qs;
    const PromptyDocument document = readOrFail(body);
    QCOMPARE(document.content.canonical(), PromptContent::fromRoleMarkedText(body, QString())->canonical());
    QVERIFY(document.name.isEmpty());
    QVERIFY(document.sample.is_null());
    QVERIFY(document.notes.empty());
}

void TestPrompty::windowsLineEndingsReadTheSame()
{
    const QString text = u"---\nname: crlf\ninputs:\n  history: {type: thread}\ntemplate: mustache\n---\n"
                         u"system:\nhi\n\n{{history}}\n\nuser:\nyo\n"_qs;
    PromptyDocument unix = readOrFail(text);
    PromptyDocument windows = readOrFail(QString(text).replace(u"\n"_qs, u"\r\n"_qs));
    QCOMPARE(windows.content.canonical(), unix.content.canonical());
    QCOMPARE(windows.name, u"crlf"_qs);
    QVERIFY2(windows.notes.empty(), qPrintable(notesText(windows.notes)));
    QCOMPARE(windows.content.messages.size(), std::size_t(3));
}

void TestPrompty::halfTypedParametersAreReadNotThrown_data()
{
    QTest::addColumn<QString>("parameters");
    QTest::addColumn<bool>("schemaKept");
    QTest::newRow("type without a value") << u"response_format:\n      type:"_qs << false;
    QTest::newRow("type a number") << u"response_format: {type: 5}"_qs << false;
    QTest::newRow("type a list") << u"response_format: {type: [json_schema]}"_qs << false;
    QTest::newRow("strict as text")
        << u"response_format: {type: json_schema, json_schema: {schema: {}, strict: yes}}"_qs << true;
    QTest::newRow("strict null")
        << u"response_format: {type: json_schema, json_schema: {schema: {}, strict: }}"_qs << true;
}

void TestPrompty::halfTypedParametersAreReadNotThrown()
{
    QFETCH(QString, parameters);
    QFETCH(bool, schemaKept);
    const QString text = u"---\nmodel:\n  parameters:\n    "_qs + parameters + u"\n---\nuser:\nhi\n"_qs;
    const auto document = Lathe::Library::readPrompty(text, u"x.prompty"_qs);
    QVERIFY2(document, document ? "" : qPrintable(document.error().toString()));
    QCOMPARE(!document->content.responseSchema.is_null(), schemaKept);
    if (!schemaKept)
        QVERIFY(document->content.parameters.contains("response_format"));
}

void TestPrompty::credentialsInParametersAreNeverKept()
{
    const QString text = u"---\nmodel:\n  parameters:\n    temperature: 0.1\n    api_key: sk-one\n"
                         u"  options:\n    additionalProperties: {Authorization: Bearer sk-two, top_a: 1}\n"
                         u"---\nuser:\nhi\n"_qs;
    const auto document = Lathe::Library::readPrompty(text, u"x.prompty"_qs);
    QVERIFY(document);
    QVERIFY(document->content.parameters == json({{"temperature", 0.1}, {"top_a", 1}}));
    QString notes;
    for (const auto &note : document->notes)
        notes += note.where + u' ' + note.what + u'\n';
    QVERIFY2(notes.contains(u"model.parameters.api_key"), qPrintable(notes));
    QVERIFY(notes.contains(u"model.options.additionalProperties.Authorization"));
    QVERIFY(!notes.contains(u"sk-"));
    QVERIFY(!QString::fromStdString(document->content.canonical()).contains(u"sk-"));
}

void TestPrompty::readerErrorsNameTheFieldAndPlace_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");
    const QString body = u"user:\nhi\n"_qs;
    QTest::newRow("not a mapping") << u"---\n- a\n- b\n---\n"_qs + body << u"x.prompty:2:1: front matter"_qs
                                   << u"must be a mapping"_qs;
    QTest::newRow("a scalar") << u"---\njust text\n---\n"_qs + body << u"x.prompty:2:1: front matter"_qs
                              << u"must be a mapping"_qs;
    QTest::newRow("unclosed flow") << u"---\nname: x\ntags: [a, b\n---\n"_qs + body
                                   << u"x.prompty:3:1: front matter"_qs << u"not valid YAML"_qs;
    QTest::newRow("tab indentation") << u"---\nmodel:\n\tapi: chat\n---\n"_qs + body << u"x.prompty:3:"_qs
                                     << u"not valid YAML"_qs;
    QTest::newRow("name a mapping") << u"---\nname: {a: 1}\n---\n"_qs + body << u"x.prompty:2:7: name"_qs
                                    << u"must be text"_qs;
    QTest::newRow("tags not a list") << u"---\ntags: support\n---\n"_qs + body << u"x.prompty:2:7: tags"_qs
                                     << u"must be a list of text"_qs;
    QTest::newRow("tag a mapping") << u"---\ntags:\n  - ok\n  - {a: 1}\n---\n"_qs + body
                                   << u"x.prompty:4:5: tags[1]"_qs << u"must be text"_qs;
    QTest::newRow("v2 tags not a list") << u"---\nmetadata:\n  tags: 3\n---\n"_qs + body
                                        << u"x.prompty:3:9: metadata.tags"_qs << u"must be a list"_qs;
    QTest::newRow("unknown input type")
        << u"---\ninputs:\n  count:\n    type: date\n---\n"_qs + body
        << u"x.prompty:4:11: inputs.count.type"_qs << u"unknown type \"date\""_qs;
    QTest::newRow("unknown v2 kind") << u"---\ninputs:\n  - name: a\n    kind: union\n---\n"_qs + body
                                     << u"x.prompty:4:11: inputs[0].kind"_qs << u"unknown type \"union\""_qs;
    QTest::newRow("v2 input without a name") << u"---\ninputs:\n  - kind: string\n---\n"_qs + body
                                             << u"x.prompty:3:5: inputs[0]"_qs << u"with a name"_qs;
    QTest::newRow("unknown short-form type") << u"---\ninputs:\n  a: Jane\n---\n"_qs + body
                                             << u"x.prompty:3:6: inputs.a"_qs << u"unknown type \"Jane\""_qs;
    QTest::newRow("input a list") << u"---\ninputs:\n  a: [1]\n---\n"_qs + body
                                  << u"x.prompty:3:6: inputs.a"_qs << u"must be a mapping"_qs;
    QTest::newRow("inputs text") << u"---\ninputs: none\n---\n"_qs + body << u"x.prompty:2:9: inputs"_qs
                                 << u"must be a mapping"_qs;
    QTest::newRow("parameters a list") << u"---\nmodel:\n  parameters: [1]\n---\n"_qs + body
                                       << u"x.prompty:3:15: model.parameters"_qs << u"must be a mapping"_qs;
    QTest::newRow("schema missing")
        << u"---\nmodel:\n  parameters:\n    response_format: {type: json_schema}\n---\n"_qs + body
        << u"x.prompty:4:22: model.parameters.response_format.json_schema.schema"_qs << u"is missing"_qs;
    QTest::newRow("additional properties a number")
        << u"---\nmodel:\n  options:\n    additionalProperties: 3\n---\n"_qs + body
        << u"x.prompty:4:27: model.options.additionalProperties"_qs << u"must be a mapping"_qs;
    QTest::newRow("configuration a list")
        << u"---\nmodel:\n  configuration: [a]\n---\n"_qs + body << u"x.prompty:3:18: model.configuration"_qs
        << u"must be a mapping"_qs;
    QTest::newRow("sample a list") << u"---\nsample: [1, 2]\n---\n"_qs + body << u"x.prompty:2:9: sample"_qs
                                   << u"must be a mapping"_qs;
    QTest::newRow("a key that is a list")
        << u"---\n? [a]\n: b\n---\n"_qs + body << u"x.prompty:2:3: "_qs << u"keys must be text"_qs;
    QTest::newRow("unclosed front matter")
        << u"---\nname: x\nuser:\nhi\n"_qs << u"x.prompty:1"_qs << u"no closing"_qs;
    QTest::newRow("only ---") << u"---"_qs << u"x.prompty:1"_qs << u"no closing"_qs;
    QTest::newRow("text before the first role line") << u"---\nname: x\n---\n\nHello\nuser:\nhi\n"_qs
                                                     << u"x.prompty:5"_qs << u"before the first role line"_qs;
    QTest::newRow("empty file") << QString() << u"x.prompty"_qs << u"No message"_qs;
    QTest::newRow("empty front matter, no body") << u"---\n---\n"_qs << u"x.prompty"_qs << u"No message"_qs;
}

void TestPrompty::readerErrorsNameTheFieldAndPlace()
{
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QString, message);
    const auto read = readPrompty(text, u"x.prompty"_qs);
    QVERIFY(!read);
    QVERIFY2(read.error().where.startsWith(where) && (where.endsWith(u':') || read.error().where == where),
             qPrintable(read.error().where));
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
}

void TestPrompty::jinjaTemplatesAreReadAsMustacheWithNotes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("wheres");
    QTest::addColumn<QString>("what");
    QTest::newRow("no template key, no statements")
        << u"---\nname: x\n---\nuser:\n{{#items}}{{.}}{{/items}}\n"_qs
        << QStringList{u"x.prompty: template"_qs} << u"no template format (Prompty's default is jinja2)"_qs;
    QTest::newRow("jinja2, statements")
        << u"---\ntemplate: jinja2\n---\nuser:\n{% if a %}\n{{a}}\n{# why #}\n{% endif %}\n"_qs
        << QStringList{u"x.prompty:5: template"_qs, u"x.prompty:7: template"_qs, u"x.prompty:8: template"_qs}
        << u"Jinja statement"_qs;
    QTest::newRow("v2 jinja2, no statements")
        << u"---\ntemplate:\n  format:\n    kind: jinja2\n---\nuser:\nhi\n"_qs
        << QStringList{u"x.prompty: template.format.kind"_qs} << u"\"jinja2\""_qs;
    QTest::newRow("another format") << u"---\ntemplate: handlebars\n---\nuser:\n{% x %}\n"_qs
                                    << QStringList{u"x.prompty: template"_qs} << u"\"handlebars\""_qs;
    QTest::newRow("mustache") << u"---\ntemplate: mustache\n---\nuser:\n{% x %}\n"_qs << QStringList()
                              << QString();
    QTest::newRow("v1 object form")
        << u"---\ntemplate:\n  type: mustache\n  parser: prompty\n---\nuser:\nhi\n"_qs << QStringList()
        << QString();
}

void TestPrompty::jinjaTemplatesAreReadAsMustacheWithNotes()
{
    QFETCH(QString, text);
    QFETCH(QStringList, wheres);
    QFETCH(QString, what);
    const PromptyDocument document = readOrFail(text);
    QStringList found;
    for (const PromptyNote &note : document.notes) {
        found << note.where;
        QVERIFY2(note.what.contains(what), qPrintable(note.what));
    }
    QCOMPARE(found, wheres);
}

void TestPrompty::hostileYamlEndsInAnErrorNotACrashOrAHang_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("100,000 nested [")
        << u"---\nsample: "_qs + QString(100'000, u'[') + u"\n---\nuser:\nhi\n"_qs << u"not valid YAML"_qs;
    QTest::newRow("100,000 nested {")
        << u"---\nsample: "_qs + QString(100'000, u'{') + u"\n---\nuser:\nhi\n"_qs << u"not valid YAML"_qs;
    // Billion laughs: nine levels of ten aliases each would be 10^9 values.
    QString bomb = u"---\nlol: &a0 [lol]\n"_qs;
    for (int level = 1; level <= 9; ++level) {
        bomb += QStringLiteral("lol%1: &a%1 [").arg(level);
        for (int i = 0; i < 10; ++i)
            bomb += QStringLiteral("%1*a%2").arg(i ? u", "_qs : QString()).arg(level - 1);
        bomb += u"]\n"_qs;
    }
    QTest::newRow("alias bomb in the sample")
        << bomb + u"sample: {x: *a9}\n---\nuser:\nhi\n"_qs << u"more than 1000000 values"_qs;
    QTest::newRow("alias bomb in the parameters")
        << bomb + u"model: {parameters: {x: *a9}}\n---\nuser:\nhi\n"_qs << u"more than 1000000 values"_qs;
    QTest::newRow("an alias inside itself")
        << u"---\nsample: &a {x: *a}\n---\nuser:\nhi\n"_qs << u"deeper"_qs;
}

void TestPrompty::hostileYamlEndsInAnErrorNotACrashOrAHang()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QElapsedTimer timer;
    timer.start();
    const auto read = readPrompty(text, u"x.prompty"_qs);
    QVERIFY(!read);
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QVERIFY2(read.error().where.startsWith(u"x.prompty:"), qPrintable(read.error().where));
    QVERIFY2(timer.elapsed() < 10'000, qPrintable(QString::number(timer.elapsed())));
}

void TestPrompty::invalidUtf8IsReadAsReplacementCharacters()
{
    const QString text = QString::fromUtf8("---\nname: caf\xc3\x28 \xff\n---\nuser:\nhi \xed\xa0\x80\n");
    const PromptyDocument document = readOrFail(text);
    QVERIFY(document.name.startsWith(u"caf\uFFFD"));
    QVERIFY(document.content.messages.front().text.startsWith(u"hi "));
}

void TestPrompty::writesTheStableV1Shape()
{
    PromptyDocument document;
    document.name = u"triage"_qs;
    document.description = u"Sorts tickets: bugs, questions"_qs;
    document.tags = {u"support"_qs, u"true"_qs};
    document.content.messages = {{u"system"_qs, u"You triage tickets."_qs},
                                 {u"placeholder"_qs, u"{{history}}"_qs},
                                 {u"user"_qs, u"{{ticket}}"_qs}};
    document.content.parameters = {{"model", "gpt-4o-mini"}, {"temperature", 0.2}, {"max_tokens", 300}};
    document.content.responseSchema = {{"type", "object"}};
    document.content.variables[u"ticket"_qs] = {VariableType::String, json("no ticket"),
                                                u"The ticket's text"_qs};
    document.sample = {{"ticket", "Printer on fire"}, {"count", "3"}};
    const auto written = writePrompty(document);
    QCOMPARE(written.text, uR"(---
name: triage
description: "Sorts tickets: bugs, questions"
tags:
  - support
  - "true"
model:
  api: chat
  configuration:
    type: openai
    name: gpt-4o-mini
  parameters:
    max_tokens: 300
    response_format:
      json_schema:
        name: triage
        schema:
          type: object
        strict: true
      type: json_schema
    temperature: 0.2
inputs:
  history:
    type: thread
  ticket:
    type: string
    description: The ticket's text
    default: no ticket
sample:
  count: "3"
  ticket: Printer on fire
template: mustache
---
system:
You triage tickets.

{{history}}

user:
{{ticket}}
)"_qs);
    QVERIFY2(written.notes.empty(), qPrintable(notesText(written.notes)));
}

void TestPrompty::writeThenReadGivesTheDocumentBack_data()
{
    QTest::addColumn<PromptyDocument>("document");
    const auto withMessages = [](std::vector<Lathe::Library::PromptMessage> messages) {
        PromptyDocument document;
        document.content.messages = std::move(messages);
        return document;
    };
    const Lathe::Library::PromptMessage user{u"user"_qs, u"{{question}}"_qs};
    const Lathe::Library::PromptMessage system{u"system"_qs, u"Be brief.\n\nBe kind."_qs};
    const Lathe::Library::PromptMessage history{u"placeholder"_qs, u"{{history}}"_qs};

    QTest::newRow("one user message") << withMessages({user});
    QTest::newRow("every role") << withMessages(
        {system, user, {u"assistant"_qs, u"Sure: {{#items}}- {{.}}\n{{/items}}"_qs}, user});
    PromptyDocument named = withMessages({system, user});
    named.name = u"support-triage"_qs;
    named.description = u"Line one\nline two: with a colon, and # a hash"_qs;
    named.tags = {u"a b"_qs, u"123"_qs, u"null"_qs, u"- dash"_qs, u"ünïcödé ✓"_qs, u"'quoted'"_qs};
    QTest::newRow("name, description, tags") << named;
    for (const QString &text : {u"true"_qs,      u"False"_qs,      u"~"_qs,        u"0x1F"_qs,
                                u"1e3"_qs,       u".5"_qs,         u" padded "_qs, u"\"double\""_qs,
                                u"{braces}"_qs,  u"[brackets]"_qs, u"@at"_qs,      u"%percent"_qs,
                                u"&anchor"_qs,   u"*alias"_qs,     u"!tag"_qs,     u"a: b"_qs,
                                u"tab\there"_qs, u"---"_qs,        u"#"_qs,        u"trailing\n"_qs,
                                u"\nleading"_qs, u"- item"_qs,     u"? key"_qs,    u"|"_qs,
                                u">"_qs,         u"emoji 😀"_qs,    u"a\\b"_qs,     u"0o17"_qs,
                                u"+1"_qs,        u"yes"_qs,        u"off"_qs,      u".inf"_qs,
                                u"1_000"_qs,     u"0b11"_qs,       u"1:20"_qs,     u"\u2028separator"_qs}) {
        PromptyDocument tricky = withMessages({user});
        tricky.description = text;
        tricky.sample = {{"question", text.toStdString()}};
        QTest::newRow(qPrintable(u"text " + text)) << tricky;
    }
    PromptyDocument parameters = withMessages({system, user});
    parameters.content.parameters = {{"model", "gpt-4o"},
                                     {"temperature", 0.7},
                                     {"top_p", 1.0},
                                     {"max_tokens", 4096u},
                                     {"seed", -42},
                                     {"big", 18446744073709551615u},
                                     {"tiny", 1e-300},
                                     {"stop", {"\n\n", "END"}},
                                     {"logit_bias", {{"50256", -100}}},
                                     {"response_format", {{"type", "json_object"}}},
                                     {"nothing", nullptr},
                                     {"empty", json::object()},
                                     {"none", json::array()}};
    QTest::newRow("parameters") << parameters;
    PromptyDocument numericModel = withMessages({user});
    numericModel.content.parameters = {{"model", 5}};
    QTest::newRow("a model that is not text stays a parameter") << numericModel;
    PromptyDocument schema = withMessages({system, user});
    schema.name = u"has spaces"_qs;
    schema.content.parameters = {{"model", "gpt-4o-mini"}};
    schema.content.responseSchema = {{"type", "object"},
                                     {"properties", {{"label", {{"enum", {"bug", "question", "true"}}}}}},
                                     {"required", {"label"}},
                                     {"additionalProperties", false}};
    QTest::newRow("response schema") << schema;
    PromptyDocument variables = withMessages({system, user});
    variables.content.variables = {
        {u"any"_qs, {}},
        {u"text"_qs, {VariableType::String, json("1.5"), u"looks like a number"_qs}},
        {u"number"_qs, {VariableType::Number, json(2.5), {}}},
        {u"integer"_qs, {VariableType::Integer, json(-3), {}}},
        {u"flag"_qs, {VariableType::Boolean, json(false), {}}},
        {u"object"_qs, {VariableType::Object, json({{"a", {1, "2", nullptr}}}), u"nested"_qs}},
        {u"array"_qs, {VariableType::Array, json::array(), {}}},
        {u"nullDefault"_qs, {VariableType::Any, json(nullptr), {}}},
        {u"history"_qs, {VariableType::Thread, std::nullopt, u"the chat so far"_qs}},
    };
    variables.sample = {{"text", "hello"}, {"number", 3}, {"object", {{"deep", {{"er", {true}}}}}}};
    QTest::newRow("declared variables and a sample") << variables;
    PromptyDocument threadFirst = withMessages({history, system, user});
    threadFirst.content.variables[u"history"_qs].type = VariableType::Thread;
    QTest::newRow("history first") << threadFirst;
    PromptyDocument threadMiddle = withMessages({system, history, user, history, user});
    threadMiddle.content.variables[u"history"_qs].type = VariableType::Thread;
    QTest::newRow("history between messages, twice") << threadMiddle;
    PromptyDocument threadLast = withMessages({system, user, {u"placeholder"_qs, u"{{ later }}"_qs}});
    threadLast.content.variables[u"later"_qs].type = VariableType::Thread;
    QTest::newRow("history last, spaced tag") << threadLast;
    PromptyDocument threads = withMessages({history, {u"placeholder"_qs, u"{{other}}"_qs}, user});
    threads.content.variables[u"history"_qs].type = VariableType::Thread;
    threads.content.variables[u"other"_qs].type = VariableType::Thread;
    QTest::newRow("two histories first") << threads;
    PromptyDocument onlyHistory = withMessages({history});
    onlyHistory.content.variables[u"history"_qs].type = VariableType::Thread;
    QTest::newRow("only a history") << onlyHistory;
    PromptyDocument sameRoleTwice = withMessages({user, user});
    QTest::newRow("two user messages") << sameRoleTwice;
    PromptyDocument jinjaLooking = withMessages({{u"user"_qs, u"Keep {% this %} and {# that #} as text"_qs}});
    QTest::newRow("Jinja-looking text in a Mustache file") << jinjaLooking;
}

void TestPrompty::writeThenReadGivesTheDocumentBack()
{
    QFETCH(PromptyDocument, document);
    const auto written = writePrompty(document);
    QVERIFY2(written.notes.empty(), qPrintable(notesText(written.notes) + written.text));
    const auto read = readPrompty(written.text, u"x.prompty"_qs);
    QVERIFY2(read, qPrintable(read ? QString() : read.error().toString() + u'\n' + written.text));
    // Equal canonical forms: the same version, messages, parameters, schema and declarations.
    QCOMPARE(QString::fromStdString(read->content.canonical()),
             QString::fromStdString(document.content.canonical()));
    QCOMPARE(read->name, document.name);
    QCOMPARE(read->description, document.description);
    QCOMPARE(read->tags, document.tags);
    QVERIFY2(read->sample == document.sample, qPrintable(written.text));
    QVERIFY2(read->notes.empty(), qPrintable(notesText(read->notes)));
    // Writing what was read gives the same bytes.
    QCOMPARE(writePrompty(*read).text, written.text);
}

void TestPrompty::textThatYamlReadersTakeForSomethingElseIsQuoted()
{
    // YAML 1.2 readers and PyYAML's 1.1 alike read these back as text.
    for (const char *text :
         {"true", "yes", "Off", "~", "null", "12", "1.5", "-.inf", ".NaN", "1_000", "1:20"}) {
        PromptyDocument document;
        document.content.messages = {{u"user"_qs, u"hi"_qs}};
        document.sample = {{"x", text}};
        QVERIFY2(writePrompty(document).text.contains(u"x: \""_qs + QString::fromLatin1(text) + u"\"\n"),
                 text);
    }
}

void TestPrompty::writeNotesWhatTheFileCannotSay()
{
    PromptyDocument document;
    document.content.messages = {{u"user"_qs, u"\n  indented start"_qs},
                                 {u"placeholder"_qs, u"{{a}} and {{b}}"_qs},
                                 {u"placeholder"_qs, u"{{history}}"_qs}};
    document.content.parameters = {{"response_format", {{"type", "json_object"}}}};
    document.content.responseSchema = {{"type", "object"}};
    document.content.variables[u"history"_qs].type = VariableType::String;
    document.sample = json::array({1});
    const auto written = writePrompty(document);
    const QString notes = notesText(written.notes);
    for (const QString &where : {u"messages[1]"_qs, u"variables.history"_qs, u"parameters.response_format"_qs,
                                 u"sample"_qs, u"messages[0]"_qs})
        QVERIFY2(noteAt(written.notes, where), qPrintable(where + u" not in\n" + notes));
    QCOMPARE(written.notes.size(), std::size_t(5));
    // An undeclared history is declared a thread in the file, so it reads back as one.
    PromptyDocument undeclared;
    undeclared.content.messages = {{u"user"_qs, u"hi"_qs}, {u"placeholder"_qs, u"{{history}}"_qs}};
    const auto read = readPrompty(writePrompty(undeclared).text, QString());
    QVERIFY(read);
    QVERIFY(read->content.messages == undeclared.content.messages);
    QCOMPARE(read->content.variables.at(u"history"_qs).type, VariableType::Thread);
}

void TestPrompty::scenarioValuesAndSamplesConvert()
{
    const Lathe::Library::Scenario scenario{
        u"default"_qs,
        {{u"n"_qs, u"42"_qs}, {u"list"_qs, u" [1, 2]"_qs}, {u"broken"_qs, u"{not json"_qs}},
        {}};
    const json sample = Lathe::Library::sampleOfScenario(scenario, {});
    QVERIFY(sample == json({{"n", "42"}, {"list", {1, 2}}, {"broken", "{not json"}}));
    // A declared type reads the typed value as that type.
    const json typed = Lathe::Library::sampleOfScenario(
        scenario, {{u"n"_qs, {Lathe::Library::VariableType::Integer, std::nullopt, QString()}},
                   {u"list"_qs, {Lathe::Library::VariableType::String, std::nullopt, QString()}}});
    QVERIFY(typed == json({{"n", 42}, {"list", " [1, 2]"}, {"broken", "{not json"}}));
    const auto values = Lathe::Library::scenarioValuesOfSample(sample);
    QCOMPARE(values.at(u"n"_qs), u"42"_qs);
    QCOMPARE(values.at(u"list"_qs), u"[1,2]"_qs);
    QCOMPARE(values.at(u"broken"_qs), u"{not json"_qs);
    QCOMPARE(Lathe::Library::scenarioValuesOfSample(json({{"x", 1.5}, {"y", true}})).at(u"x"_qs), u"1.5"_qs);
}

QTEST_GUILESS_MAIN(TestPrompty)
#include "tst_prompty.moc"
