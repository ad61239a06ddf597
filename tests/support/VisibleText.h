// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>

namespace Lathe::TestSupport
{

/**
 * The text with line ends, other control characters and everything outside printable ASCII
 * written as escapes (\n, \r, \uXXXX), so a failed comparison shows which character differs.
 * Backslash and `|` are escaped too: tests join fields with `|` into one comparable line.
 */
QString visibleText(QStringView text);

} // namespace Lathe::TestSupport
