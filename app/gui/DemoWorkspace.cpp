// SPDX-License-Identifier: GPL-3.0-or-later
#include "DemoWorkspace.h"

#include <QDir>
#include <QStandardPaths>

#include "library/PromptLibrary.h"
#include "store/Workspace.h"

namespace Lathe::App
{

namespace
{

struct DemoVersion
{
    const char16_t *text; // role-marked
    const char16_t *message;
    const char *model;
};

struct DemoPrompt
{
    const char16_t *name;
    std::vector<DemoVersion> versions;
    std::vector<std::pair<int, const char16_t *>> labels; // version, label
    std::vector<const char16_t *> tags;
};

const std::vector<DemoPrompt> &demoPrompts()
{
    static const std::vector<DemoPrompt> kPrompts{
        {u"support/triage",
         {{u"system:\nYou triage support tickets.\nAnswer with the category and the "
           u"priority.\n\nuser:\n{{ticket}}",
           u"First draft", "gpt-4o-mini"},
          {u"system:\nYou triage support tickets for Acme.\nAnswer with the category (billing, shipping, "
           u"technical, "
           u"account or other) and the priority (low, medium, high or urgent).\nBe "
           u"brief.\n\nuser:\n{{ticket}}",
           u"Name the categories and priorities", "gpt-4o-mini"},
          {u"system:\nYou triage support tickets for Acme.\nAnswer with the category (billing, shipping, "
           u"technical, "
           u"account or other) and the priority (low, medium, high or urgent).\nA ticket that mentions a "
           u"refund over "
           u"$500 is urgent.\nBe brief.\n\nuser:\nCustomer tier: {{tier}}\n{{ticket}}",
           u"Escalate large refunds; pass the customer's tier", "gpt-4o"}},
         {{2, u"production"}, {3, u"staging"}},
         {u"support", u"classification"}},
        {u"writing/summarize",
         {{u"system:\nSummarize the text in three sentences.\n\nuser:\n{{text}}", u"First draft",
           "gpt-4o-mini"},
          {u"system:\nSummarize the text in at most three sentences for {{audience}}.\nKeep names and "
           u"numbers "
           u"exact.\n\nuser:\n{{text}}",
           u"Audience, and keep the facts exact", "gpt-4o-mini"}},
         {{2, u"production"}},
         {u"writing"}},
        {u"extraction/invoice",
         {{u"system:\nExtract the invoice number, the date and the total from the "
           u"document.\n\nuser:\n{{document}}",
           u"First draft", "gpt-4o-mini"}},
         {},
         {u"classification", u"extraction"}},
        {u"support/chat",
         {{u"---\ninputs:\n  tone:\n    type: string\n    default: friendly\n    description: How the "
           u"assistant "
           u"sounds\n  history:\n    type: thread\n    default: []\n    description: The conversation so "
           u"far\n---\nsystem:\nYou are Acme's {{tone}} support assistant.\nAnswer in at most three "
           u"sentences.\n\n{{history}}\n\nuser:\n{{question}}",
           u"A chat with its history and a default tone", "gpt-4o-mini"}},
         {{1, u"staging"}},
         {u"support", u"chat"}},
    };
    return kPrompts;
}

} // namespace

QString demoWorkspacePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(u"demo.lathe"_qs);
}

Result<void> seedDemoWorkspace(const QString &path)
{
    auto workspace = Store::Workspace::open(path);
    if (!workspace)
        return tl::unexpected(workspace.error());
    Library::PromptLibrary library(workspace->database());
    auto existing = library.list();
    if (!existing)
        return tl::unexpected(existing.error());
    if (!existing->empty())
        return {};
    for (const DemoPrompt &prompt : demoPrompts()) {
        const QString name = QString::fromUtf16(prompt.name);
        for (const DemoVersion &version : prompt.versions) {
            auto content = Library::readPromptText(QString::fromUtf16(version.text));
            if (!content)
                return tl::unexpected(content.error());
            content->parameters["model"] = version.model;
            if (auto saved =
                    library.save(name, *content, QString::fromUtf16(version.message), u"Lathe demo"_qs);
                !saved)
                return tl::unexpected(saved.error());
        }
        for (const auto &[number, label] : prompt.labels) {
            if (auto placed = library.setLabel(name, number, QString::fromUtf16(label), u"Lathe demo"_qs);
                !placed)
                return tl::unexpected(placed.error());
        }
        QStringList tags;
        for (const char16_t *tag : prompt.tags)
            tags << QString::fromUtf16(tag);
        if (auto tagged = library.setTags(name, tags); !tagged)
            return tl::unexpected(tagged.error());
    }
    return {};
}

} // namespace Lathe::App
