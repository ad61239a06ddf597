// SPDX-License-Identifier: GPL-3.0-or-later
// How long the live token count takes to follow a one-character edit in a 100,000-token prompt
// (the issue asks for a median under 2 ms), for cl100k_base and o200k_base.
//
//   bench_live_recount
//
// The document, assembled at run time: the repository's Markdown (README.md, docs/) as prose and
// its C++ (core/) as code, taken in turn, file by file in sorted order, each followed by one of 16
// paragraphs in other scripts with emoji, until it holds 100,000 cl100k_base tokens.
// Two scenarios of 1,000 edits each, every applyEdit() timed alone, by the wall clock and by the
// thread's CPU time (which leaves out preemption on a shared machine):
//   random  insert or delete one character (an ASCII letter, space, newline, digit, punctuation,
//           apostrophe, accented letter, CJK character or emoji) at a random character boundary,
//           with a fixed seed;
//   typing  a sentence typed one key at a time in the middle of the document, with a backspace
//           after every tenth key.
// setText() and a full encodeUtf8() of the document are timed for comparison (median of 5).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>

#include "tokens/IncrementalTokenCount.h"

using namespace Lathe::Tokens;

namespace
{

constexpr qsizetype kTargetTokens = 100'000;
constexpr int kEdits = 1000;
constexpr int kRepeats = 5;
constexpr quint32 kSeed = 42;

const char *const kParagraphs[] = {
    "Zw\xC3\xB6lf Boxk\xC3\xA4mpfer jagen Viktor quer \xC3\xBC"
    "ber den gro\xC3\x9F"
    "en Sylter Deich.\n",
    "L'\xC3\xA9t\xC3\xA9 dernier, \xC3\xA0 Paris, j'ai mang\xC3\xA9 des cr\xC3\xAApes pr\xC3\xA8s de "
    "l'H\xC3\xB4tel-Dieu.\n",
    "\xC2\xBF"
    "D\xC3\xB3nde est\xC3\xA1 la estaci\xC3\xB3n? El ni\xC3\xB1o comi\xC3\xB3 pi\xC3\xB1"
    "as.\n",
    "\xD0\xA1\xD1\x8A\xD0\xB5\xD1\x88\xD1\x8C \xD0\xB6\xD0\xB5 \xD0\xB5\xD1\x89\xD1\x91 "
    "\xD1\x8D\xD1\x82\xD0\xB8\xD1\x85 "
    "\xD0\xBC\xD1\x8F\xD0\xB3\xD0\xBA\xD0\xB8\xD1\x85 \xD0\xB1\xD1\x83\xD0\xBB\xD0\xBE\xD0\xBA.\n",
    "\xCE\x9E\xCE\xB5\xCF\x83\xCE\xBA\xCE\xB5\xCF\x80\xCE\xAC\xCE\xB6\xCF\x89 \xCF\x84\xCE\xB7\xCE\xBD "
    "\xCF\x88\xCF\x85\xCF\x87\xCE\xBF\xCF\x86\xCE\xB8\xCF\x8C\xCF\x81\xCE\xB1 "
    "\xCE\x91\xCE\x98\xCE\x97\xCE\x9D\xCE\x91 2024.\n",
    "\xD9\x85\xD9\x8E\xD8\xB1\xD9\x92\xD8\xAD\xD9\x8E\xD8\xA8\xD9\x8B\xD8\xA7 "
    "\xD8\xA8\xD9\x90\xD8\xA7\xD9\x84\xD9\x92"
    "\xD8\xB9\xD9\x8E\xD8\xA7\xD9\x84\xD9\x8E\xD9\x85\xD9\x90\n",
    "\xD7\xA9\xD7\x81\xD7\xB8\xD7\x9C\xD7\x95\xD6\xB9\xD7\x9D "
    "\xD7\xA2\xD7\x95\xD6\xB9\xD7\x9C\xD6\xB8\xD7\x9D\n",
    "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87 "
    "\xE0\xA4\xA6\xE0\xA5\x81\xE0\xA4\xA8"
    "\xE0\xA4\xBF\xE0\xA4\xAF\xE0\xA4\xBE\xE0\xA5\xA4\n",
    "\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5\xE0\xB8\x8A\xE0\xB8\xB2\xE0\xB8"
    "\xA7"
    "\xE0\xB9\x82\xE0\xB8\xA5\xE0\xB8\x81\n",
    "\xE6\x88\x91\xE8\x83\xBD\xE5\x90\x9E\xE4\xB8\x8B\xE7\x8E\xBB\xE7\x92\x83\xE8\x80\x8C\xE4\xB8\x8D\xE4\xBC"
    "\xA4"
    "\xE8\xBA\xAB\xE4\xBD\x93\xE3\x80\x82\xE4\xBB\xB7\xE6\xA0\xBC\xE6\x98\xAF\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC"
    "\x93\n",
    "\xE3\x81\x84\xE3\x82\x8D\xE3\x81\xAF\xE3\x81\xAB\xE3\x81\xBB\xE3\x81\xB8\xE3\x81\xA8 "
    "\xE6\x9D\xB1\xE4\xBA\xAC"
    "\xE9\x83\xBD\xE3\x81\xA7\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x82\x92\xE8\xA1\x8C\xE3\x81\x84\xE3\x81\xBE\xE3\x81"
    "\x99\n",
    "\xEC\x95\x88\xEB\x85\x95\xED\x95\x98\xEC\x84\xB8\xEC\x9A\x94, \xEC\x84\xB8\xEC\x83\x81!\n",
    "Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t c\xC3\xB3 d\xE1\xBA\xA5u: \xC4\x90\xC6\xB0\xE1\xBB\x9Dng "
    "ph\xE1\xBB\x91 H\xC3\xA0 "
    "N\xE1\xBB\x99i.\n",
    "\xD5\x88\xD5\xB2\xD5\xBB\xD5\xB8\xD6\x82\xD5\xB5\xD5\xB6 "
    "\xE1\x83\x92\xE1\x83\x90\xE1\x83\x9B\xE1\x83\x90\xE1\x83\xA0"
    "\xE1\x83\xAF\xE1\x83\x9D\xE1\x83\x91\xE1\x83\x90!\n",
    "Emoji: \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD "
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
    "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7 \xF0\x9F\xA4\x96\xE2\x9C\xA8\n",
    "\xF0\x9D\x94\x98\xF0\x9D\x94\xAB\xF0\x9D\x94\xA6\xF0\x9D\x94\xA0\xF0\x9D\x94\xAC\xF0\x9D\x94\xA1\xF0\x9D"
    "\x94\xA2 "
    "\xF0\x9D\x9F\x99\xF0\x9D\x9F\x9A\xF0\x9D\x9F\x9B\n",
};

/** One-character snippets typed into the document. */
const char *const kCharacters[] = {"a", "e", "t", "S", " ",        "\n",           "7",
                                   ".", ",", "'", "(", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80"};

QStringList sortedFiles(const QDir &root, const QString &folder, const QStringList &patterns)
{
    QStringList files;
    QDirIterator it(root.filePath(folder), patterns, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    return files;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray buildDocument(const BpeEncoding &cl100k)
{
    const QDir root(QString::fromUtf8(LATHE_SOURCE_DIR));
    QStringList prose{root.filePath(QStringLiteral("README.md"))};
    prose += sortedFiles(root, QStringLiteral("docs"), {QStringLiteral("*.md")});
    const QStringList code =
        sortedFiles(root, QStringLiteral("core"), {QStringLiteral("*.h"), QStringLiteral("*.cpp")});
    // Prose and code in turn while both last, then whichever is left.
    QStringList sources;
    for (qsizetype i = 0; i < std::max(prose.size(), code.size()); ++i) {
        if (i < prose.size())
            sources += prose[i];
        if (i < code.size())
            sources += code[i];
    }
    QByteArray document;
    qsizetype tokens = 0;
    for (qsizetype i = 0; tokens < kTargetTokens && i < sources.size(); ++i) {
        const QByteArray chunk = readFile(sources[i]) + kParagraphs[i % qsizetype(std::size(kParagraphs))];
        document += chunk;
        tokens += qsizetype(cl100k.encodeUtf8(chunk).size());
    }
    return document;
}

/** The start of the UTF-8 character holding byte `position`. */
qsizetype characterStart(const QByteArray &utf8, qsizetype position)
{
    while (position > 0 && position < utf8.size() && (uchar(utf8[position]) & 0xC0) == 0x80)
        --position;
    return position;
}

/** The end of the UTF-8 character that starts at byte `position`. */
qsizetype characterEnd(const QByteArray &utf8, qsizetype position)
{
    ++position;
    while (position < utf8.size() && (uchar(utf8[position]) & 0xC0) == 0x80)
        ++position;
    return position;
}

double milliseconds(std::chrono::steady_clock::duration duration)
{
    return std::chrono::duration<double, std::milli>(duration).count();
}

/** CPU time of this thread: on a shared machine it leaves out the time the thread was not running. */
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

template <typename Work> double medianMs(Work work)
{
    std::vector<double> times;
    for (int run = 0; run < kRepeats; ++run) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(milliseconds(std::chrono::steady_clock::now() - start));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

/** "median p99 max" of `times`, nearest rank. */
void printPercentiles(std::vector<double> times)
{
    std::sort(times.begin(), times.end());
    std::printf(" %8.4f %8.4f %8.4f", times[(times.size() - 1) / 2],
                times[(times.size() * 99 + 99) / 100 - 1], times.back());
}

struct Edit
{
    qsizetype position = 0;
    qsizetype removed = 0;
    QByteArray inserted;
};

/** Applies kEdits edits from `nextEdit`, timing each, and prints a row; false when the count is wrong. */
template <typename NextEdit>
bool timeEdits(IncrementalTokenCount &count, const BpeEncoding &encoding, const char *scenario,
               NextEdit nextEdit)
{
    std::vector<double> wallMs;
    std::vector<double> cpuMs;
    for (int step = 0; step < kEdits; ++step) {
        const Edit edit = nextEdit(count.text());
        const double cpuStart = threadCpuMs();
        const auto start = std::chrono::steady_clock::now();
        const auto applied = count.applyEdit(edit.position, edit.removed, edit.inserted);
        wallMs.push_back(milliseconds(std::chrono::steady_clock::now() - start));
        cpuMs.push_back(threadCpuMs() - cpuStart);
        if (!applied) {
            std::fprintf(stderr, "%s\n", qPrintable(applied.error().toString()));
            return false;
        }
    }
    const bool exact = count.tokenCount() == qsizetype(encoding.encodeUtf8(count.text()).size());
    std::printf("%-12s %-7s |", qPrintable(encoding.name()), scenario);
    printPercentiles(wallMs);
    std::printf(" |");
    printPercentiles(cpuMs);
    std::printf(" | %s\n", exact ? "yes" : "NO");
    return exact;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    auto cl100k = BpeEncoding::load(Encoding::Cl100kBase);
    auto o200k = BpeEncoding::load(Encoding::O200kBase);
    if (!cl100k || !o200k) {
        std::fprintf(stderr, "cannot load the rank files\n");
        return 1;
    }
    const QByteArray document = buildDocument(*cl100k);
    std::printf("document: %lld bytes; %d edits per scenario\n\n", static_cast<long long>(document.size()),
                kEdits);
    std::printf("%-12s %8s %8s %12s\n", "encoding", "tokens", "setText", "full encode");
    for (const BpeEncoding *encoding : {&*cl100k, &*o200k}) {
        IncrementalTokenCount count(*encoding);
        const double setTextMs = medianMs([&] { count.setText(document); });
        const double fullEncodeMs = medianMs([&] { encoding->encodeUtf8(document); });
        std::printf("%-12s %8lld %8.2f %12.2f\n", qPrintable(encoding->name()),
                    static_cast<long long>(count.tokenCount()), setTextMs, fullEncodeMs);
    }

    std::printf("\n%-20s | %-26s | %-26s |\n", "", "edit, wall clock", "edit, thread CPU time");
    std::printf("%-12s %-7s | %8s %8s %8s | %8s %8s %8s | %s\n", "encoding", "edits", "p50", "p99", "max",
                "p50", "p99", "max", "exact");
    for (const BpeEncoding *encoding : {&*cl100k, &*o200k}) {
        IncrementalTokenCount count(*encoding);
        count.setText(document);
        // One character inserted or deleted at a random character boundary, seed kSeed.
        QRandomGenerator random(kSeed);
        const bool randomOk = timeEdits(count, *encoding, "random", [&](const QByteArray &text) {
            const bool insert = random.bounded(2) == 0;
            const qsizetype position =
                characterStart(text, qsizetype(random.bounded(int(text.size()) + (insert ? 1 : 0))));
            const char *character = kCharacters[random.bounded(int(std::size(kCharacters)))];
            return insert ? Edit{position, 0, character}
                          : Edit{position, characterEnd(text, position) - position, {}};
        });
        // A sentence typed in the middle of the document, with a backspace after every tenth key.
        count.setText(document);
        const QByteArray sentence = "The parser's 12 tests pass (see below).\n";
        qsizetype caret = characterStart(document, document.size() / 2);
        int typed = 0;
        const bool typingOk = timeEdits(count, *encoding, "typing", [&](const QByteArray &) {
            if (++typed % 11 == 0)
                return Edit{--caret, 1, {}};
            return Edit{caret++, 0, sentence.sliced(typed % sentence.size(), 1)};
        });
        if (!randomOk || !typingOk)
            return 1;
    }
    std::printf("\ntimes in ms; setText and full encode: median of %d runs\n", kRepeats);
    return 0;
}
