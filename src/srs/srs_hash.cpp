// The two primitives of SRS: the day stamp and the keyed hash, as libsrs2
// (srs2.c) and Mail::SRS compute them, so that addresses interoperate.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "mailroom/srs/srs.hpp"
#include "srs/srs_internal.hpp"

namespace mailroom::srs {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::int64_t kSecondsPerDay = std::int64_t{24} * 60 * 60;
constexpr std::int64_t kStampSlots = 1024;  // two base32 characters

std::int64_t days(std::int64_t unix_time) { return unix_time / kSecondsPerDay; }

}  // namespace

std::string timestamp(std::int64_t unix_time) {
  auto day = static_cast<std::size_t>(days(unix_time) % kStampSlots);
  return {kBase32[(day >> 5) & 31], kBase32[day & 31]};
}

std::string hash(std::string_view secret, const std::vector<std::string_view>& fields,
                 unsigned length) {
  // libsrs2 and Mail::SRS both hash the lower-cased fields: an MTA that
  // lower-cases the address on the way back must not break the check.
  std::string data;
  for (auto field : fields)
    for (char c : field) data.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  if (::HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &mac_length) == nullptr)
    return {};
  std::string encoded(4 * ((mac_length + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), mac,
                          static_cast<int>(mac_length));
  encoded.resize(static_cast<std::size_t>(n));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  if (encoded.size() > length) encoded.resize(length);
  return encoded;
}

bool timestamp_fresh(std::string_view stamp, std::int64_t now, unsigned max_age_days) {
  if (stamp.size() != 2) return false;
  std::int64_t then = 0;
  for (char c : stamp) {
    char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    auto at = kBase32.find(upper);
    if (at == std::string_view::npos) return false;
    then = (then << 5) | static_cast<std::int64_t>(at);
  }
  // The stamp counts days modulo 1024: today is the latest day not before
  // it in that cycle (srs_timestamp_check()).
  std::int64_t today = days(now) % kStampSlots;
  while (today < then) today += kStampSlots;
  return today <= then + max_age_days;
}

bool hash_matches(const Options& options, std::string_view given,
                  const std::vector<std::string_view>& fields) {
  if (given.size() < options.hash_length) return false;  // libsrs2's hashmin
  for (const auto& secret : options.secrets) {
    std::string expected = hash(secret, fields, static_cast<unsigned>(given.size()));
    if (expected.size() != given.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < given.size(); ++i) {
      auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
      same = same && lower(given[i]) == lower(expected[i]);
    }
    if (same) return true;
  }
  return false;
}

}  // namespace mailroom::srs
