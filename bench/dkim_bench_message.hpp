// The message the DKIM benchmarks sign: ten realistic header fields and a
// text body (with trailing blanks, so relaxed and simple canonicalisation
// differ), about `size` bytes, CRLF line endings.
#pragma once

#include <cstddef>
#include <string>

#include "unit/auth/dkim_test_signer.hpp"

namespace mailroom::auth::bench {

inline std::string dkim_bench_message(std::size_t size) {
  std::string m = test::crlf(
      "Received: from mx.example.net (mx.example.net [192.0.2.1]) by mail.example.org\n"
      "\twith ESMTPS id 4Xyz for <ann@example.org>; Fri, 27 Nov 2026 10:00:00 +0000\n"
      "From: Joe <joe@example.com>\n"
      "To: Ann <ann@example.org>\n"
      "Subject: Quarterly figures and the plan for next year\n"
      "Date: Fri, 27 Nov 2026 09:59:58 +0000\n"
      "Message-ID: <20261127095958.1234@example.com>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n");
  while (m.size() < size) {
    m += "The quick brown fox jumps over the lazy dog;  the figures are attached.\t \r\n";
  }
  return m;
}

}  // namespace mailroom::auth::bench
