// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <tl/expected.hpp>

#include "Error.h"

namespace Lathe
{

/** The return type of every fallible core operation; std::expected once we are on C++23. */
template <typename T> using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, QString message, QString where = {})
{
    return tl::unexpected<Error>(Error(code, std::move(message), std::move(where)));
}

} // namespace Lathe
