// `mailroom sieve from-procmail`: a procmailrc (procmailrc(5)) turned into
// a Sieve script, recipe by recipe, with every recipe that has no Sieve
// equivalent listed with its line and the reason.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::sieve {

struct ProcmailSkip {
  std::size_t line = 0;  // of the ":0" (or the assignment) in the rc file
  std::string reason;
};

struct ProcmailConversion {
  std::string script;  // the Sieve script; untranslated recipes as comments
  std::vector<ProcmailSkip> skipped;
};

// Never fails: what cannot be read as a recipe is skipped with a reason.
ProcmailConversion convert_procmail(std::string_view rc);

}  // namespace mailroom::sieve
