// The compiled form of a Sieve script, kept beside it (issue 13, "Where
// scripts come from"; Pigeonhole keeps its .svbin the same way), so that
// `deliver`, which runs once per message, does not parse and validate the
// script on every delivery: loading it costs a tenth of compiling it
// (bench/sieve; the commit that added it has the callgrind counts).
//
// The form is a cache, never an authority: it is used only when it was
// written by this very build (GNU build id), holds exactly the bytes of the
// script as it is now (compared whole: no stamp, no hash to collide), is
// complete (lengths and a checksum) and decodes into a well-formed Program.
// Anything else is compiled in memory and the form written anew, atomically
// (a temporary file renamed over it); where it cannot be written (a global
// script's root-owned directory, a read-only home) the script is compiled
// in memory on every run, without error.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/parse.hpp"
#include "mailroom/sieve/program.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::sieve {

// This executable's GNU build id, in hex; "" when the linker wrote none,
// and then no compiled form is ever read or written.
[[nodiscard]] std::string_view build_id() noexcept;

// The bytes of the compiled form of `program`, compiled from `source`.
[[nodiscard]] std::string encode_binary(const Program& program, std::string_view source,
                                        std::string_view build);

// The Program when `bytes` is the compiled form of exactly `source` by the
// build `build`, whole and well-formed; else why it is not (for the log).
[[nodiscard]] tl::expected<Program, std::string> decode_binary(std::string_view bytes,
                                                               std::string_view source,
                                                               std::string_view build,
                                                               const Limits& limits = {});

// Where the compiled form of `script` lives: "x.sieve" -> "x.mrsvbin",
// anything else gets ".mrsvbin" added. Not Pigeonhole's ".svbin": a user of
// both would have each rewrite the other's file on every delivery.
[[nodiscard]] std::string binary_path(std::string_view script);

struct LoadedScript {
  CompileResult program;
  bool from_binary = false;  // the compiled form was used
  std::string note;          // why it was not used or not written; "" when all went well
};

// Reads the script at `path` (with the caller's privileges: `deliver` has
// dropped them to the user's) and gives its Program, from the compiled form
// when that is current, else compiled (and the form rewritten). An error
// only when the script itself cannot be read.
[[nodiscard]] Result<LoadedScript> load_script(const std::string& path, const Limits& limits = {},
                                               std::string_view build = build_id());

}  // namespace mailroom::sieve
