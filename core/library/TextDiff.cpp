// SPDX-License-Identifier: GPL-3.0-or-later
#include "TextDiff.h"

#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace Lathe::Library
{

namespace
{

/** Two lines longer than this together are compared by common prefix and suffix only. */
constexpr qsizetype kMaxCharacterDiff = 4000;

struct Point
{
    std::ptrdiff_t x = 0;
    std::ptrdiff_t y = 0;
};

/**
 * Myers' algorithm in linear space: the middle snake of a box splits it into two smaller boxes,
 * recursively, and the points where the path meets each snake are collected in order.
 */
class MyersPath
{
public:
    MyersPath(const std::vector<std::uint32_t> &a, const std::vector<std::uint32_t> &b)
        : m_a(a)
        , m_b(b)
    {}

    void find(Point from, Point to, std::vector<Point> &path)
    {
        const auto snake = middleSnake(from, to);
        if (!snake) {
            path.push_back(from);
            path.push_back(to);
            return;
        }
        const auto [start, finish] = *snake;
        std::vector<Point> head;
        std::vector<Point> tail;
        if (start.x - from.x + start.y - from.y > 0)
            find(from, start, head);
        else
            head.push_back(start);
        if (to.x - finish.x + to.y - finish.y > 0)
            find(finish, to, tail);
        else
            tail.push_back(finish);
        path.insert(path.end(), head.begin(), head.end());
        path.insert(path.end(), tail.begin(), tail.end());
    }

private:
    std::optional<std::pair<Point, Point>> middleSnake(Point from, Point to)
    {
        const std::ptrdiff_t width = to.x - from.x;
        const std::ptrdiff_t height = to.y - from.y;
        const std::ptrdiff_t size = width + height;
        if (size == 0)
            return std::nullopt;
        const std::ptrdiff_t delta = width - height;
        const std::ptrdiff_t max = (size + 1) / 2;
        // Diagonals run from -max-1 to max+1; the vectors are indexed from there.
        const std::ptrdiff_t offset = max + 1;
        std::vector<std::ptrdiff_t> forward(std::size_t(2 * max + 3), 0);
        std::vector<std::ptrdiff_t> backward(std::size_t(2 * max + 3), 0);
        forward[std::size_t(offset + 1)] = from.x;
        backward[std::size_t(offset + 1)] = to.y;
        const auto at = [offset](std::vector<std::ptrdiff_t> &v, std::ptrdiff_t index) -> std::ptrdiff_t & {
            return v[std::size_t(index + offset)];
        };

        for (std::ptrdiff_t d = 0; d <= max; ++d) {
            for (std::ptrdiff_t k = d; k >= -d; k -= 2) {
                const std::ptrdiff_t c = k - delta;
                std::ptrdiff_t x;
                std::ptrdiff_t px;
                if (k == -d || (k != d && at(forward, k - 1) < at(forward, k + 1))) {
                    x = px = at(forward, k + 1);
                } else {
                    px = at(forward, k - 1);
                    x = px + 1;
                }
                std::ptrdiff_t y = from.y + (x - from.x) - k;
                const std::ptrdiff_t py = (d == 0 || x != px) ? y : y - 1;
                while (x < to.x && y < to.y && m_a[std::size_t(x)] == m_b[std::size_t(y)]) {
                    ++x;
                    ++y;
                }
                at(forward, k) = x;
                if ((delta & 1) && c >= -(d - 1) && c <= d - 1 && y >= at(backward, c))
                    return std::pair{Point{px, py}, Point{x, y}};
            }
            for (std::ptrdiff_t c = d; c >= -d; c -= 2) {
                const std::ptrdiff_t k = c + delta;
                std::ptrdiff_t y;
                std::ptrdiff_t py;
                if (c == -d || (c != d && at(backward, c - 1) > at(backward, c + 1))) {
                    y = py = at(backward, c + 1);
                } else {
                    py = at(backward, c - 1);
                    y = py - 1;
                }
                std::ptrdiff_t x = from.x + (y - from.y) + k;
                const std::ptrdiff_t px = (d == 0 || y != py) ? x : x + 1;
                while (x > from.x && y > from.y && m_a[std::size_t(x - 1)] == m_b[std::size_t(y - 1)]) {
                    --x;
                    --y;
                }
                at(backward, c) = y;
                if (!(delta & 1) && k >= -d && k <= d && x <= at(forward, k))
                    return std::pair{Point{x, y}, Point{px, py}};
            }
        }
        return std::nullopt;
    }

    const std::vector<std::uint32_t> &m_a;
    const std::vector<std::uint32_t> &m_b;
};

void append(std::vector<DiffRun> &runs, DiffRun::Kind kind, std::size_t oldStart, std::size_t newStart,
            std::size_t length)
{
    if (length == 0)
        return;
    if (!runs.empty() && runs.back().kind == kind &&
        (kind == DiffRun::Kind::Insert ? runs.back().newStart + runs.back().length == newStart
                                       : runs.back().oldStart + runs.back().length == oldStart)) {
        runs.back().length += length;
        return;
    }
    runs.push_back({kind, oldStart, newStart, length});
}

/** Changed ranges within two lines, by words (or only prefix and suffix for long lines). */
void markChanges(DiffLine &removed, DiffLine &added)
{
    const QString &a = removed.text;
    const QString &b = added.text;
    if (a.size() + b.size() > kMaxCharacterDiff) {
        qsizetype prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
            ++prefix;
        qsizetype suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
               a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
            ++suffix;
        if (a.size() - suffix > prefix)
            removed.changed.push_back({int(prefix), int(a.size() - suffix)});
        if (b.size() - suffix > prefix)
            added.changed.push_back({int(prefix), int(b.size() - suffix)});
        return;
    }
    // By words, so a changed word is marked whole rather than the letters it happens to share.
    std::unordered_map<QStringView, std::uint32_t> ids;
    const auto tokensOf = [&](const QString &line, std::vector<std::uint32_t> &tokenIds,
                              std::vector<int> &starts) {
        qsizetype i = 0;
        while (i < line.size()) {
            qsizetype end = i + 1;
            if (line[i].isLetterOrNumber() || line[i] == u'_') {
                while (end < line.size() && (line[end].isLetterOrNumber() || line[end] == u'_'))
                    ++end;
            }
            tokenIds.push_back(
                ids.try_emplace(QStringView(line).mid(i, end - i), std::uint32_t(ids.size())).first->second);
            starts.push_back(int(i));
            i = end;
        }
        starts.push_back(int(line.size()));
    };
    std::vector<std::uint32_t> x;
    std::vector<std::uint32_t> y;
    std::vector<int> xStarts;
    std::vector<int> yStarts;
    tokensOf(a, x, xStarts);
    tokensOf(b, y, yStarts);
    for (const DiffRun &run : diffSequences(x, y)) {
        if (run.kind == DiffRun::Kind::Delete)
            removed.changed.push_back({xStarts[run.oldStart], xStarts[run.oldStart + run.length]});
        else if (run.kind == DiffRun::Kind::Insert)
            added.changed.push_back({yStarts[run.newStart], yStarts[run.newStart + run.length]});
    }
}

QStringList linesOf(const QString &text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(u'\n');
    if (text.endsWith(u'\n'))
        lines.removeLast();
    return lines;
}

} // namespace

std::vector<DiffRun> diffSequences(const std::vector<std::uint32_t> &before,
                                   const std::vector<std::uint32_t> &after)
{
    // What the edit script removes from `before` and adds from `after`; the rest is the LCS.
    std::vector<char> removed(before.size(), 0);
    std::vector<char> added(after.size(), 0);

    // The common prefix and suffix need no search.
    std::size_t prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix])
        ++prefix;
    std::size_t suffix = 0;
    while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
        ++suffix;

    // An item that the other side does not have at all can be in no common subsequence: it is
    // removed or added without searching, and Myers' search runs over the others only. A
    // rewritten text then costs a pass instead of O((N+M)·D) with D = N+M.
    std::unordered_set<std::uint32_t> inBefore(before.begin() + std::ptrdiff_t(prefix),
                                               before.end() - std::ptrdiff_t(suffix));
    std::unordered_set<std::uint32_t> inAfter(after.begin() + std::ptrdiff_t(prefix),
                                              after.end() - std::ptrdiff_t(suffix));
    std::vector<std::uint32_t> a;
    std::vector<std::uint32_t> b;
    std::vector<std::size_t> aIndex;
    std::vector<std::size_t> bIndex;
    for (std::size_t i = prefix; i < before.size() - suffix; ++i) {
        if (inAfter.count(before[i])) {
            a.push_back(before[i]);
            aIndex.push_back(i);
        } else {
            removed[i] = 1;
        }
    }
    for (std::size_t j = prefix; j < after.size() - suffix; ++j) {
        if (inBefore.count(after[j])) {
            b.push_back(after[j]);
            bIndex.push_back(j);
        } else {
            added[j] = 1;
        }
    }

    std::vector<Point> path;
    MyersPath(a, b).find({0, 0}, {std::ptrdiff_t(a.size()), std::ptrdiff_t(b.size())}, path);
    // Between consecutive points: a diagonal, then at most one step right or down, then a diagonal.
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        Point p = path[i];
        const Point q = path[i + 1];
        const auto diagonal = [&] {
            while (p.x < q.x && p.y < q.y && a[std::size_t(p.x)] == b[std::size_t(p.y)]) {
                ++p.x;
                ++p.y;
            }
        };
        diagonal();
        if (q.x - p.x > q.y - p.y)
            removed[aIndex[std::size_t(p.x++)]] = 1;
        else if (q.y - p.y > q.x - p.x)
            added[bIndex[std::size_t(p.y++)]] = 1;
        diagonal();
    }

    // The kept items pair up in order; between them, removals come before additions.
    std::vector<DiffRun> runs;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < before.size() || j < after.size()) {
        if (i < before.size() && j < after.size() && !removed[i] && !added[j]) {
            append(runs, DiffRun::Kind::Equal, i++, j++, 1);
            continue;
        }
        while (i < before.size() && removed[i])
            append(runs, DiffRun::Kind::Delete, i++, j, 1);
        while (j < after.size() && added[j])
            append(runs, DiffRun::Kind::Insert, i, j++, 1);
    }
    return runs;
}

std::vector<DiffLine> diffLines(const QString &before, const QString &after)
{
    const QStringList oldLines = linesOf(before);
    const QStringList newLines = linesOf(after);
    // Lines become ids, equal lines the same id, so the search compares integers.
    std::unordered_map<QString, std::uint32_t> ids;
    const auto idsOf = [&](const QStringList &lines) {
        std::vector<std::uint32_t> result;
        result.reserve(std::size_t(lines.size()));
        for (const QString &line : lines)
            result.push_back(ids.try_emplace(line, std::uint32_t(ids.size())).first->second);
        return result;
    };
    const std::vector<std::uint32_t> a = idsOf(oldLines);
    const std::vector<std::uint32_t> b = idsOf(newLines);

    std::vector<DiffLine> lines;
    std::size_t removedRunStart = 0; // in `lines`, where the latest run of removed lines begins
    std::size_t removedRunLength = 0;
    for (const DiffRun &run : diffSequences(a, b)) {
        for (std::size_t i = 0; i < run.length; ++i) {
            DiffLine line;
            if (run.kind == DiffRun::Kind::Equal) {
                line.kind = DiffLine::Kind::Same;
                line.text = oldLines[qsizetype(run.oldStart + i)];
                line.oldNumber = int(run.oldStart + i + 1);
                line.newNumber = int(run.newStart + i + 1);
            } else if (run.kind == DiffRun::Kind::Delete) {
                line.kind = DiffLine::Kind::Removed;
                line.text = oldLines[qsizetype(run.oldStart + i)];
                line.oldNumber = int(run.oldStart + i + 1);
            } else {
                line.kind = DiffLine::Kind::Added;
                line.text = newLines[qsizetype(run.newStart + i)];
                line.newNumber = int(run.newStart + i + 1);
                if (i < removedRunLength)
                    markChanges(lines[removedRunStart + i], line);
            }
            lines.push_back(std::move(line));
        }
        if (run.kind == DiffRun::Kind::Delete) {
            removedRunStart = lines.size() - run.length;
            removedRunLength = run.length;
        } else {
            removedRunLength = 0;
        }
    }
    return lines;
}

} // namespace Lathe::Library
