// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/**
 * `lathe-cli validate --schema SCHEMA.json [--draft D] [--format-assert] [--map-uri PREFIX=DIR]…
 * [--jsonl FILE | INSTANCE.json | -]`
 */
int validateCommand(const QStringList &arguments);

} // namespace Lathe::Cli
