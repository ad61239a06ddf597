// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/** `lathe-cli render --template FILE [--data FILE.json] [--partials DIR] [--strict] [--escape-html]` */
int renderCommand(const QStringList &arguments);

} // namespace Lathe::Cli
