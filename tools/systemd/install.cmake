# Installs the service's files by the prefix given at install time (`cmake --install build
# --prefix /usr`), which a configure-time path cannot know: the configuration in /etc under
# /usr (as GNUInstallDirs' FULL_SYSCONFDIR would say), the unit with this prefix's paths.
# Set by tools/CMakeLists.txt: LODESTAR_TOOLS_DIR, LODESTAR_BUILD_DIR, LODESTAR_UNIT_DIR,
# LODESTAR_SBIN, LODESTAR_ETC (CMAKE_INSTALL_SYSCONFDIR: relative, or absolute as debhelper
# gives it).
cmake_policy(VERSION 3.25)  # an install script starts with old policies; the project's own
function(lodestar_full out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  elseif(dir STREQUAL "etc" AND (CMAKE_INSTALL_PREFIX STREQUAL "/usr" OR CMAKE_INSTALL_PREFIX STREQUAL "/"))
    set(${out} "/etc" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

lodestar_full(etc "${LODESTAR_ETC}")
lodestar_full(sbin "${LODESTAR_SBIN}")
lodestar_full(units "${LODESTAR_UNIT_DIR}")

set(LODESTAR_SBINDIR "${sbin}")
set(LODESTAR_SYSCONFDIR "${etc}")
set(unit "${LODESTAR_BUILD_DIR}/systemd/lodestar.service")
configure_file("${LODESTAR_TOOLS_DIR}/systemd/lodestar.service.in" "${unit}" @ONLY)

file(INSTALL "${unit}" DESTINATION "${units}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${LODESTAR_TOOLS_DIR}/systemd/lodestar.yaml" DESTINATION "${etc}/lodestar"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# An empty folder: file(INSTALL) makes none, and takes no DESTDIR here.
message(STATUS "Installing: $ENV{DESTDIR}${etc}/lodestar/zones")
file(MAKE_DIRECTORY "$ENV{DESTDIR}${etc}/lodestar/zones")
