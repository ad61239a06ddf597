# SPDX-License-Identifier: GPL-3.0-or-later
# lathe_add_test(NAME SOURCES files... LIBS libs... LABELS labels... [TIMEOUT s] [WRAPPER command...])
# One Qt Test executable per class or feature, registered with CTest under its labels. Every
# test runs offscreen, in UTF-8, with a private settings and data home so it never touches the
# user's own. WRAPPER runs the test through a command that takes the test's path last, e.g.
# `dbus-run-session --` for a private D-Bus session.
function(lathe_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;WRAPPER" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} Qt6::Test lathe_common_cfg)
    if(ARG_WRAPPER)
        add_test(NAME ${name} COMMAND ${ARG_WRAPPER} $<TARGET_FILE:${name}>)
    else()
        add_test(NAME ${name} COMMAND ${name})
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(test_home "${CMAKE_CURRENT_BINARY_DIR}/home/${name}")
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABELS}"
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "LANG=C.UTF-8;LC_ALL=C.UTF-8;QT_QPA_PLATFORM=offscreen;HOME=${test_home};XDG_CONFIG_HOME=${test_home}/config;XDG_DATA_HOME=${test_home}/data;XDG_CACHE_HOME=${test_home}/cache;LATHE_CLI=$<TARGET_FILE:lathe-cli>")
endfunction()
