// Tests (RFC 5228 §5): header values decoded per RFC 2047 before they are
// compared (§2.7.2), addresses parsed (§5.1), the envelope (§5.4).
#include <algorithm>
#include <optional>
#include <string>

#include "mailroom/message/address.hpp"
#include "mailroom/message/charset.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "sieve/flags.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/match.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

const std::string* matching_key(const CompiledTest& t, std::string_view value) {
  for (const auto& key : t.keys) {
    if (matches(t.comparator, t.match, t.relation, value, key)) return &key;
  }
  return nullptr;
}

bool any_key(const CompiledTest& t, std::string_view value) {
  return matching_key(t, value) != nullptr;
}

// The part of local@domain the test compares; nullopt when the address has
// no such part (RFC 5233 §4: no separator, no :detail), so nothing matches.
std::optional<std::string> address_part(AddressPart part, std::string_view local,
                                        std::string_view domain, std::string_view separators) {
  switch (part) {
    case AddressPart::localpart:
      return std::string(local);
    case AddressPart::domain:
      return std::string(domain);
    case AddressPart::user:
    case AddressPart::detail: {
      auto split = local.find_first_of(separators);
      if (split == std::string_view::npos) {
        if (part == AddressPart::user) return std::string(local);
        return std::nullopt;
      }
      return std::string(part == AddressPart::user ? local.substr(0, split)
                                                   : local.substr(split + 1));
    }
    case AddressPart::all:
      break;
  }
  std::string all(local);
  if (!domain.empty()) all.append("@").append(domain);
  return all;
}

}  // namespace

// Each test hands its values, one by one, to match_values, which matches
// them against the keys, or counts them for :count (RFC 5231 §4.1).
bool Interpreter::match_values(const CompiledTest& t, const ValueSource& values) {
  if (t.match == MatchType::regex || t.match == MatchType::list) return extension_match(t, values);
  if (t.match == MatchType::count) {
    std::size_t count = 0;
    values([&](std::string_view) {
      ++count;
      return false;
    });
    bool counted = any_key(t, std::to_string(count));
    if (options_.trace) trace_why_ = "count " + std::to_string(count);
    return counted;
  }
  bool found = false;
  values([&](std::string_view value) {
    const std::string* key = matching_key(t, value);
    if (key != nullptr && variables_ && t.match == MatchType::matches) {
      remember_match(t, value, *key);
    }
    if (options_.trace) trace_value(value, key != nullptr);
    return found = key != nullptr;
  });
  return found;
}

void Interpreter::remember_match(const CompiledTest& t, std::string_view value,
                                 std::string_view key) {
  auto captures = match_captures(t.comparator, value, key);
  if (!captures) return;
  if (captures->size() > kMaxMatchIndex + 1) captures->resize(kMaxMatchIndex + 1);
  for (auto& c : *captures) truncate_utf8(c, limits_.max_variable_size);
  match_ = std::move(*captures);
}

// RFC 5229 §5: the string test compares its own (expanded) strings; for
// :count, only the strings that are not empty are counted.
bool Interpreter::string_test(const CompiledTest& t) {
  return match_values(t, [&](const ValueVisitor& visit) {
    for (const auto& source : t.names) {
      if (t.match == MatchType::count && source.empty()) continue;
      if (visit(source)) return;
    }
  });
}

bool Interpreter::header_test(const CompiledTest& t) {
  return match_values(t, [&](const ValueVisitor& visit) {
    for (const auto& name : t.names) {
      for (const auto* field : fields(t, name)) {
        trace_source_ = field->name;
        // :count counts the fields; their text is not needed (RFC 5231 §4.2).
        if (visit(t.match == MatchType::count ? std::string_view() : decoded(*field))) return;
      }
    }
  });
}

// §2.7.4: an address that is not syntactically valid is never matched by
// :localpart or :domain. A field without one valid address is compared as
// written by :all (as Pigeonhole does: "To: bob" matches :all "bob"); in
// a field with valid ones the invalid ones are skipped.
bool Interpreter::address_test(const CompiledTest& t) {
  return match_values(t, [&](const ValueVisitor& visit) {
    for (const auto& name : t.names) {
      for (const auto* field : fields(t, name)) {
        trace_source_ = field->name;
        bool any_valid = false;
        for (const auto& a : addresses(*field)) {
          if (a.local_part.empty() || a.domain.empty()) continue;
          any_valid = true;
          auto part = address_part(t.part, a.local_part, a.domain, options_.detail_separators);
          if (part && visit(*part)) return;
        }
        if (!any_valid && t.part == AddressPart::all && visit(message::unfold(field->value))) {
          return;
        }
      }
    }
  });
}

// §5.4: the null reverse-path is the empty string, whatever the address
// part; otherwise the address splits at its last "@".
bool Interpreter::envelope_test(const CompiledTest& t) {
  return match_values(t, [&](const ValueVisitor& visit) {
    for (const auto& written : t.names) {
      // A part built from variables (RFC 5229) may be in any case, or none.
      std::string name(written);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name != "from" && name != "to") continue;
      std::string_view address = name == "from" ? envelope_.from : envelope_.to;
      trace_source_ = name == "from" ? "envelope from" : "envelope to";
      if (address.empty() && name == "from") {
        if (visit("")) return;
        continue;
      }
      auto at = address.rfind('@');
      std::string_view local = at == std::string_view::npos ? address : address.substr(0, at);
      std::string_view domain = at == std::string_view::npos ? "" : address.substr(at + 1);
      auto part = address_part(t.part, local, domain, options_.detail_separators);
      if (part && visit(*part)) return;
    }
  });
}

// RFC 5232 §4: each flag of the variables (or of the internal one) is
// compared with each flag of the keys; :count counts the flags.
bool Interpreter::hasflag_test(const CompiledTest& t) {
  CompiledTest split = t;
  split.keys = flag_words(t.keys);
  return match_values(split, [&](const ValueVisitor& visit) {
    std::vector<std::string> lists;
    if (t.names.empty()) lists.push_back(internal_flags_);
    for (const auto& name : t.names) {
      std::string lowered(name);
      for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto found = values_.find(lowered);
      if (found != values_.end()) lists.push_back(found->second);
    }
    for (const auto& flag : flag_words(lists)) {
      if (visit(flag)) return;
    }
  });
}

namespace {

// RFC 5173 §5.2: "" is every type, "type" its subtypes, "type/subtype"
// itself; any case.
bool content_type_matches(const message::ContentType& type,
                          const std::vector<std::string>& wanted) {
  for (const auto& w : wanted) {
    std::string lowered(w);
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lowered.empty() || lowered == type.type || lowered == type.mime_type()) return true;
  }
  return false;
}

}  // namespace

// RFC 5173 §5: :raw the body as written; :content the parts of the given
// types, transfer-decoded and text in UTF-8 (a multipart's own text is its
// preamble and epilogue, §5.2); :text (the default) the text a reader
// sees, HTML turned into plain text. Decoding stays within the message
// module's limits (max_decoded_size per part).
bool Interpreter::body_test(const CompiledTest& t) {
  return match_values(t, [&](const ValueVisitor& visit) {
    if (t.transform == BodyTransform::raw) {
      visit(message_.body());
      return;
    }
    for (const auto& part : message_.parts()) {
      if (!step(t.position)) return;
      if (t.transform == BodyTransform::text) {
        if (part.is_leaf() && part.is_text() && visit(part_text(part))) return;
        continue;
      }
      if (!content_type_matches(part.content_type, t.names)) continue;
      if (part.content_type.is_multipart()) {
        if (visit(part.preamble) || visit(part.epilogue)) return;
        continue;
      }
      if (!part.is_leaf()) continue;  // message/rfc822: its parts follow
      message::Defects defects;
      std::string content = message_.decoded(part);
      if (part.content_type.type == "text") {
        content = message::to_utf8(content, part.content_type.charset(), defects);
      }
      if (visit(content)) return;
    }
  });
}

// RFC 5490 §3.1: true when every folder exists. INBOX (any case, RFC 3501
// §5.1) always does; the others are the store's to answer.
bool Interpreter::mailboxexists_test(const CompiledTest& t) {
  for (const auto& name : t.names) {
    bool inbox =
        name.size() == 5 && std::equal(name.begin(), name.end(), "INBOX", [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) == b;
        });
    if (inbox) continue;
    if (!options_.mailbox_exists || !options_.mailbox_exists(name)) return false;
  }
  return true;
}

bool Interpreter::exists_test(const CompiledTest& t) {
  for (const auto& name : t.names) {
    if (message_.find(name) == nullptr) return false;
  }
  return true;
}

bool Interpreter::evaluate(const CompiledTest& t) {
  if (!step(t.position)) return false;
  if (options_.trace) return traced_evaluate(t);
  if (variables_ && t.expands) return evaluate_kind(expanded(t));
  return evaluate_kind(t);
}

bool Interpreter::evaluate_kind(const CompiledTest& t) {
  using Kind = CompiledTest::Kind;
  if (t.mime) return mime_test(t);  // RFC 5703 §4 (mime.cpp)
  switch (t.kind) {
    case Kind::true_:
      return true;
    case Kind::false_:
      return false;
    case Kind::not_:
      return !evaluate(t.tests.front());
    case Kind::allof:
      for (const auto& sub : t.tests) {
        if (!evaluate(sub) || error_) return false;
      }
      return true;
    case Kind::anyof:
      for (const auto& sub : t.tests) {
        if (error_) return false;
        if (evaluate(sub)) return true;
      }
      return false;
    case Kind::size_over:
      return options_.message_size.value_or(message_.raw().size()) > t.size;
    case Kind::size_under:
      return options_.message_size.value_or(message_.raw().size()) < t.size;
    case Kind::exists:
      return exists_test(t);
    case Kind::header:
      return header_test(t);
    case Kind::address:
      return address_test(t);
    case Kind::envelope:
      return envelope_test(t);
    case Kind::string_:
      return string_test(t);
    case Kind::hasflag:
      return hasflag_test(t);
    case Kind::mailboxexists:
      return mailboxexists_test(t);
    case Kind::body:
      return body_test(t);
    case Kind::duplicate:
      return duplicate_test(t);
    case Kind::valid_notify_method:
    case Kind::notify_method_capability:
      return notify_test(t);
    case Kind::specialuse_exists:
      return specialuse_exists_test(t);
    case Kind::environment:
    case Kind::date:
    case Kind::currentdate:
    case Kind::spamtest:
    case Kind::virustest:
    case Kind::ihave:
    case Kind::valid_ext_list:
      return extension_test(t);
  }
  return false;
}

}  // namespace mailroom::sieve
