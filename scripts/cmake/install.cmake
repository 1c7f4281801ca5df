# Install rules (README "Using it"; contrib/debian packages what they
# install). Paths follow GNUInstallDirs: `cmake --install build` gives
# /usr/local/..., `--prefix P` gives P/..., the Debian package /usr/...; the
# man pages are configured at install time so that each names its own paths.

function(mailroom_add_install_rules)
  # The commented example configuration, generated from the binary's own key
  # list and defaults (example-config.sh), so it cannot drift from the code.
  if(TARGET mailroom)
    set(example ${PROJECT_BINARY_DIR}/mailroom.toml.example)
    add_custom_command(OUTPUT ${example}
      COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/cmake/example-config.sh
              $<TARGET_FILE:mailroom> ${example}
      DEPENDS mailroom ${PROJECT_SOURCE_DIR}/scripts/cmake/example-config.sh
      COMMENT "Writing mailroom.toml.example from mailroom config --help")
    add_custom_target(mailroom_example_config ALL DEPENDS ${example})
    install(FILES ${example} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
  # The MTA snippets; the man pages point at DOCDIR/contrib. contrib/debian
  # is the packaging itself, not an example.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/contrib/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/contrib
          PATTERN debian EXCLUDE)
  # man/NAME.N into MANDIR/manN, @CMAKE_INSTALL_FULL_BINDIR@ and
  # @CMAKE_INSTALL_FULL_DOCDIR@ replaced by this install's paths.
  install(CODE "
    set(MAILROOM_MAN_SOURCE \"${PROJECT_SOURCE_DIR}/man\")
    set(MAILROOM_MAN_BUILD \"${PROJECT_BINARY_DIR}/man\")
    set(MAILROOM_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
    set(MAILROOM_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
    set(MAILROOM_MANDIR \"${CMAKE_INSTALL_MANDIR}\")
    set(MAILROOM_LIBEXECDIR \"${CMAKE_INSTALL_LIBEXECDIR}\")
    include(\"${PROJECT_SOURCE_DIR}/scripts/cmake/install-man.cmake\")")
  # Sieve scripts and spam rules, once there are any.
  if(EXISTS ${PROJECT_SOURCE_DIR}/rules)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mailroom/rules)
  endif()
endfunction()
