// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace Lathe::Schema
{

/**
 * RFC 3986 section 5.2 reference resolution, on strings as written. QUrl would also resolve,
 * but it normalizes percent-encoding and case on the way, and schema identifiers are compared
 * as the strings the schema author wrote.
 */
std::string resolveUri(std::string_view base, std::string_view reference);

/** The URI without its fragment, and the fragment without its '#' ("" when none). */
struct UriAndFragment
{
    std::string_view uri;
    std::string_view fragment;
    bool hasFragment = false;
};
UriAndFragment splitFragment(std::string_view uri);

/** The URI with an empty trailing fragment ("…#") removed; other fragments are kept. */
std::string_view withoutEmptyFragment(std::string_view uri);

} // namespace Lathe::Schema
