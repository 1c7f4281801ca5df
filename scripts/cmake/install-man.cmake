# Run by `cmake --install` (scripts/cmake/install.cmake): configures each
# man page with the paths of this install and installs it by section
# (mailroom.1 into man1, ...), where man(1) looks. CMAKE_INSTALL_PREFIX is
# the prefix given at install time; file(INSTALL) adds DESTDIR itself.
foreach(dir BINDIR DOCDIR MANDIR LIBEXECDIR)
  if(IS_ABSOLUTE "${MAILROOM_${dir}}")
    set(CMAKE_INSTALL_FULL_${dir} "${MAILROOM_${dir}}")
  else()
    set(CMAKE_INSTALL_FULL_${dir} "${CMAKE_INSTALL_PREFIX}/${MAILROOM_${dir}}")
  endif()
endforeach()
file(GLOB pages "${MAILROOM_MAN_SOURCE}/*.[0-9]")
foreach(page IN LISTS pages)
  get_filename_component(name "${page}" NAME)
  string(REGEX MATCH "[0-9]$" section "${name}")
  configure_file("${page}" "${MAILROOM_MAN_BUILD}/${name}" @ONLY)
  file(INSTALL "${MAILROOM_MAN_BUILD}/${name}" DESTINATION "${CMAKE_INSTALL_FULL_MANDIR}/man${section}"
       TYPE FILE)
endforeach()
