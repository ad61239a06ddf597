// SPDX-License-Identifier: GPL-3.0-or-later
// Input tokens of whole chat requests: per-message framing, tools and response formats.
#include <QtTest>

#include "tokens/ChatTokenCount.h"

using namespace Lathe;
using namespace Lathe::Tokens;

class TestChatTokenCount : public QObject
{
    Q_OBJECT

    std::optional<BpeEncoding> m_o200k;

    qint64 tokens(const QString &text) const { return qint64(m_o200k->encode(text).size()); }

private slots:
    void initTestCase()
    {
        auto loaded = BpeEncoding::load(Encoding::O200kBase);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
        m_o200k = std::move(*loaded);
    }

    void oneMessageCountsAsTheCookbookDoes()
    {
        // OpenAI's cookbook formula for [{"role":"user","content":"hi"}]: 3 framing + "user" +
        // "hi" + 3 reply priming = 8. (Not checked against the live API: no network here.)
        const ChatTokenCount count =
            countChatTokens(*m_o200k, {{QStringLiteral("user"), QStringLiteral("hi")}});
        QCOMPARE(count.total(), 8);
        QVERIFY(!count.approximate);
        QCOMPARE(chatFramingTokens(*m_o200k, {QStringLiteral("user")}), 7);
    }

    void everyMessageAddsItsFraming()
    {
        const QList<Providers::ChatMessage> messages{
            {QStringLiteral("system"), QStringLiteral("You are terse.")},
            {QStringLiteral("user"), QStringLiteral("Name three primes.")},
            {QStringLiteral("assistant"), QStringLiteral("2, 3, 5.")},
            {QStringLiteral("user"), QStringLiteral("<|endoftext|> is typed text")},
        };
        qint64 expected = 3;
        for (const auto &message : messages)
            expected += 3 + tokens(message.role) + tokens(message.content);
        const ChatTokenCount count = countChatTokens(*m_o200k, messages);
        QCOMPARE(count.total(), expected);
        QCOMPARE(count.messages + count.replyPriming,
                 chatFramingTokens(*m_o200k, {QStringLiteral("system"), QStringLiteral("user"),
                                              QStringLiteral("assistant"), QStringLiteral("user")}) +
                     tokens(messages[0].content) + tokens(messages[1].content) + tokens(messages[2].content) +
                     tokens(messages[3].content));
    }

    void toolsAreRenderedAsTheModelSeesThem()
    {
        const QList<Providers::ToolDefinition> tools{
            {QStringLiteral("get_weather"), QStringLiteral("Current weather for a city"),
             "{\"type\":\"object\",\"properties\":{"
             "\"city\":{\"type\":\"string\",\"description\":\"City name\"},"
             "\"unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]},"
             "\"days\":{\"type\":\"integer\"},"
             "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
             "\"where\":{\"type\":\"object\",\"properties\":{\"lat\":{\"type\":\"number\",\"description\":"
             "\"deg\"}}}"
             "},\"required\":[\"city\"]}"},
            {QStringLiteral("now"), QString(), "{\"type\":\"object\",\"properties\":{}}"},
            {QStringLiteral("broken"), QString(), "{not json"},
        };
        // Descriptions of nested properties are not shown to the model ("deg" here).
        const QString rendered = renderToolsForCounting(tools);
        QCOMPARE(rendered, QStringLiteral("namespace functions {\n"
                                          "\n"
                                          "// Current weather for a city\n"
                                          "type get_weather = (_: {\n"
                                          "// City name\n"
                                          "city: string,\n"
                                          "unit?: \"c\" | \"f\",\n"
                                          "days?: number,\n"
                                          "tags?: string[],\n"
                                          "where?: {\n"
                                          "  lat?: number,\n"
                                          "},\n"
                                          "}) => any;\n"
                                          "\n"
                                          "type now = () => any;\n"
                                          "\n"
                                          "type broken = () => any;\n"
                                          "\n"
                                          "} // namespace functions"));

        const QList<Providers::ChatMessage> plain{
            {QStringLiteral("user"), QStringLiteral("Weather in Oslo?")}};
        const ChatTokenCount withTools = countChatTokens(*m_o200k, plain, tools);
        QVERIFY(withTools.approximate);
        QCOMPARE(withTools.tools, tokens(rendered) + 9);
        QCOMPARE(withTools.total(), countChatTokens(*m_o200k, plain).total() + withTools.tools);

        QList<Providers::ChatMessage> withSystem = plain;
        withSystem.prepend({QStringLiteral("system"), QStringLiteral("Be brief.")});
        QCOMPARE(countChatTokens(*m_o200k, withSystem, tools).tools, tokens(rendered) + 9 - 4);
    }

    void responseSchemaCountsAsCompactJson()
    {
        const QByteArray schema =
            "{ \"type\" : \"object\",\n  \"properties\": {\"answer\": {\"type\": \"string\"}} }";
        const ChatTokenCount count =
            countChatTokens(*m_o200k, {{QStringLiteral("user"), QStringLiteral("hi")}}, {}, schema);
        QVERIFY(count.approximate);
        QCOMPARE(count.responseFormat,
                 tokens(QStringLiteral(
                     "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}}}")));
        QCOMPARE(count.total(), 8 + count.responseFormat);
    }
};

QTEST_GUILESS_MAIN(TestChatTokenCount)
#include "tst_chattokencount.moc"
