// libFuzzer: a DAFSA Public Suffix List is a file anyone may point
// auth.psl_path at. The input is one key (its length in the first byte)
// then the graph; lookups of that key and of a few fixed domains must end,
// and never read past the graph, whatever the bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/psl_dafsa.hpp"

namespace dafsa = mailroom::auth::psl_dafsa;

namespace {

void check(const dafsa::Graph& graph, std::string_view domain) {
  const std::string key = dafsa::encode_key(graph, domain);
  (void)dafsa::lookup(graph, key);
  std::size_t labels = 1;
  for (char c : key) labels += c == '.' ? 1 : 0;
  for (bool private_rules : {true, false}) {
    std::size_t n = dafsa::suffix_labels(graph, key, private_rules);
    if (n == 0 || n > labels) __builtin_trap();  // always a part of the domain
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t key_size =
      std::min<std::size_t>(static_cast<unsigned char>(input[0]), size - 1);
  const std::string_view key = input.substr(1, key_size);
  // A fresh copy, so ASan sees a read one byte past the graph.
  const std::string file = ".DAFSA@PSL_0   \n" + std::string(input.substr(1 + key_size));
  auto graph = dafsa::open(file);
  if (!graph) return 0;
  check(*graph, key);
  for (std::string_view domain : {"a.b.example.co.uk", "x.y.www.ck", "city.kawasaki.jp",
                                  "me.github.io", "x.公司.cn", "xn--55qx5d.cn"}) {
    check(*graph, domain);
  }
  return 0;
}
