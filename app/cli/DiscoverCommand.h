// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/** `lathe-cli discover`: looks for local model servers on 127.0.0.1 and lists their models. */
int discoverCommand(const QStringList &arguments);

} // namespace Lathe::Cli
