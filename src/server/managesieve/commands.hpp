// Small helpers shared by both states of a ManageSieve connection.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/server/managesieve.hpp"

namespace mailroom::server::managesieve {

// The command name in upper case; "" when the first token is no atom.
[[nodiscard]] std::string command_name(const Event& event);
// True when every token from `from` on is a string.
[[nodiscard]] bool all_strings(const std::vector<Token>& tokens, std::size_t from);
[[nodiscard]] bool upper_equals(std::string_view text, std::string_view upper);
// Any command of RFC 5804 §2 (so the answer is "not now", not "unknown").
[[nodiscard]] bool is_command(std::string_view name);
// NOOP [tag] (§2.13): OK, with (TAG "tag") when one was given.
[[nodiscard]] std::string noop_reply(const Event& event);

}  // namespace mailroom::server::managesieve
