// The domains bench_psl and bench_psl_first_use ask about: what DMARC asks
// for a delivery (a From domain, a DKIM d=, an SPF domain), with the
// list's wildcard, exception and private rules among them.
#pragma once

#include <array>
#include <string_view>

namespace mailroom::bench {

inline constexpr std::string_view kPslPath = "/usr/share/publicsuffix/public_suffix_list.dafsa";

inline constexpr std::array<std::string_view, 10> kPslDomains = {
    "mail.example.com",  "news.steamr.com",       "www.bbc.co.uk",    "a.b.c.example.co.uk",
    "project.github.io", "x.y.kawasaki.jp",       "city.kawasaki.jp", "mx1.mail.example.org",
    "xn--bcher-kva.de",  "deep.sub.blogspot.com",
};

}  // namespace mailroom::bench
