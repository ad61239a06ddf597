// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include "library/PromptLibrary.h"

namespace Lathe::App
{

/** The demo workspace (`demo.lathe` in the data folder) that `lathe --demo` opens. */
QString demoWorkspacePath();

/**
 * Fills an empty library with example prompts worth looking at: versions with messages, a
 * change to diff, and labels. A library that has prompts is left as it is.
 */
Result<void> seedDemoLibrary(Library::PromptLibrary &library);

} // namespace Lathe::App
