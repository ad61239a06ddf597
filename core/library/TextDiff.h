// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include <QString>
#include <QStringList>

namespace Lathe::Library
{

/** A run of the edit script that turns one sequence into another. */
struct DiffRun
{
    enum class Kind
    {
        Equal,
        Delete, ///< `length` items of the old sequence, from oldStart
        Insert, ///< `length` items of the new sequence, from newStart
    };
    Kind kind = Kind::Equal;
    std::size_t oldStart = 0;
    std::size_t newStart = 0;
    std::size_t length = 0;
};

/**
 * A shortest edit script between two sequences of ids (Myers' O(ND) algorithm in linear space,
 * after the common prefix and suffix are set aside). Deletions come before insertions where
 * both replace the same place.
 */
std::vector<DiffRun> diffSequences(const std::vector<std::uint32_t> &before,
                                   const std::vector<std::uint32_t> &after);

/** One line of a line diff. */
struct DiffLine
{
    enum class Kind
    {
        Same,
        Removed,
        Added,
    };
    Kind kind = Kind::Same;
    QString text;
    int oldNumber = 0; ///< 1-based; 0 for an added line
    int newNumber = 0; ///< 1-based; 0 for a removed line
    /** What changed within a removed or added line paired with its counterpart, as whole words: [start, end).
     */
    std::vector<std::pair<int, int>> changed;
};

/**
 * Lines of `before` and `after`, in order, each same, removed or added. Where removed lines are
 * followed by added ones, they are paired in order and each pair gets the words that changed
 * within it (the rest of the line is the same).
 */
std::vector<DiffLine> diffLines(const QString &before, const QString &after);

} // namespace Lathe::Library
