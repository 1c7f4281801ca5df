// The --json outcome is a documented, stable format (mailroom-sieve(7)).
#include <gtest/gtest.h>

#include "mailroom/sieve/report.hpp"

namespace mailroom::sieve {
namespace {

TEST(SieveReport, JsonIsStable) {
  Outcome o;
  Action file;
  file.kind = ActionKind::fileinto;
  file.target = "Lists/\"a\"";
  file.copy = true;
  file.position = {3, 1};
  Action keep;
  keep.implicit = true;
  keep.flags = {"\\Seen", "$Junk"};
  o.actions = {file, keep};
  EXPECT_EQ(to_json(o),
            R"({"actions":[{"action":"fileinto","folder":"Lists/\"a\"","copy":true,)"
            R"("create":false,"flags":[],"line":3},)"
            R"({"action":"keep","implicit":true,"flags":["\\Seen","$Junk"]}],"error":null})");
  Action reject;
  reject.kind = ActionKind::reject;
  reject.reason = "no \"thanks\"";
  reject.position = {2, 1};
  o.actions = {reject};
  EXPECT_EQ(to_json(o),
            R"({"actions":[{"action":"reject","reason":"no \"thanks\"","line":2}],"error":null})");
  keep.flags.clear();
  o.actions = {keep};
  o.error = Diagnostic{DiagnosticKind::runtime, "too\nmany", {7, 2}};
  EXPECT_EQ(
      to_json(o),
      R"({"actions":[{"action":"keep","implicit":true,"flags":[]}],"error":{"kind":"runtime",)"
      R"("code":"runtime","message":"too\u000amany","line":7,"column":2}})");
}

TEST(SieveReport, Describe) {
  Action redirect;
  redirect.kind = ActionKind::redirect;
  redirect.target = "a@b.example";
  redirect.position = {5, 3};
  EXPECT_EQ(describe(redirect), "redirect \"a@b.example\" (line 5)");
  Action file;
  file.kind = ActionKind::fileinto;
  file.target = "Junk";
  file.flags = {"\\Seen", "$Junk"};
  file.position = {2, 1};
  Action reject;
  reject.kind = ActionKind::reject;
  reject.reason = "not here";
  reject.position = {4, 1};
  EXPECT_EQ(describe(reject), "reject \"not here\" (line 4)");
  EXPECT_EQ(describe(file), "fileinto \"Junk\" :flags \"\\Seen $Junk\" (line 2)");
}

}  // namespace
}  // namespace mailroom::sieve
