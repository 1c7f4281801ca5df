// duplicate (RFC 7352): was a message with this unique id delivered
// before? The store is the pipeline's (RunOptions::duplicate_seen); the id
// is recorded only after the delivery succeeded (§3.1), from the marks the
// outcome carries.
#include <algorithm>

#include "mailroom/message/header.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/send_tags.hpp"
#include "sieve/sending.hpp"

namespace mailroom::sieve {
namespace {

// field-name = 1*ftext (RFC 5322 §3.6.8)
bool field_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u >= 33 && u <= 126 && ch != ':';
  });
}

std::string trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::optional<CompiledTest> validate_duplicate(Validator& v, const Test& t, CompiledTest out) {
  v.need("duplicate", "duplicate", t.position);
  const std::vector<TagSpec> specs = {{"handle", TagValue::string},
                                      {"header", TagValue::string},
                                      {"uniqueid", TagValue::string},
                                      {"seconds", TagValue::number},
                                      {"last", TagValue::none}};
  ReadTags tags;
  if (!read_send_tags(v, t.name, t.arguments, specs, tags)) return std::nullopt;
  if (!tags.positional.empty() || !t.tests.empty()) {
    v.error(DiagnosticKind::bad_arguments, "duplicate: takes only tags", t.position);
    return std::nullopt;
  }
  // §3.2: ":header" and ":uniqueid" are mutually exclusive.
  if (tags.has("header") && tags.has("uniqueid")) {
    v.error(DiagnosticKind::bad_arguments,
            "duplicate: :header and :uniqueid exclude each other (RFC 7352 §3.2)",
            tags.values["uniqueid"]->position);
    return std::nullopt;
  }
  CompiledTest::Duplicate d;
  d.handle = tags.string("handle");
  d.header = tags.string("header");
  d.uniqueid = tags.string("uniqueid");
  d.has_uniqueid = tags.has("uniqueid");
  d.last = tags.has("last");
  if (tags.has("seconds")) d.seconds = tags.values["seconds"]->number;
  for (auto* text : {&d.handle, &d.header, &d.uniqueid})
    if (!decode_value(v, *text, t.position, out.expands)) return std::nullopt;
  if (tags.has("header") && !out.expands && !field_name(d.header)) {
    v.error(DiagnosticKind::bad_header_name,
            "duplicate: '" + d.header + "' is not a header field name",
            tags.values["header"]->position);
    return std::nullopt;
  }
  out.duplicate = std::move(d);
  return out;
}

// §3: every duplicate test of one run with the same arguments gives the
// same answer; ids seen earlier in this run are not duplicates.
bool Interpreter::duplicate_test(const CompiledTest& t) {
  CompiledTest::Duplicate d = *t.duplicate;
  if (variables_ && t.expands) {
    d.handle = expand(d.handle);
    d.header = expand(d.header);
    d.uniqueid = expand(d.uniqueid);
  }
  std::string id;
  if (d.has_uniqueid) {
    id = d.uniqueid;
  } else {
    // §3.1: without the field (Message-ID by default) there is no id:
    // the test is false and nothing is tracked.
    const auto* field = message_.find(d.header.empty() ? "Message-ID" : d.header);
    if (field == nullptr) return false;
    id = trimmed(message::unfold(field->value));
    if (id.empty()) return false;
  }
  // The handle and the id, apart, so ("ab","c") is not ("a","bc").
  std::string key = "duplicate\x1f" + d.handle + '\x1f' + id;
  for (const auto& [seen_key, answer] : duplicate_answers_)
    if (seen_key == key) return answer;
  const bool seen = options_.duplicate_seen && options_.duplicate_seen(key);
  duplicate_answers_.emplace_back(key, seen);
  std::uint64_t seconds = d.seconds == 0 ? kDuplicateDefaultSeconds : d.seconds;
  seconds = std::min(seconds, kDuplicateMaxSeconds);
  // §3.3: without :last the time counts from the first delivery, so a
  // repeat leaves the record alone; with :last each repeat renews it.
  if (!seen || d.last) duplicate_marks_.push_back({key, seconds, d.last});
  return seen;
}

}  // namespace mailroom::sieve
