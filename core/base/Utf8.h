// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArrayView>
#include <QString>

namespace Lathe
{

/**
 * The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or nullopt when all of it is well-formed.
 * Used to name where bad input is before it is decoded with U+FFFD replacements.
 */
std::optional<qsizetype> firstInvalidUtf8Offset(QByteArrayView bytes);

/**
 * Decodes UTF-8 as the WHATWG Encoding Standard's decoder does: each maximal ill-formed
 * subpart becomes one U+FFFD, and a leading U+FEFF is kept (callers that must drop a BOM at
 * the start of a stream do so themselves). QString::fromUtf8 differs on both counts.
 */
QString decodeUtf8(QByteArrayView bytes);

} // namespace Lathe
