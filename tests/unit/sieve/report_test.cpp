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
  o.actions = {file, keep};
  EXPECT_EQ(to_json(o),
            R"({"actions":[{"action":"fileinto","folder":"Lists/\"a\"","copy":true,"line":3},)"
            R"({"action":"keep","implicit":true}],"error":null})");
  o.actions = {keep};
  o.error = Diagnostic{DiagnosticKind::runtime, "too\nmany", {7, 2}};
  EXPECT_EQ(to_json(o),
            R"({"actions":[{"action":"keep","implicit":true}],"error":{"kind":"runtime",)"
            R"("code":"runtime","message":"too\u000amany","line":7,"column":2}})");
}

TEST(SieveReport, Describe) {
  Action redirect;
  redirect.kind = ActionKind::redirect;
  redirect.target = "a@b.example";
  redirect.position = {5, 3};
  EXPECT_EQ(describe(redirect), "redirect \"a@b.example\" (line 5)");
}

}  // namespace
}  // namespace mailroom::sieve
