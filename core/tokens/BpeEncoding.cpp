// SPDX-License-Identifier: GPL-3.0-or-later
#include "BpeEncoding.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <limits>

#include <QFile>

#include "base/Utf8.h"

namespace Lathe::Tokens
{

namespace
{

constexpr TokenId kNoRank = std::numeric_limits<TokenId>::max();
/** Ranks index a table, so a corrupt file must not make it allocate gigabytes. */
constexpr TokenId kMaxRank = 1 << 24;

/** Above this many bytes a piece is merged with a heap (O(n log n)) instead of tiktoken's
 *  rescanning loop (O(n²)). The loop is faster for the short pieces real text consists of, but
 *  a 100,000-letter word would cost it billions of steps. 48 and 128 measured the same. */
constexpr qsizetype kShortPieceBytes = 128;

constexpr quint64 kFilterBits = quint64(1) << 21;

quint64 load64(const char *data)
{
    quint64 word;
    std::memcpy(&word, data, 8);
    return word;
}

quint32 load32(const char *data)
{
    quint32 word;
    std::memcpy(&word, data, 4);
    return word;
}

/** The first 8 bytes of a key, or all of a shorter one, in one integer: compared instead of
 *  the bytes, it answers most lookups without touching the token buffer. Within one size it is
 *  injective, which is all an exact compare needs, since slots also compare sizes. */
quint64 headOf(const char *data, qsizetype size)
{
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "the shifts below assume little-endian loads");
    if (size >= 8)
        return load64(data);
    if (size >= 4)
        return load32(data) | (quint64(load32(data + size - 4)) >> (8 * (8 - size)) << 32);
    const auto byte = [data](qsizetype i) {
        return quint64(quint8(data[i]));
    };
    return byte(0) | (byte(size / 2) << 8) | (byte(size - 1) << 16);
}

/** A key's head and hash. Most lookups are of 2 to 8 bytes, so short keys are read with at
 *  most two loads, no loop and no variable-length memcpy (which showed up in profiles as a
 *  libc call per lookup). */
struct Key
{
    quint64 head;
    quint64 hash;
};

Key keyOf(const char *data, qsizetype size)
{
    const auto mix = [](quint64 hash, quint64 word) {
        hash = (hash ^ word) * 0xFF51AFD7ED558CCDULL;
        return hash ^ (hash >> 29);
    };
    const quint64 head = headOf(data, size);
    quint64 hash = mix(quint64(size) * 0x9E3779B97F4A7C15ULL, head);
    if (size > 8) {
        qsizetype pos = 8;
        for (; pos + 8 <= size; pos += 8)
            hash = mix(hash, load64(data + pos));
        if (pos < size)
            hash = mix(hash, load64(data + size - 8));
    }
    hash *= 0xC4CEB9FE1A85EC53ULL;
    return {head, hash ^ (hash >> 32)};
}

bool sameBytes(const char *a, const char *b, qsizetype size)
{
    // A byte loop beats the memcmp call for the short tokens nearly every lookup compares.
    for (qsizetype i = 0; i < size; ++i) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/**
 * Recently merged pieces and their tokens, per thread. Text repeats its words, and a piece that
 * is not one token costs a byte-pair merge of tens to thousands of table lookups, while a hit
 * costs one hash (already computed for the whole-piece lookup) and a compare. Merging was most
 * of the time on scripts written without spaces, whose pieces are long; with this cache the
 * benchmark's multilingual text, which repeats its paragraphs, went from about 20 to 100 MB/s
 * (CPU time), and three in four merged pieces of its English and C++ hit. Fixed in size:
 * 1024 sets of two 256-byte entries, 512 KB for each thread that encodes, allocated at its
 * first piece that is not one token. Two ways, because with one, pieces that share a slot evicted
 * each other on every occurrence. Entries are tagged with the serial of the tables that made
 * them, so encodings never share results, not even when one is freed and another is allocated
 * at the same address, and a hit compares the whole piece, so it is exact.
 */
class PieceCache
{
public:
    /** Appends the cached tokens of `piece` to `out` and returns true, or returns false. */
    bool find(quint64 owner, quint64 hash, const char *piece, qsizetype size, std::vector<TokenId> &out) const
    {
        for (const Entry &entry : m_sets[setOf(hash)]) {
            if (entry.owner == owner && entry.hash == hash && entry.size == size &&
                std::memcmp(entry.payload, piece, size_t(size)) == 0) {
                const size_t first = out.size();
                out.resize(first + entry.count);
                std::memcpy(out.data() + first, entry.payload + size, entry.count * sizeof(TokenId));
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps the tokens of `piece` in the set's first way, moving the previous one to the second,
     * unless piece and tokens together do not fit in an entry.
     */
    void insert(quint64 owner, quint64 hash, const char *piece, qsizetype size,
                std::span<const TokenId> tokens)
    {
        if (size_t(size) + tokens.size_bytes() > sizeof(Entry::payload))
            return;
        Set &set = m_sets[setOf(hash)];
        set[1] = set[0];
        Entry &entry = set[0];
        entry.owner = owner;
        entry.hash = hash;
        entry.size = quint16(size);
        entry.count = quint16(tokens.size());
        std::memcpy(entry.payload, piece, size_t(size));
        std::memcpy(entry.payload + size, tokens.data(), tokens.size_bytes());
    }

    static PieceCache &forThisThread()
    {
        thread_local const std::unique_ptr<PieceCache> cache = std::make_unique<PieceCache>();
        return *cache;
    }

private:
    static constexpr int kSetBits = 10;
    struct Entry
    {
        quint64 owner = 0; ///< 0: empty; serials start at 1
        quint64 hash = 0;
        quint16 size = 0;
        quint16 count = 0;
        char payload[236]; ///< the piece's bytes, then its tokens
    };
    static_assert(sizeof(Entry) == 256);
    using Set = std::array<Entry, 2>;

    /** The table's buckets use the hash's low bits and its filter bits 40 and up. */
    static size_t setOf(quint64 hash) { return size_t(hash >> 20) & ((1 << kSetBits) - 1); }

    std::array<Set, 1 << kSetBits> m_sets;
};

std::atomic<quint64> nextTablesSerial{1};

} // namespace

/**
 * Token bytes live in one buffer and an open-addressing table maps them to ranks: no
 * allocation per token, and o200k_base's tables take about 12 MB.
 */
struct BpeEncoding::Tables
{
    struct Span
    {
        quint32 offset = 0;
        quint32 length = 0;
    };
    /** 16 bytes with the token's head inline: a lookup of a token of up to 8 bytes, most of
     *  them, touches one cache line instead of a slot and then the token buffer, whose miss
     *  took about 8% of the time spent encoding English and C++ in profiles. */
    struct Slot
    {
        quint64 head = 0;
        quint32 offset = 0;        ///< of the token in bytes
        quint32 lengthAndRank = 0; ///< min(length, 255) in the top 8 bits, the rank below; 0: empty
    };
    static constexpr quint32 kRankBits = 24;
    static constexpr quint32 kRankMask = (quint32(1) << kRankBits) - 1;
    static_assert(kMaxRank <= TokenId(1) << kRankBits);

    EncodingDefinition definition;
    QByteArray bytes;
    std::vector<Slot> buckets;
    quint64 mask = 0;
    std::vector<Span> byRank; ///< length 0: no token has that rank
    /** Every merge loop starts by looking up all adjacent byte pairs, and a third of the pieces
     *  of English and code are one or two bytes long: direct tables (1 KB and 256 KB) answer
     *  those without hashing. */
    std::array<TokenId, 256> byteRanks{};
    std::vector<TokenId> twoByteRanks = std::vector<TokenId>(65536, kNoRank);
    /** Most merge candidates are not tokens, and the table probe's cache miss was the largest
     *  cost in profiles. This 256 KB bit filter stays in cache and, with one bit per token of
     *  2 million, turns away about nine in ten non-tokens before the probe (encoding went from
     *  41 to 46 MB/s on English and C++, 21 to 26 on multilingual text, cl100k_base). Whole
     *  pieces skip it: most of them are tokens, so it only added a load that missed the cache
     *  (another 8% of the time on English and C++). */
    std::vector<quint64> filter = std::vector<quint64>(kFilterBits / 64, 0);
    TokenId rankCount = 0;
    /** Tags this encoding's entries in the per-thread PieceCache. */
    quint64 serial = nextTablesSerial++;

    static quint32 lengthTag(qsizetype size) { return quint32(std::min<qsizetype>(size, 255)) << kRankBits; }

    /** A merge candidate's rank. */
    TokenId find(const char *data, qsizetype size) const
    {
        if (size == 1)
            return byteRanks[quint8(data[0])];
        if (size == 2)
            return twoByteRanks[(quint8(data[0]) << 8) | quint8(data[1])];
        const Key key = keyOf(data, size);
        return mayContain(key.hash) ? probe(data, size, key) : kNoRank;
    }

    TokenId probe(const char *data, qsizetype size, Key key) const
    {
        const quint32 tag = lengthTag(size);
        for (quint64 at = key.hash & mask;; at = (at + 1) & mask) {
            const Slot &slot = buckets[at];
            if (slot.lengthAndRank == 0)
                return kNoRank;
            if ((slot.lengthAndRank & ~kRankMask) == tag && slot.head == key.head &&
                (size <= 8 || sameTail(slot, data, size)))
                return slot.lengthAndRank & kRankMask;
        }
    }

    /** Beyond the head of a slot whose head and clamped length match. */
    bool sameTail(const Slot &slot, const char *data, qsizetype size) const
    {
        return (size < 255 || byRank[slot.lengthAndRank & kRankMask].length == size) &&
               sameBytes(bytes.constData() + slot.offset + 8, data + 8, size - 8);
    }

    /** The filter's bit comes from the hash's high bits; the bucket index uses the low ones. */
    bool mayContain(quint64 hash) const
    {
        const quint64 bit = (hash >> 40) % kFilterBits;
        return (filter[bit / 64] >> (bit % 64)) & 1;
    }

    /** False when the token is already there. Call it with byRank filled in. */
    bool insert(Span span, TokenId rank)
    {
        const char *data = bytes.constData() + span.offset;
        const Key key = keyOf(data, span.length);
        const quint64 bit = (key.hash >> 40) % kFilterBits;
        filter[bit / 64] |= quint64(1) << (bit % 64);
        if (probe(data, span.length, key) != kNoRank)
            return false;
        quint64 at = key.hash & mask;
        while (buckets[at].lengthAndRank != 0)
            at = (at + 1) & mask;
        buckets[at] = {key.head, span.offset, lengthTag(span.length) | rank};
        return true;
    }

    TokenId pairRank(const char *piece, qsizetype begin, qsizetype end) const
    {
        return find(piece + begin, end - begin);
    }

    void mergeShort(const char *piece, qsizetype size, std::vector<TokenId> &out) const;
    void mergeLong(const char *piece, qsizetype size, std::vector<TokenId> &out) const;

    void bytePairEncode(const char *piece, qsizetype size, std::vector<TokenId> &out) const
    {
        if (size <= 2) {
            if (const TokenId whole = find(piece, size); whole != kNoRank) {
                out.push_back(whole);
            } else {
                out.push_back(byteRanks[quint8(piece[0])]);
                out.push_back(byteRanks[quint8(piece[1])]);
            }
            return;
        }
        const Key key = keyOf(piece, size);
        if (const TokenId whole = probe(piece, size, key); whole != kNoRank) {
            out.push_back(whole);
            return;
        }
        PieceCache &cache = PieceCache::forThisThread();
        if (cache.find(serial, key.hash, piece, size, out))
            return;
        const size_t first = out.size();
        if (size <= kShortPieceBytes)
            mergeShort(piece, size, out);
        else
            mergeLong(piece, size, out);
        cache.insert(serial, key.hash, piece, size, std::span(out).subspan(first));
    }
};

/**
 * tiktoken's byte_pair_merge (src/lib.rs): repeatedly merge the adjacent pair whose bytes have
 * the lowest rank, the leftmost one on ties. Rescanning a small array is the fastest way for
 * short pieces.
 */
void BpeEncoding::Tables::mergeShort(const char *piece, qsizetype size, std::vector<TokenId> &out) const
{
    struct Part
    {
        quint32 start;
        TokenId rank; ///< of the pair this part starts
    };
    std::array<Part, kShortPieceBytes + 1> parts;
    qsizetype count = 0;
    for (qsizetype i = 0; i + 1 < size; ++i)
        parts[count++] = {quint32(i), pairRank(piece, i, i + 2)};
    parts[count++] = {quint32(size - 1), kNoRank};
    parts[count++] = {quint32(size), kNoRank};
    // Parts [i, i+1] merged: the pair starting at i now spans parts i..i+2 of the old array.
    const auto rankAfterMerge = [&](qsizetype i) {
        return i + 3 < count ? pairRank(piece, parts[i].start, parts[i + 3].start) : kNoRank;
    };
    for (;;) {
        qsizetype best = -1;
        TokenId bestRank = kNoRank;
        for (qsizetype i = 0; i + 1 < count; ++i) {
            if (parts[i].rank < bestRank) {
                bestRank = parts[i].rank;
                best = i;
            }
        }
        if (best < 0)
            break;
        if (best > 0)
            parts[best - 1].rank = rankAfterMerge(best - 1);
        parts[best].rank = rankAfterMerge(best);
        std::copy(parts.begin() + best + 2, parts.begin() + count, parts.begin() + best + 1);
        --count;
    }
    for (qsizetype i = 0; i + 1 < count; ++i)
        out.push_back(find(piece + parts[i].start, parts[i + 1].start - parts[i].start));
}

/**
 * The same merge order as mergeShort, kept in a doubly linked list of parts and a min-heap of
 * (pair rank, part start). Stale heap entries are skipped: an entry is current when its part
 * still exists and still has that pair rank, and then it is the lowest current pair, leftmost
 * on ties, exactly as the rescanning loop would pick.
 */
void BpeEncoding::Tables::mergeLong(const char *piece, qsizetype size, std::vector<TokenId> &out) const
{
    // Per-thread scratch: allocating these for every piece cost more than the merging itself.
    using Entry = std::pair<TokenId, quint32>;
    thread_local std::vector<quint32> next;
    thread_local std::vector<quint32> previous;
    thread_local std::vector<TokenId> rank;
    thread_local std::vector<Entry> heap;
    next.resize(size_t(size) + 1);
    previous.resize(size_t(size) + 1);
    rank.assign(size_t(size) + 1, kNoRank);
    heap.clear();
    for (qsizetype i = 0; i <= size; ++i) {
        next[i] = quint32(i + 1);
        previous[i] = quint32(i - 1);
    }
    const auto updatePair = [&](qsizetype start) {
        const qsizetype middle = next[start];
        rank[start] = middle < size ? pairRank(piece, start, next[middle]) : kNoRank;
        if (rank[start] != kNoRank) {
            heap.push_back({rank[start], quint32(start)});
            std::push_heap(heap.begin(), heap.end(), std::greater<>());
        }
    };
    for (qsizetype i = 0; i < size; ++i)
        updatePair(i);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>());
        const auto [pairRankValue, start] = heap.back();
        heap.pop_back();
        if (rank[start] != pairRankValue)
            continue;
        const qsizetype removed = next[start];
        next[start] = next[removed];
        previous[next[removed]] = start;
        // A removed part can never match an entry again: its rank no longer changes.
        rank[removed] = kNoRank;
        updatePair(start);
        if (start > 0)
            updatePair(previous[start]);
    }
    for (qsizetype start = 0; start < size; start = next[start])
        out.push_back(find(piece + start, next[start] - start));
}

EncodingDefinition encodingDefinition(Encoding encoding)
{
    // Ids from openai/tiktoken tiktoken_ext/openai_public.py (research/tokenizers.md §2).
    const auto special = [](const char *text, TokenId id) {
        return SpecialToken{QByteArray(text), id};
    };
    switch (encoding) {
    case Encoding::Cl100kBase:
        return {QStringLiteral("cl100k_base"),
                PretokenPattern::Cl100k,
                {special("<|endoftext|>", 100257), special("<|fim_prefix|>", 100258),
                 special("<|fim_middle|>", 100259), special("<|fim_suffix|>", 100260),
                 special("<|endofprompt|>", 100276)}};
    case Encoding::O200kBase:
        return {QStringLiteral("o200k_base"),
                PretokenPattern::O200k,
                {special("<|endoftext|>", 199999), special("<|endofprompt|>", 200018)}};
    }
    Q_UNREACHABLE();
}

BpeEncoding::BpeEncoding(std::shared_ptr<const Tables> tables)
    : m_tables(std::move(tables))
{}

Result<BpeEncoding> BpeEncoding::load(Encoding encoding)
{
    EncodingDefinition definition = encodingDefinition(encoding);
    const QString path = QStringLiteral(":/lathe/tokenizers/%1.tiktoken").arg(definition.name);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot open the %1 rank file").arg(definition.name), path);
    return fromRankFile(file.readAll(), std::move(definition), path);
}

Result<BpeEncoding> BpeEncoding::fromRankFile(QByteArrayView rankFile, EncodingDefinition definition,
                                              const QString &where)
{
    auto tables = std::make_shared<Tables>();
    const auto lineError = [&where](qsizetype line, const QString &message) {
        return fail(ErrorCode::Protocol, message, QStringLiteral("%1:%2").arg(where).arg(line));
    };
    struct Line
    {
        qsizetype number;
        Tables::Span span;
        TokenId rank;
    };
    std::vector<Line> lines;
    lines.reserve(size_t(rankFile.size() / 12));
    tables->bytes.reserve(rankFile.size() / 2);
    qsizetype lineNumber = 0;
    for (qsizetype pos = 0; pos < rankFile.size();) {
        ++lineNumber;
        qsizetype end = rankFile.indexOf('\n', pos);
        if (end < 0)
            end = rankFile.size();
        const QByteArrayView line = rankFile.sliced(pos, end - pos);
        pos = end + 1;
        // tiktoken's loader skips empty lines, so a file may end with one or more newlines.
        if (line.isEmpty())
            continue;
        const qsizetype space = line.indexOf(' ');
        if (space <= 0 || space == line.size() - 1 || line.indexOf(' ', space + 1) >= 0)
            return lineError(lineNumber, QStringLiteral("expected \"<base64 token> <rank>\""));
        const auto decoded = QByteArray::fromBase64Encoding(line.first(space).toByteArray(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.isEmpty())
            return lineError(lineNumber, QStringLiteral("the token is not base64"));
        TokenId rank = 0;
        for (const char digit : line.sliced(space + 1)) {
            if (digit < '0' || digit > '9')
                return lineError(lineNumber, QStringLiteral("the rank is not a decimal number"));
            rank = rank * 10 + TokenId(digit - '0');
            if (rank >= kMaxRank)
                return lineError(lineNumber, QStringLiteral("the rank is %1 or more").arg(kMaxRank));
        }
        lines.push_back({lineNumber, {quint32(tables->bytes.size()), quint32(decoded.decoded.size())}, rank});
        tables->bytes += decoded.decoded;
    }

    size_t capacity = 1024;
    while (capacity < lines.size() * 2)
        capacity *= 2;
    tables->buckets.resize(capacity);
    tables->mask = capacity - 1;
    for (const Line &line : lines)
        tables->rankCount = std::max(tables->rankCount, line.rank + 1);
    tables->byRank.resize(tables->rankCount);
    for (const Line &line : lines) {
        if (tables->byRank[line.rank].length > 0)
            return lineError(line.number, QStringLiteral("rank %1 appears twice").arg(line.rank));
        tables->byRank[line.rank] = line.span;
    }
    for (const Line &line : lines) {
        if (!tables->insert(line.span, line.rank))
            return lineError(line.number, QStringLiteral("the token appears twice"));
        if (line.span.length == 2) {
            const char *pair = tables->bytes.constData() + line.span.offset;
            tables->twoByteRanks[(quint8(pair[0]) << 8) | quint8(pair[1])] = line.rank;
        }
    }
    // Merging starts from single bytes, so each of the 256 must be a token.
    for (int byte = 0; byte < 256; ++byte) {
        const char single = char(byte);
        tables->byteRanks[size_t(byte)] = tables->probe(&single, 1, keyOf(&single, 1));
        if (tables->byteRanks[size_t(byte)] == kNoRank)
            return fail(ErrorCode::Protocol,
                        QStringLiteral("no token for the byte 0x%1").arg(byte, 2, 16, QChar(u'0')), where);
    }
    for (const SpecialToken &special : definition.specialTokens) {
        if (special.id < tables->rankCount && tables->byRank[special.id].length > 0)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("special token id %1 is also a rank in the file").arg(special.id),
                        where);
    }
    tables->definition = std::move(definition);
    return BpeEncoding(std::move(tables));
}

const QString &BpeEncoding::name() const
{
    return m_tables->definition.name;
}

qsizetype BpeEncoding::vocabularySize() const
{
    return qsizetype(std::count_if(m_tables->byRank.begin(), m_tables->byRank.end(),
                                   [](const Tables::Span &span) { return span.length > 0; })) +
           qsizetype(m_tables->definition.specialTokens.size());
}

void BpeEncoding::encodeOrdinary(QByteArrayView utf8, std::vector<TokenId> &out,
                                 qsizetype *lastPieceTokens) const
{
    const PretokenPattern pattern = m_tables->definition.pattern;
    for (qsizetype begin = 0; begin < utf8.size();) {
        const qsizetype end = nextPieceEnd(pattern, utf8.data(), utf8.size(), begin);
        const size_t before = out.size();
        m_tables->bytePairEncode(utf8.data() + begin, end - begin, out);
        if (lastPieceTokens)
            *lastPieceTokens = qsizetype(out.size() - before);
        begin = end;
    }
}

PretokenPattern BpeEncoding::pattern() const
{
    return m_tables->definition.pattern;
}

void BpeEncoding::encodePiece(QByteArrayView piece, std::vector<TokenId> &out) const
{
    if (!piece.isEmpty())
        m_tables->bytePairEncode(piece.data(), piece.size(), out);
}

QByteArray tokenizerUtf8(QStringView text)
{
    // One pass, instead of QString::toUtf8 (which writes '?' for a lone surrogate) after a scan
    // for lone surrogates: the two took an eighth of the time spent encoding English and C++.
    const char16_t *units = text.utf16();
    const qsizetype size = text.size();
    // A UTF-16 unit becomes at most 3 bytes; a surrogate pair, 2 units, becomes 4.
    QByteArray utf8(size * 3, Qt::Uninitialized);
    char *out = utf8.data();
    const auto put = [&out](unsigned value) {
        *out++ = char(value);
    };
    qsizetype i = 0;
    while (i < size) {
        // ASCII four units at a time: no unit has a bit above 0x7F.
        for (quint64 block; i + 4 <= size; i += 4) {
            std::memcpy(&block, units + i, sizeof block);
            if (block & 0xFF80FF80FF80FF80ULL)
                break;
            for (int k = 0; k < 4; ++k)
                put(units[i + k]);
        }
        if (i == size)
            break;
        const char16_t unit = units[i];
        char32_t codePoint = unit;
        qsizetype used = 1;
        if (QChar::isHighSurrogate(unit) && i + 1 < size && QChar::isLowSurrogate(units[i + 1])) {
            codePoint = QChar::surrogateToUcs4(unit, units[i + 1]);
            used = 2;
        } else if (QChar::isSurrogate(unit)) {
            codePoint = QChar::ReplacementCharacter; // as Python tiktoken and TextEncoder do
        }
        if (codePoint < 0x80) {
            put(codePoint);
        } else if (codePoint < 0x800) {
            put(0xC0 | (codePoint >> 6));
            put(0x80 | (codePoint & 0x3F));
        } else if (codePoint < 0x10000) {
            put(0xE0 | (codePoint >> 12));
            put(0x80 | ((codePoint >> 6) & 0x3F));
            put(0x80 | (codePoint & 0x3F));
        } else {
            put(0xF0 | (codePoint >> 18));
            put(0x80 | ((codePoint >> 12) & 0x3F));
            put(0x80 | ((codePoint >> 6) & 0x3F));
            put(0x80 | (codePoint & 0x3F));
        }
        i += used;
    }
    utf8.truncate(out - utf8.data());
    return utf8;
}

std::vector<TokenId> BpeEncoding::encode(QStringView text, SpecialTokens specials) const
{
    return encodeUtf8(tokenizerUtf8(text), specials);
}

std::vector<TokenId> BpeEncoding::encodeUtf8(QByteArrayView utf8, SpecialTokens specials) const
{
    std::vector<TokenId> ids;
    ids.reserve(size_t(utf8.size() / 3));
    if (specials == SpecialTokens::AsText) {
        encodeOrdinary(utf8, ids, nullptr);
        return ids;
    }
    // The text between special tokens is pre-tokenized on its own, as tiktoken does: a piece
    // never reaches across a special token, and "\s+(?!\S)" sees the segment's end as the end.
    const auto &tokens = m_tables->definition.specialTokens;
    std::vector<qsizetype> nextAt(tokens.size(), -2);
    qsizetype segment = 0;
    for (;;) {
        qsizetype found = -1;
        size_t which = 0;
        for (size_t t = 0; t < tokens.size(); ++t) {
            if (nextAt[t] != -1 && nextAt[t] < segment)
                nextAt[t] = utf8.indexOf(tokens[t].text, segment);
            if (nextAt[t] >= 0 && (found < 0 || nextAt[t] < found)) {
                found = nextAt[t];
                which = t;
            }
        }
        if (found < 0)
            break;
        encodeOrdinary(utf8.sliced(segment, found - segment), ids, nullptr);
        ids.push_back(tokens[which].id);
        segment = found + tokens[which].text.size();
    }
    encodeOrdinary(utf8.sliced(segment), ids, nullptr);
    return ids;
}

std::vector<TokenId> BpeEncoding::encodeBytes(QByteArrayView bytes) const
{
    const std::optional<qsizetype> invalidAt = firstInvalidUtf8Offset(bytes);
    std::vector<TokenId> ids;
    if (!invalidAt) {
        encodeOrdinary(bytes, ids, nullptr);
        return ids;
    }
    // tiktoken's _encode_bytes: the last piece of the valid prefix may merge with the bytes that
    // follow, so it is merged again together with them. Its _increase_last_piece_token_len also
    // takes back preceding whitespace tokens, because "\s*[\r\n]+" can make a split unstable.
    qsizetype lastPieceTokens = 0;
    encodeOrdinary(bytes.first(*invalidAt), ids, &lastPieceTokens);
    const auto isAllSpace = [this](TokenId id) {
        const Tables::Span span = m_tables->byRank[id];
        const QByteArrayView token(m_tables->bytes.constData() + span.offset, span.length);
        return std::all_of(token.begin(), token.end(),
                           [](char c) { return c == ' ' || c == '\n' || c == '\t'; });
    };
    const qsizetype count = qsizetype(ids.size());
    if (lastPieceTokens > 0 && isAllSpace(ids[size_t(count - lastPieceTokens)])) {
        while (lastPieceTokens < count && isAllSpace(ids[size_t(count - lastPieceTokens - 1)]))
            ++lastPieceTokens;
    }
    QByteArray unstable;
    if (lastPieceTokens > 0) {
        unstable = *decode(std::span(ids).last(size_t(lastPieceTokens)));
        ids.resize(size_t(count - lastPieceTokens));
    }
    unstable += bytes.sliced(*invalidAt);
    m_tables->bytePairEncode(unstable.constData(), unstable.size(), ids);
    return ids;
}

Result<QByteArray> BpeEncoding::decode(std::span<const TokenId> ids) const
{
    QByteArray bytes;
    bytes.reserve(qsizetype(ids.size()) * 4);
    const auto &byRank = m_tables->byRank;
    for (size_t i = 0; i < ids.size(); ++i) {
        const TokenId id = ids[i];
        if (id < byRank.size() && byRank[id].length > 0) {
            bytes.append(m_tables->bytes.constData() + byRank[id].offset, byRank[id].length);
            continue;
        }
        const auto &specials = m_tables->definition.specialTokens;
        const auto special = std::find_if(specials.begin(), specials.end(),
                                          [id](const SpecialToken &token) { return token.id == id; });
        if (special == specials.end())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 has no token %2").arg(name()).arg(id),
                        QStringLiteral("ids[%1]").arg(i));
        bytes += special->text;
    }
    return bytes;
}

} // namespace Lathe::Tokens
