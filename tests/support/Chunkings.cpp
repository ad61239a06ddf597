// SPDX-License-Identifier: GPL-3.0-or-later
#include "Chunkings.h"

#include <algorithm>

#include <QRandomGenerator>
#include <QStringList>

namespace Lathe::TestSupport
{

namespace
{

// Fixed, so a failure seen once is seen on every run and on every machine.
constexpr quint32 kChunkingSeed = 20240611;

} // namespace

QList<Chunking> chunkingsOf(const QByteArray &input, const ChunkingOptions &options)
{
    QList<Chunking> result;
    result.append({QStringLiteral("whole"), {input}});

    if (input.size() <= options.exhaustiveUpTo) {
        result.append({QStringLiteral("one byte at a time"), fixedSizeChunks(input, 1)});
        if (options.emptyChunksAroundBytes) {
            QByteArrayList chunks{QByteArray()};
            for (const QByteArray &byte : fixedSizeChunks(input, 1))
                chunks << byte << QByteArray();
            result.append({QStringLiteral("one byte at a time between empty chunks"), chunks});
        }
        for (qsizetype split = 0; split <= input.size(); ++split)
            result.append(
                {QStringLiteral("two chunks split at byte %1").arg(split), splitAt(input, {split})});
    }

    QRandomGenerator random(kChunkingSeed);
    for (int round = 0; round < options.randomRounds; ++round) {
        QByteArrayList chunks;
        QStringList sizes;
        qsizetype pos = 0;
        while (pos < input.size()) {
            const qsizetype size = std::min<qsizetype>(
                random.bounded(options.minRandomChunk, options.maxRandomChunk + 1), input.size() - pos);
            chunks.append(input.mid(pos, size));
            sizes.append(QString::number(size));
            pos += size;
        }
        result.append(
            {QStringLiteral("random chunking %1, sizes %2").arg(round).arg(sizes.join(QLatin1Char(','))),
             chunks});
    }
    return result;
}

QString chunkingMismatch(const QByteArray &input,
                         const std::function<QString(const QByteArrayList &)> &outcomeOf,
                         const ChunkingOptions &options)
{
    const QString expected = outcomeOf({input});
    for (const Chunking &chunking : chunkingsOf(input, options)) {
        const QString actual = outcomeOf(chunking.chunks);
        if (actual != expected) {
            return QStringLiteral("fed as %1 it gave\n%2\nbut fed whole it gave\n%3")
                .arg(chunking.name, actual, expected);
        }
    }
    return {};
}

QByteArrayList fixedSizeChunks(const QByteArray &input, qsizetype size)
{
    Q_ASSERT(size > 0);
    QByteArrayList chunks;
    for (qsizetype pos = 0; pos < input.size(); pos += size)
        chunks.append(input.mid(pos, size));
    return chunks;
}

QByteArrayList splitAt(const QByteArray &bytes, const QList<qsizetype> &offsets)
{
    QByteArrayList pieces;
    qsizetype start = 0;
    for (const qsizetype offset : offsets) {
        Q_ASSERT(offset >= start && offset <= bytes.size());
        pieces.append(bytes.mid(start, offset - start));
        start = offset;
    }
    pieces.append(bytes.mid(start));
    return pieces;
}

} // namespace Lathe::TestSupport
