# SPDX-License-Identifier: GPL-3.0-or-later
# One INTERFACE target that carries the flags every Lathe target shares: the language level,
# the warning set, strict Qt defines and the optional sanitizers. Vendored code does not link it.
add_library(lathe_common_cfg INTERFACE)
target_compile_features(lathe_common_cfg INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(lathe_common_cfg INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wcast-qual -Wformat=2 -Wundef -Wimplicit-fallthrough -Wmissing-declarations)
if(LATHE_WERROR)
    target_compile_options(lathe_common_cfg INTERFACE -Werror)
endif()

target_compile_definitions(lathe_common_cfg INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    $<$<NOT:$<CONFIG:Debug>>:QT_NO_DEBUG_OUTPUT>)

if(LATHE_SANITIZE)
    string(REPLACE ";" "," _lathe_sanitizers "${LATHE_SANITIZE}")
    target_compile_options(lathe_common_cfg INTERFACE
        -fsanitize=${_lathe_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(lathe_common_cfg INTERFACE -fsanitize=${_lathe_sanitizers})
endif()
