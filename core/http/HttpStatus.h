// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace Lathe::Http
{

/**
 * The standard reason phrase of an HTTP status (RFC 9110), plus the non-standard ones LLM
 * providers use (Anthropic's 529 "Overloaded"). Empty for a status without one.
 */
QByteArray reasonPhrase(int status);

} // namespace Lathe::Http
