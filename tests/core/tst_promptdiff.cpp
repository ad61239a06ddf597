// SPDX-License-Identifier: GPL-3.0-or-later
// Diffs between prompt versions: messages matched as a sequence, parameters by key, schemas
// as indented JSON.

#include <QTest>

#include "library/PromptDiff.h"

using Lathe::Library::DiffLine;
using Lathe::Library::diffPrompts;
using Lathe::Library::MessageDiff;
using Lathe::Library::PromptContent;

namespace
{

PromptContent prompt(std::vector<std::pair<QString, QString>> messages)
{
    PromptContent content;
    for (auto &[role, text] : messages)
        content.messages.push_back({role, text});
    return content;
}

QStringList kinds(const std::vector<MessageDiff> &messages)
{
    QStringList names;
    for (const MessageDiff &message : messages) {
        static const char16_t *kNames[] = {u"same", u"changed", u"added", u"removed"};
        names << QString::fromUtf16(kNames[int(message.kind)]) + u' ' + QString::number(message.oldIndex) +
                     u'/' + QString::number(message.newIndex);
    }
    return names;
}

} // namespace

class TestPromptDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identicalVersionsHaveNoDifferences();
    void anInsertedMessageShiftsTheOthersWithoutChangingThem();
    void aReplacedMessageIsChangedLineByLine();
    void rolesAndRemovedMessages();
    void parametersByKeyAndSchemasAsJson();
};

void TestPromptDiff::identicalVersionsHaveNoDifferences()
{
    const PromptContent a = prompt({{u"system"_qs, u"Be brief."_qs}, {u"user"_qs, u"{{q}}"_qs}});
    const auto diff = diffPrompts(a, a);
    QVERIFY(diff.identical());
    QCOMPARE(kinds(diff.messages), (QStringList{u"same 0/0"_qs, u"same 1/1"_qs}));
    QCOMPARE(diff.messages[0].lines.size(), std::size_t(1));
}

void TestPromptDiff::anInsertedMessageShiftsTheOthersWithoutChangingThem()
{
    const PromptContent a = prompt({{u"system"_qs, u"S"_qs}, {u"user"_qs, u"Q"_qs}});
    const PromptContent b = prompt({{u"system"_qs, u"S"_qs},
                                    {u"user"_qs, u"example"_qs},
                                    {u"assistant"_qs, u"answer"_qs},
                                    {u"user"_qs, u"Q"_qs}});
    const auto diff = diffPrompts(a, b);
    QVERIFY(!diff.identical());
    QCOMPARE(kinds(diff.messages),
             (QStringList{u"same 0/0"_qs, u"added -1/1"_qs, u"added -1/2"_qs, u"same 1/3"_qs}));
    QCOMPARE(diff.messages[1].lines[0].kind, DiffLine::Kind::Added);
}

void TestPromptDiff::aReplacedMessageIsChangedLineByLine()
{
    const PromptContent a = prompt({{u"system"_qs, u"You triage.\nBe brief."_qs}, {u"user"_qs, u"{{t}}"_qs}});
    const PromptContent b =
        prompt({{u"system"_qs, u"You triage tickets.\nBe brief."_qs}, {u"user"_qs, u"{{t}}"_qs}});
    const auto diff = diffPrompts(a, b);
    QCOMPARE(kinds(diff.messages), (QStringList{u"changed 0/0"_qs, u"same 1/1"_qs}));
    const auto &lines = diff.messages[0].lines;
    QCOMPARE(lines.size(), std::size_t(3));
    QCOMPARE(lines[0].kind, DiffLine::Kind::Removed);
    QCOMPARE(lines[1].kind, DiffLine::Kind::Added);
    QCOMPARE(lines[1].changed, (std::vector<std::pair<int, int>>{{10, 18}})); // " tickets"
    QCOMPARE(lines[2].kind, DiffLine::Kind::Same);
}

void TestPromptDiff::rolesAndRemovedMessages()
{
    const PromptContent a = prompt({{u"system"_qs, u"A"_qs}, {u"user"_qs, u"B"_qs}, {u"user"_qs, u"C"_qs}});
    const PromptContent b = prompt({{u"assistant"_qs, u"A"_qs}});
    const auto diff = diffPrompts(a, b);
    QCOMPARE(kinds(diff.messages), (QStringList{u"changed 0/0"_qs, u"removed 1/-1"_qs, u"removed 2/-1"_qs}));
    QCOMPARE(diff.messages[0].oldRole, u"system"_qs);
    QCOMPARE(diff.messages[0].newRole, u"assistant"_qs);
}

void TestPromptDiff::parametersByKeyAndSchemasAsJson()
{
    PromptContent a = prompt({{u"user"_qs, u"x"_qs}});
    PromptContent b = a;
    a.parameters = nlohmann::json::parse(R"({"model": "gpt-4o", "temperature": 0.2, "seed": 1})");
    b.parameters = nlohmann::json::parse(R"({"model": "gpt-4o", "temperature": 0.7, "max_tokens": 500})");
    b.responseSchema = nlohmann::json::parse(R"({"type": "object"})");
    const auto diff = diffPrompts(a, b);
    QCOMPARE(diff.parameters.size(), std::size_t(3));
    QCOMPARE(diff.parameters[0].key, std::string("max_tokens"));
    QVERIFY(!diff.parameters[0].before);
    QVERIFY(*diff.parameters[0].after == nlohmann::json(500));
    QCOMPARE(diff.parameters[1].key, std::string("seed"));
    QVERIFY(!diff.parameters[1].after);
    QCOMPARE(diff.parameters[2].key, std::string("temperature"));
    QCOMPARE(diff.schema.size(), std::size_t(3)); // {, "type": "object", }
    QCOMPARE(diff.schema[1].kind, DiffLine::Kind::Added);
}

QTEST_GUILESS_MAIN(TestPromptDiff)
#include "tst_promptdiff.moc"
