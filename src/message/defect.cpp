#include "mailroom/message/defect.hpp"

#include <array>
#include <utility>

namespace mailroom::message {
namespace {

constexpr std::array<std::pair<Defect, std::string_view>, 20> kNames{{
    {Defect::missing_separator, "missing_separator"},
    {Defect::header_truncated, "header_truncated"},
    {Defect::line_too_long, "line_too_long"},
    {Defect::too_many_headers, "too_many_headers"},
    {Defect::header_block_too_large, "header_block_too_large"},
    {Defect::bare_cr, "bare_cr"},
    {Defect::mixed_line_endings, "mixed_line_endings"},
    {Defect::nul_byte, "nul_byte"},
    {Defect::eight_bit_header, "eight_bit_header"},
    {Defect::continuation_first, "continuation_first"},
    {Defect::mime_too_deep, "mime_too_deep"},
    {Defect::too_many_parts, "too_many_parts"},
    {Defect::missing_boundary, "missing_boundary"},
    {Defect::missing_final_boundary, "missing_final_boundary"},
    {Defect::no_parts, "no_parts"},
    {Defect::decoded_truncated, "decoded_truncated"},
    {Defect::bad_transfer_encoding, "bad_transfer_encoding"},
    {Defect::bad_charset, "bad_charset"},
    {Defect::bad_encoded_word, "bad_encoded_word"},
    {Defect::mime_scan_limit, "mime_scan_limit"},
}};

}  // namespace

std::string_view defect_name(Defect d) noexcept {
  for (const auto& [defect, name] : kNames) {
    if (defect == d) return name;
  }
  return "unknown";
}

bool defect_from_name(std::string_view name, Defect& out) noexcept {
  for (const auto& [defect, n] : kNames) {
    if (n == name) {
      out = defect;
      return true;
    }
  }
  return false;
}

}  // namespace mailroom::message
