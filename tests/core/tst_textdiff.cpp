// SPDX-License-Identifier: GPL-3.0-or-later
// The Myers diff: every script rebuilds the new sequence and is as short as an LCS allows
// (checked against dynamic programming on random inputs), and line diffs with the characters
// that changed.

#include <random>

#include <QElapsedTimer>
#include <QTest>

#include "library/TextDiff.h"

using Lathe::Library::DiffLine;
using Lathe::Library::diffLines;
using Lathe::Library::DiffRun;
using Lathe::Library::diffSequences;

namespace
{

std::size_t lcsLength(const std::vector<std::uint32_t> &a, const std::vector<std::uint32_t> &b)
{
    std::vector<std::vector<std::size_t>> table(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
            table[i][j] =
                a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : std::max(table[i - 1][j], table[i][j - 1]);
    return table[a.size()][b.size()];
}

QString render(const std::vector<DiffLine> &lines)
{
    QStringList out;
    for (const DiffLine &line : lines) {
        const QChar mark = line.kind == DiffLine::Kind::Same      ? u' '
                           : line.kind == DiffLine::Kind::Removed ? u'-'
                                                                  : u'+';
        QString text = line.text;
        for (auto it = line.changed.rbegin(); it != line.changed.rend(); ++it) {
            text.insert(it->second, u']');
            text.insert(it->first, u'[');
        }
        out << mark + text;
    }
    return out.join(u'\n');
}

} // namespace

class TestTextDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptsRebuildTheNewSequenceAndAreShortest();
    void linesWithTheCharactersThatChanged_data();
    void linesWithTheCharactersThatChanged();
    void numbersLinesOnBothSides();
    void twoThousandLinesDiffQuickly();
};

void TestTextDiff::scriptsRebuildTheNewSequenceAndAreShortest()
{
    std::mt19937 random(6);
    for (int round = 0; round < 2000; ++round) {
        // Small alphabets make many equal items, large ones few; lengths include zero.
        const std::uint32_t alphabet = 1 + random() % (round % 3 == 0 ? 3 : 20);
        std::vector<std::uint32_t> a(random() % 40);
        std::vector<std::uint32_t> b(random() % 40);
        for (auto &item : a)
            item = random() % alphabet;
        if (round % 2) { // b as an edit of a, as versions are
            b = a;
            for (int edits = int(random() % 5); edits > 0 && !b.empty(); --edits)
                b[random() % b.size()] = random() % alphabet;
            if (random() % 2)
                b.insert(b.begin() + std::ptrdiff_t(random() % (b.size() + 1)), random() % alphabet);
        } else {
            for (auto &item : b)
                item = random() % alphabet;
        }
        const std::vector<DiffRun> runs = diffSequences(a, b);
        std::vector<std::uint32_t> rebuilt;
        std::size_t oldAt = 0;
        std::size_t edits = 0;
        for (const DiffRun &run : runs) {
            QVERIFY(run.length > 0);
            if (run.kind == DiffRun::Kind::Equal) {
                QCOMPARE(run.oldStart, oldAt);
                for (std::size_t i = 0; i < run.length; ++i) {
                    QCOMPARE(a[run.oldStart + i], b[run.newStart + i]);
                    rebuilt.push_back(a[run.oldStart + i]);
                }
                oldAt += run.length;
            } else if (run.kind == DiffRun::Kind::Delete) {
                QCOMPARE(run.oldStart, oldAt);
                oldAt += run.length;
                edits += run.length;
            } else {
                QCOMPARE(run.newStart, rebuilt.size());
                rebuilt.insert(rebuilt.end(), b.begin() + std::ptrdiff_t(run.newStart),
                               b.begin() + std::ptrdiff_t(run.newStart + run.length));
                edits += run.length;
            }
        }
        QCOMPARE(oldAt, a.size());
        QCOMPARE(rebuilt, b);
        QCOMPARE(edits, a.size() + b.size() - 2 * lcsLength(a, b));
    }
}

void TestTextDiff::linesWithTheCharactersThatChanged_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QString>("diff");
    QTest::newRow("same") << u"a\nb\n"_qs << u"a\nb\n"_qs << u" a\n b"_qs;
    QTest::newRow("both empty") << QString() << QString() << QString();
    QTest::newRow("from nothing") << QString() << u"x\ny"_qs << u"+x\n+y"_qs;
    QTest::newRow("line added at the end") << u"a\nb"_qs << u"a\nb\nc"_qs << u" a\n b\n+c"_qs;
    QTest::newRow("line removed in the middle") << u"a\nb\nc"_qs << u"a\nc"_qs << u" a\n-b\n c"_qs;
    QTest::newRow("a word changed")
        << u"You are a helpful assistant.\nBe brief."_qs << u"You are a careful assistant.\nBe brief."_qs
        << u"-You are a [helpful] assistant.\n+You are a [careful] assistant.\n Be brief."_qs;
    QTest::newRow("two lines replaced by three")
        << u"keep\nold one\nold two\nkeep"_qs << u"keep\nnew one\nnew two\nnew three\nkeep"_qs
        << u" keep\n-[old] one\n-[old] two\n+[new] one\n+[new] two\n+new three\n keep"_qs;
    QTest::newRow("a trailing newline is no line") << u"a\n"_qs << u"a"_qs << u" a"_qs;
}

void TestTextDiff::linesWithTheCharactersThatChanged()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(QString, diff);
    QCOMPARE(render(diffLines(before, after)), diff);
}

void TestTextDiff::numbersLinesOnBothSides()
{
    const auto lines = diffLines(u"a\nb\nc"_qs, u"a\nx\nc\nd"_qs);
    QCOMPARE(lines.size(), std::size_t(5));
    QCOMPARE(lines[0].oldNumber, 1);
    QCOMPARE(lines[0].newNumber, 1);
    QCOMPARE(lines[1].kind, DiffLine::Kind::Removed);
    QCOMPARE(lines[1].oldNumber, 2);
    QCOMPARE(lines[1].newNumber, 0);
    QCOMPARE(lines[2].kind, DiffLine::Kind::Added);
    QCOMPARE(lines[2].newNumber, 2);
    QCOMPARE(lines[3].oldNumber, 3);
    QCOMPARE(lines[3].newNumber, 3);
    QCOMPARE(lines[4].newNumber, 4);
}

void TestTextDiff::twoThousandLinesDiffQuickly()
{
    // Generous bounds for sanitizer builds; BENCHMARKS.md has the measured times.
    QStringList before;
    for (int i = 0; i < 2000; ++i)
        before << QStringLiteral("Line %1 of the prompt, with some words in it.").arg(i);
    QStringList after = before;
    for (int i = 0; i < 2000; i += 50)
        after[i] += u" Edited."_qs;
    QElapsedTimer timer;
    timer.start();
    const auto edited = diffLines(before.join(u'\n'), after.join(u'\n'));
    QVERIFY(timer.elapsed() < 2000);
    QCOMPARE(std::count_if(edited.begin(), edited.end(),
                           [](const DiffLine &l) { return l.kind == DiffLine::Kind::Added; }),
             40);
    QStringList other;
    for (int i = 0; i < 2000; ++i)
        other << QStringLiteral("Another text entirely, row %1.").arg(i * 7);
    timer.restart();
    const auto replaced = diffLines(before.join(u'\n'), other.join(u'\n'));
    QVERIFY(timer.elapsed() < 10000);
    QCOMPARE(replaced.size(), std::size_t(4000));
}

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_textdiff.moc"
