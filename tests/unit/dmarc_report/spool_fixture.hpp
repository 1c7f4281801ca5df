// A fresh spool directory for the `dmarc send` tests (send_test.cpp,
// failure_test.cpp), removed after each test, and the options that send
// from it with no DNS (every rua=/ruf= in the tests is inside its domain).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mailroom/auth/psl.hpp"
#include "mailroom/dmarc_report/send.hpp"
#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::dmarc_report {

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dmarc_spool_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    spool_ = pattern;
    psl_ = auth::PublicSuffixList::from_text("com\nnet\n");
  }
  void TearDown() override { std::filesystem::remove_all(spool_); }

  // Sending appends "<first recipient> <size>" to <spool>/sent.log (in the
  // child that marks: send.hpp); `exit_code` not 0: it fails as sendmail would.
  SendOptions base_options(std::int64_t now, int exit_code = 0) {
    SendOptions o;
    o.spool = spool_;
    o.org_name = "mx.example.net";
    o.email = "dmarc@example.net";
    o.now = now;
    o.resolver = &resolver_;
    o.psl = &psl_;
    const std::string log = spool_ + "/sent.log";
    o.send = [log, exit_code](const std::string&, const std::vector<std::string>& to,
                              std::string_view message) -> Status {
      std::ofstream(log, std::ios::app) << to.at(0) << " " << message.size() << "\n";
      if (exit_code != 0) return fail(ErrorKind::temporary, "sendmail exit 75");
      return ok();
    };
    return o;
  }

  // The first recipient of each message sent, in order.
  std::vector<std::string> sent() const {
    std::ifstream in(spool_ + "/sent.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line.substr(0, line.find(' ')));
    return lines;
  }

  std::string spool_;
  dns::StaticResolver resolver_;
  auth::PublicSuffixList psl_;
};

}  // namespace mailroom::dmarc_report
