// RFC 6609 include: :personal/:global, :once, :optional, return, global
// variables, loops and limits, names that would leave their directory,
// and the compile-time check of check_includes.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "structure_support.hpp"

namespace mailroom::sieve {
namespace {

using structure_testing::compile_error;
using structure_testing::run_text;
using structure_testing::words;
using Words = std::vector<std::string>;

class SieveInclude : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mailroom-include-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    std::filesystem::create_directories(root_ + "/personal");
    std::filesystem::create_directories(root_ + "/global");
    options_.personal_dir = root_ + "/personal";
    options_.global_dir = root_ + "/global";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void script(const std::string& where, const std::string& name, const std::string& text) {
    std::ofstream(root_ + "/" + where + "/" + name + ".sieve") << text;
  }
  Outcome run_main(const std::string& body) {
    return run_text("require [\"include\", \"fileinto\", \"variables\"];\n" + body, options_);
  }

  std::string root_;
  RunOptions options_;
};

TEST_F(SieveInclude, PersonalAndGlobalAreDifferentScripts) {
  script("personal", "where", "require \"fileinto\";\nfileinto \"Personal\";\n");
  script("global", "where", "require \"fileinto\";\nfileinto \"Global\";\n");
  EXPECT_EQ(words(run_main("include \"where\";")), (Words{"fileinto:Personal"}));
  EXPECT_EQ(words(run_main("include :personal \"where\";")), (Words{"fileinto:Personal"}));
  EXPECT_EQ(words(run_main("include :global \"where\";")), (Words{"fileinto:Global"}));
}

// §3.2: a missing script is an error unless :optional.
TEST_F(SieveInclude, MissingScript) {
  EXPECT_EQ(words(run_main("fileinto \"A\";\ninclude \"none\";")), (Words{"error", "keep*"}));
  EXPECT_EQ(words(run_main("include :optional \"none\";\nfileinto \"A\";")), (Words{"fileinto:A"}));
  options_.global_dir.clear();
  EXPECT_EQ(words(run_main("include :global \"x\";")), (Words{"error", "keep*"}));
  EXPECT_EQ(words(run_main("include :global :optional \"x\";")), (Words{"keep*"}));
}

TEST_F(SieveInclude, BrokenScriptIsARuntimeError) {
  script("personal", "broken", "fileinto \"x\";\n");
  auto o = run_main("include \"broken\";");
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
  EXPECT_NE(o.error->message.find("does not compile"), std::string::npos);
}

TEST_F(SieveInclude, StopEndsAllReturnEndsOne) {
  script("personal", "stops", "stop;\n");
  script("personal", "returns",
         "require [\"include\", \"fileinto\"];\nfileinto \"In\";\nreturn;\nfileinto \"No\";\n");
  EXPECT_EQ(words(run_main("include \"stops\";\nfileinto \"After\";")), (Words{"keep*"}));
  EXPECT_EQ(words(run_main("include \"returns\";\nfileinto \"After\";")),
            (Words{"fileinto:In", "fileinto:After"}));
  EXPECT_EQ(words(run_main("fileinto \"A\";\nreturn;\nfileinto \"B\";")), (Words{"fileinto:A"}));
}

// §3.3: only variables both scripts declare global are shared.
TEST_F(SieveInclude, GlobalVariables) {
  script("personal", "sets",
         "require [\"include\", \"variables\"];\nglobal \"who\";\nset \"who\" \"inner\";\n"
         "set \"mine\" \"inner\";\n");
  EXPECT_EQ(words(run_main("global \"who\";\nset \"mine\" \"outer\";\ninclude \"sets\";\n"
                           "fileinto \"${who}-${mine}\";")),
            (Words{"fileinto:inner-outer"}));
  // Not declared here: "${who}" is this script's own (empty), but
  // "${global.who}" reads the global one (§3.5).
  EXPECT_EQ(words(run_main("include \"sets\";\nfileinto \"[${who}][${global.who}]\";")),
            (Words{"fileinto:[][inner]"}));
  script("personal", "reads",
         "require [\"include\", \"variables\", \"fileinto\"];\nglobal \"who\";\n"
         "fileinto \"got-${who}\";\n");
  EXPECT_EQ(words(run_main("set \"global.who\" \"outer\";\ninclude \"reads\";")),
            (Words{"fileinto:got-outer"}));
}

TEST_F(SieveInclude, OnceSkipsAScriptAlreadyIncluded) {
  script("personal", "count",
         "require [\"include\", \"variables\"];\nglobal \"n\";\nset \"n\" \"${n}x\";\n");
  EXPECT_EQ(words(run_main("global \"n\";\ninclude \"count\";\ninclude :once \"count\";\n"
                           "fileinto \"${n}\";")),
            (Words{"fileinto:x"}));
  EXPECT_EQ(words(run_main("global \"n\";\ninclude \"count\";\ninclude \"count\";\n"
                           "fileinto \"${n}\";")),
            (Words{"fileinto:xx"}));
}

TEST_F(SieveInclude, LoopsAndLimits) {
  script("personal", "a", "require \"include\";\ninclude \"b\";\n");
  script("personal", "b", "require \"include\";\ninclude \"a\";\n");
  auto o = run_main("include \"a\";");
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
  EXPECT_NE(o.error->message.find("includes itself"), std::string::npos);
  for (int i = 0; i < 5; ++i) {
    script("personal", "d" + std::to_string(i),
           "require \"include\";\ninclude \"d" + std::to_string(i + 1) + "\";\n");
  }
  script("personal", "d5", "keep;\n");
  EXPECT_EQ(words(run_main("include \"d0\";")), (Words{"keep"}));
  options_.limits.max_include_depth = 3;
  EXPECT_EQ(words(run_main("include \"d0\";")), (Words{"error", "keep*"}));
  options_.limits.max_include_depth = 10;
  options_.limits.max_includes = 2;
  EXPECT_EQ(words(run_main("include \"d3\";\ninclude \"d3\";")), (Words{"error", "keep*"}));
}

// A name may not leave its directory: no "/", no "..", no leading ".".
TEST_F(SieveInclude, NamesStayInTheirDirectory) {
  script("global", "secret", "require \"fileinto\";\nfileinto \"Leaked\";\n");
  for (const char* name : {"../global/secret", "a/b", "..", ".hidden", "", "x..y"}) {
    EXPECT_EQ(compile_error(std::string("require \"include\";\ninclude \"") + name + "\";"),
              "bad-arguments")
        << name;
  }
  auto o = run_main("set \"n\" \"../global/secret\";\ninclude \"${n}\";");
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
}

TEST_F(SieveInclude, CompileErrors) {
  EXPECT_EQ(compile_error("include \"a\";"), "missing-require");
  EXPECT_EQ(compile_error("require \"include\";\ninclude :personal :global \"a\";"),
            "duplicate-tag");
  EXPECT_EQ(compile_error("require \"include\";\ninclude :once :once \"a\";"), "duplicate-tag");
  EXPECT_EQ(compile_error("require \"include\";\ninclude [\"a\", \"b\"];"), "bad-arguments");
  EXPECT_EQ(compile_error("require \"include\";\ninclude :first \"a\";"), "unknown-tag");
  EXPECT_EQ(compile_error("require \"include\";\nreturn \"x\";"), "bad-arguments");
  EXPECT_EQ(compile_error("return;"), "missing-require");
  EXPECT_EQ(compile_error("require \"include\";\nglobal \"x\";"), "missing-require");
  EXPECT_EQ(compile_error("require [\"include\", \"variables\"];\nglobal \"1x\";"), "bad-variable");
  EXPECT_EQ(compile_error("require \"variables\";\nset \"global.x\" \"1\";"), "unknown-namespace");
  EXPECT_EQ(
      compile_error("require [\"include\", \"variables\"];\nset \"global.x\" \"${global.y}\";"),
      "");
}

// check_includes: what `sieve check --include-dir` reports.
TEST_F(SieveInclude, CheckedWhenCompiling) {
  script("personal", "ok", "keep;\n");
  script("personal", "self", "require \"include\";\ninclude \"self\";\n");
  script("personal", "broken", "fileinto \"x\";\n");
  auto check = [&](const std::string& body) -> std::string {
    auto program = compile("require [\"include\", \"variables\"];\n" + body);
    EXPECT_TRUE(program) << body;
    if (!program) return "?";
    auto bad = check_includes(*program, options_.personal_dir, options_.global_dir);
    return bad ? std::to_string(bad->position.line) + ":" + std::string(to_string(bad->kind)) : "";
  };
  EXPECT_EQ(check("include \"ok\";"), "");
  EXPECT_EQ(check("include :optional \"none\";"), "");
  EXPECT_EQ(check("\ninclude \"none\";"), "3:bad-include");
  EXPECT_EQ(check("if true { include \"broken\"; }"), "2:bad-include");
  EXPECT_EQ(check("include \"self\";"), "2:bad-include");
  EXPECT_EQ(check("set \"n\" \"none\";\ninclude \"${n}\";"), "");  // left to run time
  EXPECT_EQ(check_includes(*compile("require \"include\";\ninclude \"none\";"), "", ""),
            std::nullopt);
}

}  // namespace
}  // namespace mailroom::sieve
