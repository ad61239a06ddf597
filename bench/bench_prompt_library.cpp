// SPDX-License-Identifier: GPL-3.0-or-later
// The prompt library at issue 6's scale: 10,000 prompts × 20 versions in one workspace. Prints
// how long it takes to open the workspace and list the library, to save a version, to search,
// and to diff two 2,000-line versions.
//
//   bench_prompt_library [--workspace FILE]   # FILE is built on the first run and reused after

#include <algorithm>
#include <cstdio>
#include <random>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include "library/PromptDiff.h"
#include "library/PromptLibrary.h"
#include "store/Workspace.h"

using Lathe::Library::PromptContent;
using Lathe::Library::PromptLibrary;
using Lathe::Store::SqliteTransaction;
using Lathe::Store::Workspace;

namespace
{

constexpr int kPrompts = 10000;
constexpr int kVersions = 20;

const char *const kWords[] = {"ticket",   "customer", "refund",  "shipping", "invoice", "priority", "summary",
                              "escalate", "policy",   "answer",  "brief",    "account", "urgent",   "order",
                              "delivery", "warranty", "product", "question", "support", "résumé"};

QString sentence(std::mt19937 &random, int words)
{
    QStringList parts;
    for (int i = 0; i < words; ++i)
        parts << QString::fromUtf8(kWords[random() % std::size(kWords)]);
    return parts.join(u' ') + u'.';
}

PromptContent promptText(std::mt19937 &random, int prompt, int version)
{
    PromptContent content;
    QStringList system;
    for (int line = 0; line < 12; ++line)
        system << sentence(random, 8 + int(random() % 8));
    system << QStringLiteral("Prompt %1, version %2.").arg(prompt).arg(version);
    content.messages = {{u"system"_qs, system.join(u'\n')}, {u"user"_qs, u"{{ticket}}\n{{history}}"_qs}};
    content.parameters = {{"model", "gpt-4o-mini"}, {"temperature", 0.1 * (version % 10)}};
    return content;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p * double(values.size())))];
}

void report(const char *what, const std::vector<double> &ms)
{
    std::printf("%-44s median %8.3f ms   p99 %8.3f ms   (%zu runs)\n", what, percentile(ms, 0.5),
                percentile(ms, 0.99), ms.size());
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    QTemporaryDir temporary;
    const qsizetype at = arguments.indexOf(u"--workspace"_qs);
    const QString path =
        at >= 0 && at + 1 < arguments.size() ? arguments[at + 1] : temporary.filePath(u"bench.lathe"_qs);
    std::mt19937 random(6);

    if (!QFileInfo::exists(path)) {
        auto workspace = Workspace::open(path);
        if (!workspace)
            qFatal("%s", qPrintable(workspace.error().toString()));
        PromptLibrary library(workspace->database());
        QElapsedTimer timer;
        timer.start();
        for (int prompt = 0; prompt < kPrompts; ++prompt) {
            const QString name =
                QStringLiteral("%1/prompt %2").arg(QString::fromUtf8(kWords[prompt % 20])).arg(prompt);
            for (int version = 1; version <= kVersions; ++version) {
                if (auto saved = library.save(name, promptText(random, prompt, version)); !saved)
                    qFatal("%s", qPrintable(saved.error().toString()));
            }
            if (prompt % 100 == 0 && !library.setLabel(name, kVersions - 1, u"production"_qs))
                qFatal("label");
        }
        std::fprintf(stderr, "built %d prompts × %d versions in %.1f s: %s (%.0f MB)\n", kPrompts, kVersions,
                     double(timer.elapsed()) / 1000.0, qPrintable(path),
                     double(QFileInfo(path).size()) / 1e6);
    }

    // Opening and listing, as the app does at start: five times, each with a new connection.
    std::vector<double> open;
    for (int round = 0; round < 5; ++round) {
        QElapsedTimer timer;
        timer.start();
        auto workspace = Workspace::open(path);
        if (!workspace)
            qFatal("%s", qPrintable(workspace.error().toString()));
        PromptLibrary library(workspace->database());
        const auto prompts = library.list();
        if (!prompts || prompts->size() != std::size_t(kPrompts))
            qFatal("list");
        open.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    report("open the workspace and list 10,000 prompts", open);

    auto workspace = Workspace::open(path);
    if (!workspace)
        qFatal("%s", qPrintable(workspace.error().toString()));
    PromptLibrary library(workspace->database());

    std::vector<double> saves;
    for (int i = 0; i < 200; ++i) {
        const int prompt = int(random() % kPrompts);
        const QString name =
            QStringLiteral("%1/prompt %2").arg(QString::fromUtf8(kWords[prompt % 20])).arg(prompt);
        // A stamp of this run, so a reused workspace gets new content rather than "unchanged".
        PromptContent content = promptText(random, prompt, 1000 + i);
        content.messages[0].text += QStringLiteral("\nRun %1.").arg(QDateTime::currentMSecsSinceEpoch());
        QElapsedTimer timer;
        timer.start();
        auto saved = library.save(name, content, u"bench"_qs);
        saves.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (!saved || !saved->created)
            qFatal("save");
    }
    report("save a version (one transaction, synced)", saves);

    std::vector<double> searches;
    std::size_t found = 0;
    for (int i = 0; i < 100; ++i) {
        const QString query = QString::fromUtf8(kWords[random() % 20]) + u' ' +
                              QString::fromUtf8(kWords[random() % 20]).left(4);
        QElapsedTimer timer;
        timer.start();
        const auto names = library.search(query);
        searches.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (!names)
            qFatal("search");
        found += std::size_t(names->size());
    }
    report("search (two words, the second a prefix)", searches);

    QStringList lines;
    for (int i = 0; i < 2000; ++i)
        lines << sentence(random, 10);
    QStringList edited = lines;
    for (int i = 0; i < 2000; i += 50)
        edited[i] = sentence(random, 10);
    QStringList other;
    for (int i = 0; i < 2000; ++i)
        other << sentence(random, 10);
    PromptContent before;
    before.messages = {{u"system"_qs, lines.join(u'\n')}};
    PromptContent after = before;
    after.messages[0].text = edited.join(u'\n');
    PromptContent rewritten = before;
    rewritten.messages[0].text = other.join(u'\n');
    std::vector<double> diffs;
    std::vector<double> rewrites;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer timer;
        timer.start();
        const auto diff = Lathe::Library::diffPrompts(before, after);
        diffs.push_back(double(timer.nsecsElapsed()) / 1e6);
        timer.restart();
        const auto rewrite = Lathe::Library::diffPrompts(before, rewritten);
        rewrites.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (diff.identical() || rewrite.identical())
            qFatal("diff");
    }
    report("diff 2,000-line versions, 40 lines changed", diffs);
    report("diff 2,000-line versions, every line changed", rewrites);
    std::fprintf(stderr, "(searches found %zu prompts in all)\n", found);
    return 0;
}
