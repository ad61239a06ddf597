// SPDX-License-Identifier: GPL-3.0-or-later
// Declared variables at render time: defaults, types, typed text, and placeholder messages.
#include <QTest>

#include "library/PromptRendering.h"

using Lathe::Library::PromptContent;
using Lathe::Library::PromptMessage;
using Lathe::Library::VariableDeclaration;
using Lathe::Library::VariableType;

Q_DECLARE_METATYPE(VariableType)

namespace
{

PromptContent declaring(const QString &name, VariableDeclaration declaration,
                        const QString &text = u"{{value}}"_qs)
{
    PromptContent content;
    content.messages.push_back({u"user"_qs, text});
    content.variables[name] = std::move(declaration);
    return content;
}

nlohmann::json json(const char *text)
{
    return nlohmann::json::parse(text);
}

} // namespace

class TestPromptRendering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typedTextBecomesTheTypesValue_data();
    void typedTextBecomesTheTypesValue();
    void declaredTypesAreChecked_data();
    void declaredTypesAreChecked();
    void defaultsFillMissingValuesOnly();
    void placeholdersExpandIntoTheConversation();
    void badPlaceholdersNameTheMessageOrVariable_data();
    void badPlaceholdersNameTheMessageOrVariable();
    void callParametersGoOnTheRequest_data();
    void callParametersGoOnTheRequest();
};

void TestPromptRendering::typedTextBecomesTheTypesValue_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<VariableType>("type");
    QTest::addColumn<QString>("expected"); // JSON
    QTest::newRow("any text") << u"hello"_qs << VariableType::Any << uR"("hello")"_qs;
    QTest::newRow("any json") << uR"( {"a": 1})"_qs << VariableType::Any << uR"({"a":1})"_qs;
    QTest::newRow("any broken json stays text") << u"[1,"_qs << VariableType::Any << uR"("[1,")"_qs;
    QTest::newRow("any number stays text") << u"42"_qs << VariableType::Any << uR"("42")"_qs;
    QTest::newRow("string keeps json as text") << u"[1]"_qs << VariableType::String << uR"("[1]")"_qs;
    QTest::newRow("number") << u" 2.5 "_qs << VariableType::Number << u"2.5"_qs;
    QTest::newRow("integer") << u"-7"_qs << VariableType::Integer << u"-7"_qs;
    QTest::newRow("number not a number") << u"two"_qs << VariableType::Number << uR"("two")"_qs;
    QTest::newRow("boolean") << u"TRUE"_qs << VariableType::Boolean << u"true"_qs;
    QTest::newRow("boolean false") << u"false"_qs << VariableType::Boolean << u"false"_qs;
    QTest::newRow("boolean other") << u"yes"_qs << VariableType::Boolean << uR"("yes")"_qs;
    QTest::newRow("object") << uR"({"k": [true]})"_qs << VariableType::Object << uR"({"k":[true]})"_qs;
    QTest::newRow("array") << u"[1, 2]"_qs << VariableType::Array << u"[1,2]"_qs;
    QTest::newRow("thread") << uR"([{"role":"user","content":"hi"}])"_qs << VariableType::Thread
                            << uR"([{"content":"hi","role":"user"}])"_qs;
}

void TestPromptRendering::typedTextBecomesTheTypesValue()
{
    QFETCH(QString, typed);
    QFETCH(VariableType, type);
    QFETCH(QString, expected);
    const nlohmann::json value = Lathe::Library::valueFromTypedText(typed, type);
    QCOMPARE(QString::fromStdString(value.dump()), expected);
}

void TestPromptRendering::declaredTypesAreChecked_data()
{
    QTest::addColumn<VariableType>("type");
    QTest::addColumn<QString>("value");   // JSON
    QTest::addColumn<QString>("problem"); // empty: renders
    QTest::newRow("string ok") << VariableType::String << uR"("x")"_qs << QString();
    QTest::newRow("string got number")
        << VariableType::String << u"3"_qs << u"expected text, got the number 3"_qs;
    QTest::newRow("number ok") << VariableType::Number << u"3.5"_qs << QString();
    QTest::newRow("number got text") << VariableType::Number << uR"("three")"_qs
                                     << u"expected a number, got the text \"three\""_qs;
    QTest::newRow("integer ok") << VariableType::Integer << u"3"_qs << QString();
    QTest::newRow("integer as float ok") << VariableType::Integer << u"3.0"_qs << QString();
    QTest::newRow("integer got fraction")
        << VariableType::Integer << u"3.5"_qs << u"expected a whole number, got the number 3.5"_qs;
    QTest::newRow("boolean got text")
        << VariableType::Boolean << uR"("yes")"_qs << u"expected true or false, got the text \"yes\""_qs;
    QTest::newRow("object got array")
        << VariableType::Object << u"[]"_qs << u"expected a JSON object, got an array"_qs;
    QTest::newRow("array got object")
        << VariableType::Array << u"{}"_qs << u"expected a JSON array, got an object"_qs;
    QTest::newRow("any takes all") << VariableType::Any << u"null"_qs << QString();
    QTest::newRow("thread not array")
        << VariableType::Thread << uR"("hi")"_qs << u"a conversation is a JSON array"_qs;
    QTest::newRow("thread turn without content")
        << VariableType::Thread << uR"([{"role":"user"}])"_qs << u"turn 1 must be an object"_qs;
    QTest::newRow("thread unknown role")
        << VariableType::Thread << uR"([{"role":"user","content":"a"},{"role":"bot","content":"b"}])"_qs
        << u"turn 2 has the role \"bot\""_qs;
}

void TestPromptRendering::declaredTypesAreChecked()
{
    QFETCH(VariableType, type);
    QFETCH(QString, value);
    QFETCH(QString, problem);
    const PromptContent content = declaring(u"value"_qs, {type, std::nullopt, QString()});
    nlohmann::json values = nlohmann::json::object();
    values["value"] = nlohmann::json::parse(value.toStdString());
    const auto resolved = Lathe::Library::resolveValues(content, values);
    if (problem.isEmpty()) {
        QVERIFY2(resolved, resolved ? "" : qPrintable(resolved.error().message));
        QVERIFY(*resolved == values);
        return;
    }
    QVERIFY(!resolved);
    QCOMPARE(resolved.error().where, u"variables.value"_qs);
    QVERIFY2(resolved.error().message.contains(problem), qPrintable(resolved.error().message));
    // Rendering refuses the same way, before any template runs.
    const auto rendered = Lathe::Library::renderPrompt(content, values);
    QVERIFY(!rendered);
    QCOMPARE(rendered.error().where, u"variables.value"_qs);
}

void TestPromptRendering::defaultsFillMissingValuesOnly()
{
    PromptContent content = declaring(u"count"_qs, {VariableType::Integer, json("3"), u"how many"_qs},
                                      u"{{count}} items for {{who}}"_qs);
    content.variables[u"who"_qs] = {VariableType::String, json(R"("you")"), QString()};
    auto rendered = Lathe::Library::renderPrompt(content, nlohmann::json::object());
    QVERIFY(rendered);
    QCOMPARE(rendered->messages.front().text, u"3 items for you"_qs);
    rendered = Lathe::Library::renderPrompt(content, json(R"({"count": 5, "who": "Ada"})"));
    QVERIFY(rendered);
    QCOMPARE(rendered->messages.front().text, u"5 items for Ada"_qs);
    // A default of the wrong type is an error naming it, when it is used.
    content.variables[u"count"_qs].defaultValue = json(R"("many")");
    rendered = Lathe::Library::renderPrompt(content, nlohmann::json::object());
    QVERIFY(!rendered);
    QCOMPARE(rendered.error().where, u"variables.count.default"_qs);
    QVERIFY(Lathe::Library::renderPrompt(content, json(R"({"count": 2})")));
    content.variables[u"who"_qs].defaultValue.reset();
    content.variables[u"count"_qs].defaultValue = json("3");
    rendered = Lathe::Library::renderPrompt(content, nlohmann::json::object());
    QVERIFY(!rendered);
    QVERIFY(rendered.error().message.contains(u"who"));
}

void TestPromptRendering::placeholdersExpandIntoTheConversation()
{
    PromptContent content;
    content.messages = {{u"system"_qs, u"Help {{name}}."_qs},
                        {u"placeholder"_qs, u"{{ history }}"_qs},
                        {u"user"_qs, u"{{question}}"_qs}};
    content.variables[u"history"_qs] = {VariableType::Thread, json("[]"), QString()};
    const nlohmann::json values = json(R"({"name": "Ada", "question": "And now?",
        "history": [{"role": "user", "content": "Hi {{name}}"}, {"role": "assistant", "content": "Hello"}]})");
    const auto rendered = Lathe::Library::renderPrompt(content, values);
    QVERIFY2(rendered, rendered ? "" : qPrintable(rendered.error().message));
    // The conversation is data, not a template: its braces stay as they were said.
    QCOMPARE(rendered->messages, (std::vector<PromptMessage>{{u"system"_qs, u"Help Ada."_qs},
                                                             {u"user"_qs, u"Hi {{name}}"_qs},
                                                             {u"assistant"_qs, u"Hello"_qs},
                                                             {u"user"_qs, u"And now?"_qs}}));
    // The default, an empty conversation, leaves the placeholder out.
    const auto empty = Lathe::Library::renderPrompt(content, json(R"({"name": "Ada", "question": "Q"})"));
    QVERIFY(empty);
    QCOMPARE(empty->messages.size(), std::size_t(2));
}

void TestPromptRendering::badPlaceholdersNameTheMessageOrVariable_data()
{
    QTest::addColumn<QString>("placeholder");
    QTest::addColumn<QString>("values");
    QTest::addColumn<QString>("where");
    QTest::newRow("two tags") << u"{{a}} {{b}}"_qs << u"{}"_qs << u"message 2 (placeholder)"_qs;
    QTest::newRow("plain text") << u"history"_qs << u"{}"_qs << u"message 2 (placeholder)"_qs;
    QTest::newRow("a dotted name") << u"{{chat.history}}"_qs << uR"({"chat": {"history": []}})"_qs
                                   << u"message 2 (placeholder)"_qs;
    QTest::newRow("no value") << u"{{history}}"_qs << u"{}"_qs << u"message 2 (placeholder)"_qs;
    QTest::newRow("not a conversation (undeclared)")
        << u"{{history}}"_qs << uR"({"history": "hi"})"_qs << u"variables.history"_qs;
}

void TestPromptRendering::badPlaceholdersNameTheMessageOrVariable()
{
    QFETCH(QString, placeholder);
    QFETCH(QString, values);
    QFETCH(QString, where);
    PromptContent content;
    content.messages = {{u"system"_qs, u"s"_qs}, {u"placeholder"_qs, placeholder}};
    const auto rendered = Lathe::Library::renderPrompt(content, nlohmann::json::parse(values.toStdString()));
    QVERIFY(!rendered);
    QCOMPARE(rendered.error().where, where);
}

void TestPromptRendering::callParametersGoOnTheRequest_data()
{
    QTest::addColumn<QString>("parameters");
    QTest::addColumn<double>("temperature");  // -1: not set
    QTest::addColumn<int>("maxOutputTokens"); // -1: not set
    QTest::addColumn<QStringList>("unsent");
    QTest::addColumn<QString>("problem"); // the error's place; empty: none
    QTest::newRow("none") << u"{}"_qs << -1.0 << -1 << QStringList() << QString();
    QTest::newRow("temperature and max_tokens")
        << uR"({"temperature": 0.2, "max_tokens": 300, "model": "gpt-4o"})"_qs << 0.2 << 300 << QStringList()
        << QString();
    QTest::newRow("max_output_tokens")
        << uR"({"max_output_tokens": 50})"_qs << -1.0 << 50 << QStringList() << QString();
    QTest::newRow("what a request cannot carry")
        << uR"({"top_p": 0.9, "stop": ["END"], "temperature": 1})"_qs << 1.0 << -1
        << QStringList{u"stop"_qs, u"top_p"_qs} << QString();
    QTest::newRow("temperature as text")
        << uR"({"temperature": "hot"})"_qs << -1.0 << -1 << QStringList() << u"parameters.temperature"_qs;
    QTest::newRow("max_tokens a fraction")
        << uR"({"max_tokens": 2.5})"_qs << -1.0 << -1 << QStringList() << u"parameters.max_tokens"_qs;
    QTest::newRow("max_tokens zero") << uR"({"max_tokens": 0})"_qs << -1.0 << -1 << QStringList()
                                     << u"parameters.max_tokens"_qs;
    QTest::newRow("max_tokens too large")
        << uR"({"max_tokens": 99999999999})"_qs << -1.0 << -1 << QStringList() << u"parameters.max_tokens"_qs;
}

void TestPromptRendering::callParametersGoOnTheRequest()
{
    QFETCH(QString, parameters);
    QFETCH(double, temperature);
    QFETCH(int, maxOutputTokens);
    QFETCH(QStringList, unsent);
    QFETCH(QString, problem);
    Lathe::Providers::ChatRequest request;
    const auto applied =
        Lathe::Library::applyCallParameters(nlohmann::json::parse(parameters.toStdString()), request);
    if (!problem.isEmpty()) {
        QVERIFY(!applied);
        QCOMPARE(applied.error().where, problem);
        return;
    }
    QVERIFY2(applied, applied ? "" : qPrintable(applied.error().toString()));
    QCOMPARE(*applied, unsent);
    QCOMPARE(request.temperature.value_or(-1.0), temperature);
    QCOMPARE(request.maxOutputTokens.value_or(-1), maxOutputTokens);
    QVERIFY(request.model.isEmpty()); // the window's model field decides
}

QTEST_GUILESS_MAIN(TestPromptRendering)
#include "tst_promptrendering.moc"
