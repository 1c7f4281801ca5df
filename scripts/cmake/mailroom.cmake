# Shared build helpers: warnings, sanitizers, static linking, module libraries.

set(MAILROOM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Werror=unused-result -Werror=return-type -Wnon-virtual-dtor -Wold-style-cast)

if(MAILROOM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  set(MAILROOM_STATIC OFF CACHE BOOL "" FORCE)
endif()

macro(mailroom_find_dependencies)
  set(OPENSSL_USE_STATIC_LIBS ${MAILROOM_STATIC})
  find_package(OpenSSL 3.0 REQUIRED)
  set(Boost_USE_STATIC_LIBS ${MAILROOM_STATIC})
  find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
  find_package(fmt REQUIRED)
  find_package(spdlog REQUIRED)
  find_package(pegtl REQUIRED)
  find_path(TL_EXPECTED_INCLUDE tl/expected.hpp REQUIRED)
  find_path(TOMLPP_INCLUDE toml++/toml.h REQUIRED)
  # ICU converters for charset conversion (src/message/charset.cpp says why
  # not iconv). Static: the archives, so the binary carries ICU's data and
  # loads nothing at run time; Debian builds them as PIC, so PIE test
  # executables link them too. They need libm, libdl and pthreads.
  find_package(ICU REQUIRED COMPONENTS uc data)
  add_library(mailroom_icu INTERFACE)
  if(MAILROOM_STATIC)
    get_filename_component(ICU_LIBDIR ${ICU_UC_LIBRARY} DIRECTORY)
    find_library(MAILROOM_ICUUC_STATIC libicuuc.a HINTS ${ICU_LIBDIR} REQUIRED)
    find_library(MAILROOM_ICUDATA_STATIC libicudata.a HINTS ${ICU_LIBDIR} REQUIRED)
    # Only the converters of ICU's data, 5 MB of 31 (scripts/icu-converter-data).
    set(icu_converters ${CMAKE_BINARY_DIR}/icu/icu-converters.o)
    add_custom_command(OUTPUT ${icu_converters}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/icu
        COMMAND ${PROJECT_SOURCE_DIR}/scripts/icu-converter-data ${MAILROOM_ICUDATA_STATIC}
                ${icu_converters}
        DEPENDS ${PROJECT_SOURCE_DIR}/scripts/icu-converter-data ${MAILROOM_ICUDATA_STATIC}
        COMMENT "ICU converter data")
    add_library(mailroom_icu_converters STATIC ${icu_converters})
    set_source_files_properties(${icu_converters} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
    set_target_properties(mailroom_icu_converters PROPERTIES LINKER_LANGUAGE C)
    target_include_directories(mailroom_icu INTERFACE ${ICU_INCLUDE_DIRS})
    target_link_libraries(mailroom_icu INTERFACE ${MAILROOM_ICUUC_STATIC}
                          mailroom_icu_converters Threads::Threads ${CMAKE_DL_LIBS} m)
  else()
    target_link_libraries(mailroom_icu INTERFACE ICU::uc ICU::data)
  endif()
  # libidn2: IDNA2008 with the UTS #46 mapping (src/message/idna.cpp).
  # Static: its archive, which needs libunistring's (normalisation tables).
  find_path(IDN2_INCLUDE idn2.h REQUIRED)
  add_library(mailroom_idn2 INTERFACE)
  target_include_directories(mailroom_idn2 INTERFACE ${IDN2_INCLUDE})
  if(MAILROOM_STATIC)
    find_library(MAILROOM_IDN2_STATIC libidn2.a REQUIRED)
    find_library(MAILROOM_UNISTRING_STATIC libunistring.a REQUIRED)
    target_link_libraries(mailroom_idn2 INTERFACE ${MAILROOM_IDN2_STATIC}
                          ${MAILROOM_UNISTRING_STATIC})
  else()
    find_library(MAILROOM_IDN2_SHARED idn2 REQUIRED)
    target_link_libraries(mailroom_idn2 INTERFACE ${MAILROOM_IDN2_SHARED})
  endif()
  # spdlog and fmt are used header-only so that `deliver` loads no extra
  # shared objects at start-up (its start-up cost is part of its speed).
  add_library(mailroom_logdeps INTERFACE)
  target_compile_definitions(mailroom_logdeps INTERFACE SPDLOG_HEADER_ONLY FMT_HEADER_ONLY SPDLOG_FMT_EXTERNAL)
  target_include_directories(mailroom_logdeps INTERFACE
      $<TARGET_PROPERTY:spdlog::spdlog_header_only,INTERFACE_INCLUDE_DIRECTORIES>)
endmacro()

# Hot text: the functions one delivery runs, gathered at the start of the
# text by a linker script fragment that scripts/hot-text writes from
# callgrind runs. `deliver` starts once per message and the kernel maps code
# 64 KB around each page fault; spread over 4 MB, the same code took about a
# third more code faults (README, "Speed"). Needs one section per function
# and GNU ld's INSERT (lld reads it too); a stale list only costs speed.
set(MAILROOM_HOT_TEXT ${PROJECT_SOURCE_DIR}/scripts/cmake/hot-text.ld)
if(MAILROOM_STATIC AND NOT MAILROOM_SANITIZE AND EXISTS ${MAILROOM_HOT_TEXT})
  set(MAILROOM_HOT_TEXT_ACTIVE ON)
  add_compile_options(-ffunction-sections)
  # The same for read-only data: string literals not in the mergeable
  # .rodata.str sections, where GNU ld merged them with every archive's
  # (libcrypto, ICU, re2, glibc) and a delivery's literals ended up spread
  # over the 6 MB of .rodata, often as the tail of another library's string:
  # 14 read faults a trained delivery. Kept in each object's own .rodata,
  # near its other constants, they take 9 (+96 KB of duplicates). Appended
  # to CMAKE_CXX_FLAGS, before every directory's targets, so ccache keys
  # stay those of a build given it with -DCMAKE_CXX_FLAGS.
  string(APPEND CMAKE_CXX_FLAGS " -fno-merge-constants")
  # A function the list names that the binary no longer has is code that
  # changed since the list was made: the test fails, names each such
  # function and says how to regenerate the list. Deferred to the end of
  # the top directory, where the `mailroom` target and testing exist.
  function(mailroom_hot_text_check)
    if(MAILROOM_TESTS AND TARGET mailroom)
      add_test(NAME hot_text.no_stale_names
               COMMAND ${PROJECT_SOURCE_DIR}/scripts/hot-text --check $<TARGET_FILE:mailroom>)
      set_tests_properties(hot_text.no_stale_names PROPERTIES LABELS "unit;hot_text")
    endif()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL mailroom_hot_text_check)
endif()

# OpenSSL's CPU probe only when OpenSSL is first used, not at every start
# (scripts/cmake/lazy-cpuid.ld says why). For every executable that links
# libcrypto statically, so the unit tests check what `deliver` runs.
if(MAILROOM_STATIC AND NOT MAILROOM_SANITIZE AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(MAILROOM_LAZY_CPUID ON)
  add_link_options(-Wl,-T,${PROJECT_SOURCE_DIR}/scripts/cmake/lazy-cpuid.ld)
  add_compile_definitions(MAILROOM_LAZY_CPUID=1)
endif()

# mailroom_private_includes(TARGET MODULE): TARGET may include its module's
# private headers as "MODULE/x.hpp" and nothing else of src/ (DESIGN.md: a
# module sees include/ and its own src/<module>/ only). The build directory
# gets private/MODULE/MODULE -> src/MODULE, and that one folder is put on
# the include path, so "deliver/input.hpp" from src/cli does not compile.
function(mailroom_private_includes target module)
  set(root ${CMAKE_BINARY_DIR}/private/${module})
  if(NOT EXISTS ${root}/${module})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${module} ${root}/${module} SYMBOLIC)
  endif()
  target_include_directories(${target} PRIVATE ${root})
endfunction()

# mailroom_module(NAME SOURCES... [DEPS ...]): one static library per module.
function(mailroom_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(mailroom_${name} STATIC ${M_SOURCES})
  target_include_directories(mailroom_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  mailroom_private_includes(mailroom_${name} ${name})
  target_compile_options(mailroom_${name} PRIVATE ${MAILROOM_WARNINGS})
  target_link_libraries(mailroom_${name} PUBLIC ${M_DEPS})
  add_library(mailroom::${name} ALIAS mailroom_${name})
endfunction()

# Every public header must compile on its own (STYLE.md, after Seastar).
function(mailroom_add_header_check)
  file(GLOB_RECURSE headers RELATIVE ${PROJECT_SOURCE_DIR}/include
       ${PROJECT_SOURCE_DIR}/include/mailroom/*.hpp)
  set(sources)
  foreach(h IN LISTS headers)
    string(MAKE_C_IDENTIFIER ${h} id)
    set(src ${CMAKE_BINARY_DIR}/header_check/${id}.cpp)
    file(CONFIGURE OUTPUT ${src} CONTENT "#include <${h}>\n")
    list(APPEND sources ${src})
  endforeach()
  if(sources)
    add_library(mailroom_header_check OBJECT ${sources})
    target_include_directories(mailroom_header_check PRIVATE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(mailroom_header_check PRIVATE mailroom_logdeps OpenSSL::Crypto
                          Boost::filesystem taocpp::pegtl)
    target_compile_options(mailroom_header_check PRIVATE ${MAILROOM_WARNINGS})
    set_target_properties(mailroom_header_check PROPERTIES EXCLUDE_FROM_ALL OFF)
  endif()
endfunction()

# Executables: fully static when MAILROOM_STATIC, glibc included. A
# dynamic glibc cost 0.8 ms of a 4.9 ms delivery (ld.so mapping libc,
# symbol binding, its relocations; README, "Speed"). What static glibc
# cannot do well is not used: NSS (util/passwd.cpp reads /etc/passwd or
# asks getent) and iconv's dlopen'ed gconv (message/charset.cpp uses ICU).
# libcrypto.a still names getaddrinfo, gethostbyname and dlopen (BIO
# sockets, engines), and libhiredis.a getaddrinfo (its TCP connect, which
# spam/redis_client.cpp does itself), so the linker warns; mailroom never
# calls them.
#
# Not position-independent unless MAILROOM_PIE: a PIE must rewrite its
# relocated read-only data (libcrypto's tables, about 390 KB) at every
# start, one page fault per page. `deliver` starts once per message, and
# measured on a VM that is 100 faults and 1.5-2.4 ms of a 6 ms delivery
# (README, "Speed"). Stack, heap and mmap stay randomised;
# full RELRO and immediate binding keep the GOT read-only.
function(mailroom_static_link target)
  if(MAILROOM_STATIC AND MAILROOM_PIE)
    target_link_options(${target} PRIVATE -static-pie)
  elseif(MAILROOM_STATIC)
    target_link_options(${target} PRIVATE -static)
  endif()
  if(MAILROOM_HOT_TEXT_ACTIVE)
    target_link_options(${target} PRIVATE -Wl,-T,${MAILROOM_HOT_TEXT})
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${MAILROOM_HOT_TEXT})
  endif()
  if(NOT MAILROOM_PIE)
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
    target_link_options(${target} PRIVATE -no-pie -Wl,-z,relro,-z,now)
  endif()
endfunction()
