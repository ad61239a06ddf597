// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace Lathe::Cli
{

/** `lathe-cli serve-mock`: runs the provider simulator until killed. */
int serveMockCommand(const QStringList &arguments);

} // namespace Lathe::Cli
