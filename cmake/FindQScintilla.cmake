# SPDX-License-Identifier: GPL-3.0-or-later
# Finds QScintilla built for Qt 6. Debian ships headers and the library but no CMake package
# configuration, so we look for them ourselves and provide the imported target
# QScintilla::QScintilla.
find_package(Qt6 REQUIRED COMPONENTS Widgets)
get_target_property(_lathe_qt_include Qt6::Core INTERFACE_INCLUDE_DIRECTORIES)

find_path(QScintilla_INCLUDE_DIR
    NAMES Qsci/qsciscintilla.h
    HINTS ${_lathe_qt_include} /usr/include/qt6 /usr/include/x86_64-linux-gnu/qt6
          /usr/include/aarch64-linux-gnu/qt6 /usr/local/include)
find_library(QScintilla_LIBRARY
    NAMES qscintilla2_qt6 qscintilla2-qt6 qscintilla2)

if(QScintilla_INCLUDE_DIR AND EXISTS "${QScintilla_INCLUDE_DIR}/Qsci/qsciglobal.h")
    file(STRINGS "${QScintilla_INCLUDE_DIR}/Qsci/qsciglobal.h" _lathe_qsci_version
         REGEX "^#define QSCINTILLA_VERSION_STR")
    string(REGEX REPLACE ".*\"([^\"]+)\".*" "\\1" QScintilla_VERSION "${_lathe_qsci_version}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(QScintilla
    REQUIRED_VARS QScintilla_LIBRARY QScintilla_INCLUDE_DIR
    VERSION_VAR QScintilla_VERSION)

if(QScintilla_FOUND AND NOT TARGET QScintilla::QScintilla)
    add_library(QScintilla::QScintilla UNKNOWN IMPORTED)
    set_target_properties(QScintilla::QScintilla PROPERTIES
        IMPORTED_LOCATION "${QScintilla_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${QScintilla_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES Qt6::Widgets)
endif()
mark_as_advanced(QScintilla_INCLUDE_DIR QScintilla_LIBRARY)
