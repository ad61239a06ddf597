// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/**
 * `lathe-cli key set|forget|status API`: keeps an API key in the OS keychain under the API's
 * host, where `lathe-cli run` and the app find it. `set` reads the key from stdin, never from
 * the command line, which other users of the machine can read in the process list.
 */
int keyCommand(const QStringList &arguments);

} // namespace Lathe::Cli
