// SPDX-License-Identifier: GPL-3.0-or-later
#include "Utf8.h"

#include <cstdint>
#include <cstring>

#include <QStringDecoder>

namespace Lathe
{

namespace
{

/**
 * Reads the sequence starting at `i`. Returns its length when it is well-formed; otherwise
 * minus the length of its maximal ill-formed subpart (at least one byte), per Unicode Table 3-7.
 */
qsizetype measureSequence(const unsigned char *data, qsizetype size, qsizetype i)
{
    const unsigned char lead = data[i];
    if (lead < 0x80)
        return 1;
    qsizetype length = 0;
    unsigned char low = 0x80; // allowed range of the second byte
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0; // no overlong forms
        else if (lead == 0xED)
            high = 0x9F; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F; // nothing above U+10FFFF
    } else {
        return -1;
    }
    for (qsizetype k = 1; k < length; ++k) {
        if (i + k >= size)
            return -k;
        const unsigned char byte = data[i + k];
        const bool ok = k == 1 ? (byte >= low && byte <= high) : (byte & 0xC0) == 0x80;
        if (!ok)
            return -k;
    }
    return length;
}

} // namespace

std::optional<qsizetype> firstInvalidUtf8Offset(QByteArrayView bytes)
{
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype size = bytes.size();
    for (qsizetype i = 0; i < size;) {
        // Most provider text is ASCII: skip it eight bytes at a time.
        while (i + 8 <= size) {
            std::uint64_t word;
            std::memcpy(&word, data + i, sizeof word);
            if (word & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= size)
            break;
        const qsizetype length = measureSequence(data, size, i);
        if (length < 0)
            return i;
        i += length;
    }
    return std::nullopt;
}

QString decodeUtf8(QByteArrayView bytes)
{
    // Qt's decoder is fast and exact for well-formed input once told to keep the BOM.
    const auto decodeWellFormed = [](QByteArrayView part) {
        QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom);
        return QString(decoder(part));
    };
    auto bad = firstInvalidUtf8Offset(bytes);
    if (!bad) {
        // fromUtf8 is the fastest path and differs from the standard only on a leading BOM.
        return bytes.startsWith("\xEF\xBB\xBF") ? decodeWellFormed(bytes) : QString::fromUtf8(bytes);
    }

    const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
    QString text;
    text.reserve(bytes.size());
    qsizetype start = 0;
    while (bad) {
        text += decodeWellFormed(bytes.sliced(start, *bad - start));
        text += QChar(QChar::ReplacementCharacter);
        start = *bad - measureSequence(data, bytes.size(), *bad);
        const auto next = firstInvalidUtf8Offset(bytes.sliced(start));
        bad = next ? std::optional<qsizetype>(start + *next) : std::nullopt;
    }
    text += decodeWellFormed(bytes.sliced(start));
    return text;
}

} // namespace Lathe
