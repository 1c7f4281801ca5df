// One command-line scanner for the subcommands, getopt-like: short flags as
// dovecot-lda takes them ("-dalice", "-d alice", "-ek"), long options with
// the value attached or apart ("--client-address=192.0.2.1" or
// "--client-address 192.0.2.1"). A bad flag comes back as a message that
// names it and lists what the command takes.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::cli {

struct OptionSpec {
  std::string_view name;         // "-d" or "--client-address"
  std::string_view value_label;  // "USER"; empty: a flag without a value
};

struct ScannedOption {
  std::string name;  // as in OptionSpec; "" for an operand (not an option)
  std::string value;
};

// The options and operands of `args` in order, or a usage error such as
// "unknown option '--client-ip'; mailroom deliver takes -d USER, ...".
[[nodiscard]] Result<std::vector<ScannedOption>> scan_options(Args args,
                                                              std::span<const OptionSpec> specs,
                                                              std::string_view command);

// "--ip=192.0.2.1" -> "--ip" "192.0.2.1"; every other argument unchanged.
// For a parser that takes long options only in the separate form.
[[nodiscard]] std::vector<std::string> split_long_values(Args args);

// The configuration named by the -c FILE and -o SECTION.KEY=VALUE options
// among `options` (others are the caller's): the file (default path when
// there is no -c), then the overrides in order.
[[nodiscard]] Result<Config> config_from(const std::vector<ScannedOption>& options);

// char* views of `words` (valid while `words` lives), to pass as Args.
[[nodiscard]] std::vector<char*> as_args(std::vector<std::string>& words);

}  // namespace mailroom::cli
