// SPDX-License-Identifier: GPL-3.0-or-later
// How fast Lathe's BPE encoder counts tokens, single thread, for cl100k_base and o200k_base.
// Prints one line per corpus and encoding: bytes, tokens, MB/s by wall-clock and by CPU time
// (best of several runs).
//
//   bench_tokenizer [--write-corpus DIR] [--memory]
//
// Corpora, assembled at run time:
//   english-code  the repository's own Markdown and C++ (README, docs/, core/, ui/, app/),
//                 repeated to about 4.7 MB, the size of the corpus the peer figures used;
//   multilingual  paragraphs in 16 scripts with emoji and ZWJ sequences, repeated to about 2 MB;
//   mixed         the two concatenated.
// --write-corpus saves them as DIR/<name>.txt so scripts/bench-tokenizer-peers.sh can run the
// npm tokenizers on the same bytes. --memory prints instead how much the process's resident
// memory (VmRSS) grows when both encodings are loaded, and then when some of every corpus has
// been encoded with both (which adds the pre-tokenizer's table and this thread's piece cache).
#include <cstdio>
#include <ctime>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>

#include "tokens/BpeEncoding.h"

using namespace Lathe::Tokens;

namespace
{

constexpr qsizetype kEnglishCodeBytes = 4'700'000;
constexpr qsizetype kMultilingualBytes = 2'000'000;
constexpr int kRepeats = 5;

QString repeatedTo(const QString &text, qsizetype utf8Bytes)
{
    const qsizetype once = text.toUtf8().size();
    return text.repeated(int((utf8Bytes + once - 1) / once));
}

QString englishAndCode()
{
    QString text;
    const QDir root(QString::fromUtf8(LATHE_SOURCE_DIR));
    for (const QString &name : {QStringLiteral("README.md"), QStringLiteral("BENCHMARKS.md")}) {
        QFile file(root.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            text += QString::fromUtf8(file.readAll());
    }
    for (const QString &folder :
         {QStringLiteral("docs"), QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app")}) {
        QStringList files;
        QDirIterator it(root.filePath(folder),
                        {QStringLiteral("*.md"), QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
        // Sorted, so every run and every peer sees the same corpus.
        files.sort();
        for (const QString &path : files) {
            QFile file(path);
            if (file.open(QIODevice::ReadOnly))
                text += QString::fromUtf8(file.readAll());
        }
    }
    return repeatedTo(text, kEnglishCodeBytes);
}

QString multilingual()
{
    const QString paragraphs[] = {
        u"The quick brown fox jumps over the lazy dog; it's 12:45 and we've paid $3,499.99 (VAT incl.).\n"_qs,
        u"Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. Äpfel, Öl und Übermut!\n"_qs,
        u"L'été dernier, à Paris, j'ai mangé des crêpes près de l'Hôtel-Dieu — c'était délicieux.\n"_qs,
        u"¿Dónde está la estación? El niño comió piñas y jalapeños en Añorbe, ¡qué señor!\n"_qs,
        u"Съешь же ещё этих мягких французских булок, да выпей чаю. Привет, МИР!\n"_qs,
        u"Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Καλημέρα κόσμε, ΑΘΗΝΑ 2024.\n"_qs,
        u"نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق. مَرْحَبًا بِالْعَالَمِ\n"_qs,
        u"דג סקרן שט בים מאוכזב ולפתע מצא חברה. שָׁלוֹם עוֹלָם\n"_qs,
        u"ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णुवतार भगवान श्रीराम।\n"_qs,
        u"เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน สวัสดีชาวโลก\n"_qs,
        u"我能吞下玻璃而不伤身体。敏捷的棕色狐狸跳过了懒狗，价格是１２３元。\n"_qs,
        u"いろはにほへと ちりぬるを わかよたれそ つねならむ。東京都渋谷区で会議を行います。\n"_qs,
        u"키스의 고유조건은 입술끼리 만나야 하고 특별한 기술은 필요치 않다. 안녕하세요, 세상!\n"_qs,
        u"Tiếng Việt có dấu: Đường phố Hà Nội rất đông vui vào buổi tối.\n"_qs,
        u"Ողջույն աշխարհ։ გამარჯობა მსოფლიო! ሰላም ልዑል። ជំរាបសួរ ពិភពលោក\n"_qs,
        u"Emoji: 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️‍🔥 🇫🇷🇩🇪 🤖✨ 😀😃😄 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛\n"_qs,
    };
    QString text;
    for (const QString &paragraph : paragraphs)
        text += paragraph;
    return repeatedTo(text, kMultilingualBytes);
}

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

/** This process's resident memory in kB, from /proc/self/status (Linux only), or -1. */
long residentKilobytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

int measureMemory(const QList<std::pair<QString, QString>> &corpora)
{
    const long before = residentKilobytes();
    const auto cl100k = BpeEncoding::load(Encoding::Cl100kBase);
    const auto o200k = BpeEncoding::load(Encoding::O200kBase);
    if (!cl100k || !o200k) {
        std::fprintf(stderr, "cannot load the encodings\n");
        return 1;
    }
    const long loaded = residentKilobytes();
    // Only the start of each corpus: whole corpora would leave megabytes of freed id vectors
    // and UTF-8 copies in the heap, which malloc keeps and VmRSS counts.
    for (const auto &[name, text] : corpora) {
        cl100k->encode(QStringView(text).first(std::min<qsizetype>(text.size(), 100'000)));
        o200k->encode(QStringView(text).first(std::min<qsizetype>(text.size(), 100'000)));
    }
    const long used = residentKilobytes();
    std::printf("VmRSS %ld kB before loading; +%ld kB with cl100k_base and o200k_base loaded; "
                "+%ld kB after encoding the first 100,000 characters of every corpus with both\n",
                before, loaded - before, used - before);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QList<std::pair<QString, QString>> corpora = [] {
        const QString english = englishAndCode();
        const QString other = multilingual();
        return QList<std::pair<QString, QString>>{
            {QStringLiteral("english-code"), english},
            {QStringLiteral("multilingual"), other},
            {QStringLiteral("mixed"), english + other},
        };
    }();

    const QStringList arguments = QCoreApplication::arguments();
    if (const auto at = arguments.indexOf(QStringLiteral("--write-corpus"));
        at >= 0 && at + 1 < arguments.size()) {
        const QDir dir(arguments[at + 1]);
        for (const auto &[name, text] : corpora) {
            QFile file(dir.filePath(name + QStringLiteral(".txt")));
            const QByteArray bytes = text.toUtf8();
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(file.fileName()));
                return 1;
            }
        }
    }

    if (arguments.contains(QStringLiteral("--memory")))
        return measureMemory(corpora);

    // "MB/s" is from wall-clock time, as the peers are measured. "cpu MB/s" is from this thread's
    // CPU time, which leaves out the time spent waiting for a CPU on a shared, loaded machine
    // (not the slowdown from other processes sharing the core and its caches).
    std::printf("%-12s %-13s %-12s %10s %10s %9s %9s\n", "tokenizer", "corpus", "encoding", "MB", "tokens",
                "MB/s", "cpu MB/s");
    for (const Encoding which : {Encoding::Cl100kBase, Encoding::O200kBase}) {
        QElapsedTimer loadClock;
        loadClock.start();
        const auto encoding = BpeEncoding::load(which);
        if (!encoding) {
            std::fprintf(stderr, "%s\n", qPrintable(encoding.error().toString()));
            return 1;
        }
        std::fprintf(stderr, "%s loaded in %lld ms\n", qPrintable(encoding->name()),
                     static_cast<long long>(loadClock.elapsed()));
        for (const auto &[name, text] : corpora) {
            // Timed from the QString, as the npm peers are timed from a JavaScript string: the
            // UTF-16 to UTF-8 conversion is part of the cost.
            const double megabytes = double(text.toUtf8().size()) / 1e6;
            double best = 1e9;
            double bestCpu = 1e9;
            size_t tokens = 0;
            for (int run = 0; run < kRepeats; ++run) {
                QElapsedTimer clock;
                const double cpuStart = threadCpuSeconds();
                clock.start();
                tokens = encoding->encode(text).size();
                best = std::min(best, double(clock.nsecsElapsed()) / 1e9);
                bestCpu = std::min(bestCpu, threadCpuSeconds() - cpuStart);
            }
            std::printf("%-12s %-13s %-12s %10.2f %10zu %9.1f %9.1f\n", "lathe", qPrintable(name),
                        qPrintable(encoding->name()), megabytes, tokens, megabytes / best,
                        megabytes / bestCpu);
        }
    }
    return 0;
}
