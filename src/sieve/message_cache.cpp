// What the tests read from the message, computed once per run. A script of
// many rules reads the same few fields again and again: decoding Subject
// (RFC 2047, charset guessing) for each of them was most of the run time
// (bench/sieve; the commit that added this has the callgrind counts).
#include "mailroom/message/address.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "sieve/interpreter.hpp"

namespace mailroom::sieve {
namespace {

// The index of a field of the message's own header block, or npos for a
// field from elsewhere (a MIME part's), which is then not cached.
std::size_t index_of(const message::Message& message, const message::HeaderField& field) {
  auto headers = message.headers();
  if (headers.empty() || &field < headers.data() || &field >= headers.data() + headers.size())
    return std::string_view::npos;
  return static_cast<std::size_t>(&field - headers.data());
}

}  // namespace

std::string_view Interpreter::decoded(const message::HeaderField& field) {
  std::size_t i = index_of(message_, field);
  if (i == std::string_view::npos) {
    scratch_ = message::decode_header_value(field.value);
    return scratch_;
  }
  if (fields_.size() <= i) fields_.resize(message_.headers().size());
  auto& cached = fields_[i].decoded;
  if (!cached) cached = message::decode_header_value(field.value);
  return *cached;
}

// The message keeps its own fields' addresses (authentication and spam
// scoring read them too); a MIME part's field is parsed each time.
const std::vector<message::Address>& Interpreter::addresses(const message::HeaderField& field) {
  if (index_of(message_, field) == std::string_view::npos) {
    scratch_addresses_ = message::parse_address_list(field.value, message_.limits());
    return scratch_addresses_;
  }
  return message_.field_addresses(field);
}

std::string_view Interpreter::part_text(const message::Part& part) {
  auto parts = message_.parts();
  if (&part < parts.data() || &part >= parts.data() + parts.size()) {
    scratch_ = message_.text(part);
    return scratch_;
  }
  auto i = static_cast<std::size_t>(&part - parts.data());
  if (part_texts_.size() <= i) part_texts_.resize(parts.size());
  auto& cached = part_texts_[i];
  if (!cached) cached = message_.text(part);
  return *cached;
}

}  // namespace mailroom::sieve
