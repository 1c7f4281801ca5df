// The subcommands of the mailroom executable. main.cpp only dispatches.
#pragma once

#include <span>
#include <string_view>

namespace mailroom::cli {

using Args = std::span<char* const>;  // the subcommand's arguments, without its name

int deliver_command(Args args);
int config_command(Args args);
int auth_command(Args args);    // `mailroom auth check`
int sieve_command(Args args);   // `mailroom sieve check|test`
int serve_command(Args args);   // `mailroom serve`
int lmtp_command(Args args);    // `mailroom lmtp`
int passwd_command(Args args);  // `mailroom passwd`
int srs_command(Args args);     // `mailroom srs forward|reverse`
int dmarc_command(Args args);   // `mailroom dmarc send`
// `mailroom learn` and `mailroom score` (spam_command.cpp)
int spam_command(std::string_view command, Args args);
void print_spam_usage(std::string_view command);

void print_usage(std::string_view command);  // "" for the overview
void print_version();

}  // namespace mailroom::cli
