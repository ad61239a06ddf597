// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/** `lathe-cli forecast --model NAME… (--prompt TEXT | --prompt-file FILE) [--cases N] …` */
int forecastCommand(const QStringList &arguments);

} // namespace Lathe::Cli
