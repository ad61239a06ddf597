// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include "base/Result.h"

namespace Lathe::App
{

/** The demo workspace (`demo.lathe` in the data folder) that `lathe --demo` opens. */
QString demoWorkspacePath();

/**
 * Opens (or makes) the workspace at `path` and fills an empty library with example prompts
 * worth looking at: versions with messages, a change to diff, labels and tags. A library that
 * has prompts is left as it is.
 */
Result<void> seedDemoWorkspace(const QString &path);

} // namespace Lathe::App
