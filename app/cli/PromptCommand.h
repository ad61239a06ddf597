// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/**
 * `lathe-cli prompt list|show REF|save NAME --file F|diff A B|label NAME@VERSION LABEL|history NAME
 * [--workspace FILE]`
 */
int promptCommand(const QStringList &arguments);

} // namespace Lathe::Cli
