// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/** `lathe-cli tokens (--encoding NAME | --model NAME) [--ids] [--allow-special] [FILE|-]` */
int tokensCommand(const QStringList &arguments);

} // namespace Lathe::Cli
