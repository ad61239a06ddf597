// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptDiff.h"

#include <map>

namespace Lathe::Library
{

namespace
{

MessageDiff wholeMessage(MessageDiff::Kind kind, int index, const PromptMessage &message)
{
    MessageDiff diff;
    diff.kind = kind;
    const bool added = kind == MessageDiff::Kind::Added;
    (added ? diff.newIndex : diff.oldIndex) = index;
    (added ? diff.newRole : diff.oldRole) = message.role;
    diff.lines = added ? diffLines(QString(), message.text) : diffLines(message.text, QString());
    return diff;
}

QString schemaText(const nlohmann::json &schema)
{
    return schema.is_null() ? QString() : QString::fromStdString(schema.dump(2));
}

} // namespace

bool PromptDiff::identical() const
{
    return parameters.empty() && schema.empty() &&
           std::all_of(messages.begin(), messages.end(),
                       [](const MessageDiff &message) { return message.kind == MessageDiff::Kind::Same; });
}

PromptDiff diffPrompts(const PromptContent &before, const PromptContent &after)
{
    PromptDiff diff;
    // Messages become ids, equal messages (role and text) the same id.
    std::map<std::pair<QString, QString>, std::uint32_t> ids;
    const auto idsOf = [&](const std::vector<PromptMessage> &messages) {
        std::vector<std::uint32_t> result;
        for (const PromptMessage &message : messages)
            result.push_back(
                ids.try_emplace({message.role, message.text}, std::uint32_t(ids.size())).first->second);
        return result;
    };
    const std::vector<DiffRun> runs = diffSequences(idsOf(before.messages), idsOf(after.messages));
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const DiffRun &run = runs[r];
        if (run.kind == DiffRun::Kind::Equal) {
            for (std::size_t i = 0; i < run.length; ++i) {
                MessageDiff same;
                same.oldIndex = int(run.oldStart + i);
                same.newIndex = int(run.newStart + i);
                same.oldRole = same.newRole = before.messages[run.oldStart + i].role;
                same.lines =
                    diffLines(before.messages[run.oldStart + i].text, after.messages[run.newStart + i].text);
                diff.messages.push_back(std::move(same));
            }
        } else if (run.kind == DiffRun::Kind::Delete) {
            // Deletions followed by insertions at the same place are changes, paired in order.
            const DiffRun *inserted =
                r + 1 < runs.size() && runs[r + 1].kind == DiffRun::Kind::Insert ? &runs[r + 1] : nullptr;
            const std::size_t paired = inserted ? std::min(run.length, inserted->length) : 0;
            for (std::size_t i = 0; i < paired; ++i) {
                const PromptMessage &old = before.messages[run.oldStart + i];
                const PromptMessage &now = after.messages[inserted->newStart + i];
                MessageDiff changed;
                changed.kind = MessageDiff::Kind::Changed;
                changed.oldIndex = int(run.oldStart + i);
                changed.newIndex = int(inserted->newStart + i);
                changed.oldRole = old.role;
                changed.newRole = now.role;
                changed.lines = diffLines(old.text, now.text);
                diff.messages.push_back(std::move(changed));
            }
            for (std::size_t i = paired; i < run.length; ++i)
                diff.messages.push_back(wholeMessage(MessageDiff::Kind::Removed, int(run.oldStart + i),
                                                     before.messages[run.oldStart + i]));
            if (inserted) {
                for (std::size_t i = paired; i < inserted->length; ++i)
                    diff.messages.push_back(wholeMessage(MessageDiff::Kind::Added,
                                                         int(inserted->newStart + i),
                                                         after.messages[inserted->newStart + i]));
                ++r;
            }
        } else {
            for (std::size_t i = 0; i < run.length; ++i)
                diff.messages.push_back(wholeMessage(MessageDiff::Kind::Added, int(run.newStart + i),
                                                     after.messages[run.newStart + i]));
        }
    }

    // Parameters by key (nlohmann keeps them sorted).
    const nlohmann::json &old = before.parameters;
    const nlohmann::json &now = after.parameters;
    auto o = old.begin();
    auto n = now.begin();
    while (o != old.end() || n != now.end()) {
        if (n == now.end() || (o != old.end() && o.key() < n.key())) {
            diff.parameters.push_back({o.key(), *o, std::nullopt});
            ++o;
        } else if (o == old.end() || n.key() < o.key()) {
            diff.parameters.push_back({n.key(), std::nullopt, *n});
            ++n;
        } else {
            if (*o != *n)
                diff.parameters.push_back({o.key(), *o, *n});
            ++o;
            ++n;
        }
    }
    if (before.responseSchema != after.responseSchema)
        diff.schema = diffLines(schemaText(before.responseSchema), schemaText(after.responseSchema));
    return diff;
}

} // namespace Lathe::Library
