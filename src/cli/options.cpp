#include "cli/options.hpp"

namespace mailroom::cli {
namespace {

const OptionSpec* find_spec(std::span<const OptionSpec> specs, std::string_view name) {
  for (const auto& spec : specs)
    if (spec.name == name) return &spec;
  return nullptr;
}

// "-d USER, -f SENDER, -e, --client-address IP": what to write instead.
std::string list_of(std::span<const OptionSpec> specs) {
  std::string out;
  for (const auto& spec : specs) {
    if (!out.empty()) out += ", ";
    out.append(spec.name);
    if (!spec.value_label.empty()) out.append(" ").append(spec.value_label);
  }
  return out;
}

tl::unexpected<Error> usage_error(std::string_view command, const std::string& what,
                                  std::span<const OptionSpec> specs) {
  return fail(ErrorKind::usage, what + "; " + std::string(command) + " takes " + list_of(specs) +
                                    " (see " + std::string(command) + " --help)");
}

}  // namespace

Result<std::vector<ScannedOption>> scan_options(Args args, std::span<const OptionSpec> specs,
                                                std::string_view command) {
  std::vector<ScannedOption> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      out.push_back({"", std::string(arg)});
      continue;
    }
    if (arg.starts_with("--")) {
      auto eq = arg.find('=');
      auto name = arg.substr(0, eq);
      const auto* spec = find_spec(specs, name);
      if (spec == nullptr)
        return usage_error(command, "unknown option '" + std::string(name) + "'", specs);
      if (spec->value_label.empty()) {
        if (eq != std::string_view::npos)
          return usage_error(command, std::string(name) + " takes no value", specs);
        out.push_back({std::string(name), ""});
      } else if (eq != std::string_view::npos) {
        out.push_back({std::string(name), std::string(arg.substr(eq + 1))});
      } else if (i + 1 < args.size()) {
        out.push_back({std::string(name), args[++i]});
      } else {
        return usage_error(
            command, std::string(name) + " needs a value (" + std::string(spec->value_label) + ")",
            specs);
      }
      continue;
    }
    // Short flags, getopt style: "-ek" is -e -k; "-dalice" is -d alice.
    for (std::size_t at = 1; at < arg.size(); ++at) {
      std::string name{'-', arg[at]};
      const auto* spec = find_spec(specs, name);
      if (spec == nullptr) return usage_error(command, "unknown option '" + name + "'", specs);
      if (spec->value_label.empty()) {
        out.push_back({name, ""});
        continue;
      }
      if (at + 1 < arg.size()) {
        out.push_back({name, std::string(arg.substr(at + 1))});
      } else if (i + 1 < args.size()) {
        out.push_back({name, args[++i]});
      } else {
        return usage_error(command,
                           name + " needs a value (" + std::string(spec->value_label) + ")", specs);
      }
      break;
    }
  }
  return out;
}

std::vector<std::string> split_long_values(Args args) {
  std::vector<std::string> out;
  for (std::string_view arg : args) {
    auto eq = arg.find('=');
    if (arg.starts_with("--") && eq != std::string_view::npos) {
      out.emplace_back(arg.substr(0, eq));
      out.emplace_back(arg.substr(eq + 1));
    } else {
      out.emplace_back(arg);
    }
  }
  return out;
}

std::vector<char*> as_args(std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size());
  for (auto& word : words) out.push_back(word.data());
  return out;
}

Result<Config> config_from(const std::vector<ScannedOption>& options) {
  std::string path{kDefaultConfigPath};
  bool explicit_path = false;
  std::vector<std::string> overrides;
  for (const auto& option : options) {
    if (option.name == "-c") {
      path = option.value;
      explicit_path = true;
    } else if (option.name == "-o") {
      overrides.push_back(option.value);
    }
  }
  return load_config(path, explicit_path, overrides);
}

}  // namespace mailroom::cli
