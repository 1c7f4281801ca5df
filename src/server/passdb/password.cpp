// Password hashes through libxcrypt (crypt_r, crypt_gensalt_rn): the same
// schemes Dovecot's passdb accepts, so hashes move between the two.
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>
#include <memory>

#include "mailroom/server/passdb.hpp"

namespace mailroom::server {
namespace {

struct Scheme {
  std::string_view name;
  std::string_view prefix;  // of the crypt(3) string; "" = any
};

// Dovecot's names; the prefix ties a name to its algorithm, so that
// "{SHA512-CRYPT}$1$..." (an MD5 hash under a strong name) never matches.
constexpr std::array<Scheme, 5> kCryptSchemes{{{"SHA512-CRYPT", "$6$"},
                                               {"SHA256-CRYPT", "$5$"},
                                               {"BLF-CRYPT", "$2"},
                                               {"YESCRYPT", "$y$"},
                                               {"CRYPT", ""}}};

std::pair<std::string_view, std::string_view> split_scheme(std::string_view stored) {
  if (stored.empty() || stored.front() != '{') return {"CRYPT", stored};
  auto close = stored.find('}');
  if (close == std::string_view::npos) return {"", stored};
  return {stored.substr(1, close - 1), stored.substr(close + 1)};
}

std::array<unsigned char, SHA256_DIGEST_LENGTH> digest(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
  ::SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

// Compares digests, so neither the position of the first difference nor
// the length of the secret shows in the time taken.
bool same_secret(std::string_view a, std::string_view b) {
  auto da = digest(a);
  auto db = digest(b);
  return ::CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

bool crypt_matches(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.front() == '*' || hash.front() == '!') return false;  // locked
  auto data = std::make_unique<crypt_data>();
  std::string setting(hash);
  std::string phrase(password);
  const char* computed = ::crypt_r(phrase.c_str(), setting.c_str(), data.get());
  OPENSSL_cleanse(phrase.data(), phrase.size());
  bool match = computed != nullptr && computed[0] != '*' && same_secret(computed, hash);
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return match;
}

}  // namespace

bool verify_password(std::string_view stored, std::string_view password) {
  auto [scheme, hash] = split_scheme(stored);
  if (scheme == "PLAIN" || scheme == "CLEARTEXT") return same_secret(hash, password);
  for (const auto& known : kCryptSchemes)
    if (scheme == known.name && hash.substr(0, known.prefix.size()) == known.prefix)
      return crypt_matches(hash, password);
  return false;
}

void burn_password_check(std::string_view password) {
  // A hash of random bytes nobody knows, made once with the default cost,
  // so an unknown user's check costs what a SHA512-CRYPT check costs.
  static const std::string dummy = [] {
    unsigned char random[16];
    std::string text;
    if (::RAND_bytes(random, sizeof random) == 1) text.assign(reinterpret_cast<char*>(random), 16);
    for (char& c : text) c = static_cast<char>('a' + (static_cast<unsigned char>(c) % 26));
    auto hashed = hash_password("SHA512-CRYPT", text);
    return hashed ? hashed->substr(std::string_view("{SHA512-CRYPT}").size())
                  : std::string("$6$x$");
  }();
  (void)crypt_matches(dummy, password);
}

Result<std::string> hash_password(std::string_view scheme, std::string_view password) {
  for (const auto& known : kCryptSchemes) {
    if (scheme != known.name || known.prefix.empty()) continue;
    std::string prefix(known.prefix == "$2" ? "$2b$" : known.prefix);
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    // count 0 = the library's default cost; random bytes from the kernel.
    if (::crypt_gensalt_rn(prefix.c_str(), 0, nullptr, 0, salt, sizeof salt) == nullptr)
      return fail(ErrorKind::usage, "this libcrypt has no " + std::string(scheme));
    auto data = std::make_unique<crypt_data>();
    std::string phrase(password);
    const char* computed = ::crypt_r(phrase.c_str(), salt, data.get());
    OPENSSL_cleanse(phrase.data(), phrase.size());
    if (computed == nullptr || computed[0] == '*')
      return fail(ErrorKind::internal, "crypt failed for " + std::string(scheme));
    return "{" + std::string(scheme) + "}" + computed;
  }
  return fail(ErrorKind::usage, "unknown scheme '" + std::string(scheme) +
                                    "' (SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, YESCRYPT)");
}

}  // namespace mailroom::server
