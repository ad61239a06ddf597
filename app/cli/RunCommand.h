// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/** `lathe-cli run`: sends one prompt and streams the answer to stdout. */
int runCommand(const QStringList &arguments);

} // namespace Lathe::Cli
