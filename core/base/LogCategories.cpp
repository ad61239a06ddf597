// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogCategories.h"

Q_LOGGING_CATEGORY(lcNet, "lathe.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProviders, "lathe.providers", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMock, "lathe.mock", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCatalog, "lathe.catalog", QtInfoMsg)
