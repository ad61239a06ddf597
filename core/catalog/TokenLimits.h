// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace Lathe::Catalog
{

/// More tokens than any request can hold (the largest context windows are 10M tokens): a count
/// beyond it is a corrupt record or a caller's mistake, never a real request. Keeping every
/// count below it also keeps every batch sum far from qint64's range.
inline constexpr qint64 kMaxTokensPerRequest = 100'000'000;

} // namespace Lathe::Catalog
