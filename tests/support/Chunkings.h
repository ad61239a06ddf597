// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <limits>

#include <QByteArray>
#include <QByteArrayList>
#include <QList>
#include <QString>

namespace Lathe::TestSupport
{

/**
 * One way to cut a byte stream into the chunks an incremental parser is fed, as the network
 * might deliver it. The name says which way, so a failure can be reproduced from its message.
 */
struct Chunking
{
    QString name;
    QByteArrayList chunks;
};

/** Which chunkings chunkingsOf() makes besides the whole input. */
struct ChunkingOptions
{
    /// Also one byte at a time with an empty chunk before and after every byte: a parser must
    /// treat an empty read as nothing at all.
    bool emptyChunksAroundBytes = false;
    /// Byte at a time and every split point cost time quadratic in the input, so longer inputs
    /// get only the whole and the random chunkings.
    qsizetype exhaustiveUpTo = std::numeric_limits<qsizetype>::max();
    /// Random chunkings with sizes drawn uniformly from [minRandomChunk, maxRandomChunk]; a
    /// minimum of 0 mixes empty chunks in. The seed is fixed, so every run feeds the same ones.
    int randomRounds = 10;
    int minRandomChunk = 1;
    int maxRandomChunk = 16;
};

/**
 * The input whole; one byte at a time; split into two chunks at every byte offset (0 and the
 * end included); and random chunkings whose names list their sizes.
 */
QList<Chunking> chunkingsOf(const QByteArray &input, const ChunkingOptions &options = {});

/**
 * Feeds `input` whole and in every chunkingsOf() chunking to `outcomeOf`, which describes
 * everything observable about one parse as text. Returns an empty string when every chunking
 * is described as the whole input is, else the first chunking that is not with both texts.
 * Check the whole input's outcome against the expected one first; this only says that the
 * chunking made no difference.
 */
QString chunkingMismatch(const QByteArray &input,
                         const std::function<QString(const QByteArrayList &)> &outcomeOf,
                         const ChunkingOptions &options = {});

/** Pieces of `size` bytes each (the last one shorter when the size does not divide the input). */
QByteArrayList fixedSizeChunks(const QByteArray &input, qsizetype size);

/** Splits bytes at the given ascending offsets: {0..a}, {a..b}, …, {z..end}. */
QByteArrayList splitAt(const QByteArray &bytes, const QList<qsizetype> &offsets);

} // namespace Lathe::TestSupport
