// RFC 5293 editheader: addheader and deleteheader. An edit replaces the
// message the interpreter reads, so later tests of this script and the
// scripts after it see it (§3), and the pipeline stores the edited text.
#include <algorithm>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/match.hpp"
#include "sieve/structure.hpp"
#include "sieve/validator.hpp"

namespace mailroom::sieve {
namespace {

using Kind = CompiledCommand::Kind;

// field-name = 1*ftext; ftext = %d33-57 / %d59-126 (RFC 5322 §3.6.8).
bool field_name_ok(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 33 && u <= 126 && u != ':';
  });
}

// RFC 5293 §6: "implementations MUST NOT permit attempts to delete
// "Received" header fields"; as local policy (same section) the fields
// this delivery vouches for are not added or deleted either: the trace
// (Received), our authentication verdict (Authentication-Results, RFC 8601)
// and our own X-Spam-* / X-Mailroom-* fields, so that no script forges or
// hides them. Auto-Submitted may be added but not deleted (RFC 3834 §2:
// it is what stops mail loops), as Pigeonhole does.
bool protected_field(std::string_view name, bool deleting) {
  std::string n = lowered(name);
  if (n == "received" || n == "authentication-results") return true;
  if (n.rfind("x-spam-", 0) == 0 || n.rfind("x-mailroom-", 0) == 0) return true;
  return deleting && n == "auto-submitted";
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16U) |
                 (static_cast<unsigned char>(in[i + 1]) << 8U) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kBase64[(n >> shift) & 63U]);
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16U;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8U;
    out.push_back(kBase64[(n >> 18U) & 63U]);
    out.push_back(kBase64[(n >> 12U) & 63U]);
    out.push_back(i + 1 < in.size() ? kBase64[(n >> 6U) & 63U] : '=');
    out.push_back('=');
  }
  return out;
}

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

// `text` with each line break made a fold (RFC 5322 §2.2.3: a line break
// inside a field must be followed by white space) using `eol`.
std::string folded(std::string_view text, std::string_view eol) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\r' && c != '\n') {
      out.push_back(c);
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    out.append(eol);
    if (i + 1 >= text.size() || (text[i + 1] != ' ' && text[i + 1] != '\t')) out.push_back(' ');
  }
  return out;
}

}  // namespace

// RFC 5293 §4: "the value ... MUST be encoded per RFC 2047" when it is not
// ASCII. Words of at most 45 octets (75 characters encoded, RFC 2047 §2),
// cut between characters, one a line.
std::string encode_header_value(std::string_view value) {
  bool ascii = std::all_of(value.begin(), value.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(value);
  std::string out;
  while (!value.empty()) {
    std::size_t take = std::min<std::size_t>(45, value.size());
    while (take < value.size() && take > 0 && continuation(value[take])) --take;
    if (take == 0) take = std::min<std::size_t>(45, value.size());
    if (!out.empty()) out.append("\n ");
    out.append("=?UTF-8?B?").append(base64(value.substr(0, take))).append("?=");
    value.remove_prefix(take);
  }
  return out;
}

namespace {

// addheader [":last"] <field-name: string> <value: string> (RFC 5293 §4)
std::optional<CompiledCommand> addheader(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = Kind::addheader;
  out.position = c.position;
  v.need("editheader", "addheader", c.position);
  auto args = std::make_shared<StructureArgs>();
  std::vector<const Argument*> positional_args;
  for (const auto& a : c.arguments) {
    if (a.kind != Argument::Kind::tag) {
      positional_args.push_back(&a);
      continue;
    }
    if (!positional_args.empty()) {
      v.tag_after_positional(c.name, a);
      return std::nullopt;
    }
    if (a.tag != "last") {
      v.error(DiagnosticKind::unknown_tag, "addheader: unknown tag :" + a.tag, a.position);
      return std::nullopt;
    }
    if (args->last) {
      v.error(DiagnosticKind::duplicate_tag, "addheader: :last given twice", a.position);
      return std::nullopt;
    }
    args->last = true;
  }
  if (positional_args.size() != 2 || positional_args[0]->kind != Argument::Kind::string ||
      positional_args[1]->kind != Argument::Kind::string || !c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "addheader: takes two strings, the name and the value",
            c.position);
    return std::nullopt;
  }
  args->name = positional_args[0]->strings.front();
  args->value = positional_args[1]->strings.front();
  v.saw_reference = false;
  if (!v.decode(args->name, positional_args[0]->position)) return std::nullopt;
  bool name_expands = v.saw_reference;
  if (!v.decode(args->value, positional_args[1]->position)) return std::nullopt;
  args->expands = v.saw_reference;
  // §4: "The field-name ... MUST be a valid field-name"; one built from
  // variables is checked when run.
  if (!name_expands && !field_name_ok(args->name)) {
    v.error(DiagnosticKind::bad_header_name,
            "addheader: '" + args->name + "' is not a header field name (RFC 5293 §4)",
            positional_args[0]->position);
    return std::nullopt;
  }
  out.structure = std::move(args);
  return out;
}

// deleteheader [":index" <fieldno: number> [":last"]] [COMPARATOR]
// [MATCH-TYPE] <field-name: string> [<value-patterns: string-list>]
// (RFC 5293 §5). The comparator and match type are read as the header
// test's, by the validator's own code.
std::optional<CompiledCommand> deleteheader(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = Kind::deleteheader;
  out.position = c.position;
  v.need("editheader", "deleteheader", c.position);
  auto args = std::make_shared<StructureArgs>();
  Test as_header;
  as_header.name = "header";
  as_header.position = c.position;
  bool index_seen = false;
  std::vector<const Argument*> strings;  // the positional arguments, in c.arguments
  const auto& list = c.arguments;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Argument& a = list[i];
    if (a.kind == Argument::Kind::tag && a.tag == "index") {
      if (index_seen) {
        v.error(DiagnosticKind::duplicate_tag, "deleteheader: :index given twice", a.position);
        return std::nullopt;
      }
      index_seen = true;
      if (i + 1 >= list.size() || list[i + 1].kind != Argument::Kind::number) {
        v.error(DiagnosticKind::bad_arguments, "deleteheader: :index needs a field number",
                a.position);
        return std::nullopt;
      }
      args->indexed = true;
      args->index = list[++i].number;
      continue;
    }
    if (a.kind == Argument::Kind::tag && a.tag == "last") {
      if (args->last) {
        v.error(DiagnosticKind::duplicate_tag, "deleteheader: :last given twice", a.position);
        return std::nullopt;
      }
      args->last = true;
      continue;
    }
    as_header.arguments.push_back(a);
    // The values of :comparator, :count and :value are not positional.
    bool takes_value = a.kind == Argument::Kind::tag &&
                       (a.tag == "comparator" || a.tag == "count" || a.tag == "value");
    if (takes_value && i + 1 < list.size()) as_header.arguments.push_back(list[++i]);
    if (a.kind != Argument::Kind::tag) strings.push_back(&a);
  }
  // §5: ":last" counts :index from the end; alone it means nothing.
  if (args->last && !index_seen) {
    v.error(DiagnosticKind::bad_arguments, "deleteheader: :last needs :index (RFC 5293 §5)",
            c.position);
    return std::nullopt;
  }
  if (strings.empty() || strings.size() > 2 || strings[0]->kind != Argument::Kind::string ||
      !is_strings(strings.back()) || !c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments,
            "deleteheader: takes a field name and an optional list of value patterns", c.position);
    return std::nullopt;
  }
  std::string name = strings[0]->strings.front();
  bool name_expands = v.required("variables") && name.find("${") != std::string::npos;
  if (!name_expands && !field_name_ok(name)) {
    v.error(DiagnosticKind::bad_header_name,
            "deleteheader: '" + name + "' is not a header field name (RFC 5293 §5)",
            strings[0]->position);
    return std::nullopt;
  }
  if (strings.size() == 1) {
    Argument none;  // no patterns: every field of the name (§5)
    none.kind = Argument::Kind::string_list;
    none.position = c.position;
    as_header.arguments.push_back(none);
  }
  std::size_t errors_before = v.errors().size();
  args->match = v.test(as_header);
  for (std::size_t e = errors_before; e < v.errors().size(); ++e) {
    auto& message = v.errors()[e].message;
    if (message.rfind("header:", 0) == 0) message.insert(0, "delete");
  }
  if (!args->match) return std::nullopt;
  args->name = args->match->names.front();
  args->expands = args->match->expands;
  out.structure = std::move(args);
  return out;
}

}  // namespace

// RFC 5293 §4, §5 when run. A field name from variables that is not one
// is a run-time error; an edit of a protected field is ignored (§6: "the
// attempt MUST be silently ignored").
bool Interpreter::edit_header(const CompiledCommand& c) {
  const StructureArgs& args = *c.structure;
  const bool adding = c.kind == CompiledCommand::Kind::addheader;
  std::string name = args.expands && variables_ ? expand(args.name) : args.name;
  if (!field_name_ok(name)) {
    fail(std::string(adding ? "addheader" : "deleteheader") + ": '" + name +
             "' is not a header field name (RFC 5293)",
         c.position);
    return false;
  }
  if (editable_ == nullptr) {
    fail("editheader: the message cannot be edited here", c.position);
    return false;
  }
  if (protected_field(name, !adding)) return true;
  std::string_view raw = message_.raw();
  auto fields = message_.headers();
  std::string_view eol = !fields.empty() && fields.front().raw.size() >= 2 &&
                                 fields.front().raw.substr(fields.front().raw.size() - 2) == "\r\n"
                             ? "\r\n"
                             : "\n";
  HeaderEdit edit{adding, name, {}, args.last, 0, c.position};
  std::string text;
  if (adding) {
    std::string value = args.expands && variables_ ? expand(args.value) : args.value;
    if (value.size() > limits_.max_header_value) {
      fail("addheader: the value is longer than " + std::to_string(limits_.max_header_value) +
               " bytes",
           c.position);
      return false;
    }
    edit.value = encode_header_value(value);
    std::string field = name + ": " + folded(edit.value, eol) + std::string(eol);
    std::size_t at = 0;
    if (args.last && !fields.empty()) at = fields.back().offset + fields.back().raw.size();
    text.reserve(raw.size() + field.size());
    text.append(raw.substr(0, at)).append(field).append(raw.substr(at));
  } else {
    std::vector<const message::HeaderField*> named;
    for (const auto& f : fields) {
      if (lowered(f.name) == lowered(name)) named.push_back(&f);
    }
    if (args.indexed) {
      // §5: fields count from 1; :index 0 or past the last names none.
      if (args.index == 0 || args.index > named.size()) return true;
      const auto* only = args.last ? named[named.size() - args.index] : named[args.index - 1];
      named = {only};
    }
    std::vector<std::string> keys = args.match->keys;
    if (args.expands && variables_) {
      for (auto& key : keys) key = expand(key);
    }
    std::size_t done = 0;
    for (const auto* f : named) {
      bool hit = keys.empty();
      std::string value = message::decode_header_value(f->value);
      for (const auto& key : keys) {
        hit = hit ||
              matches(args.match->comparator, args.match->match, args.match->relation, value, key);
      }
      if (!hit) continue;
      text.append(raw.substr(done, f->offset - done));
      done = f->offset + f->raw.size();
      ++edit.deleted;
    }
    if (edit.deleted == 0) return true;
    text.append(raw.substr(done));
  }
  *editable_ = message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))),
      message_.limits());
  // The per-run caches (message_cache.cpp) are indexed by field and part:
  // the new text has other ones.
  fields_.clear();
  part_texts_.clear();
  edited_ = true;
  edits_.push_back(std::move(edit));
  return true;
}

std::optional<CompiledCommand> editheader_command(Validator& v, const Command& c) {
  return c.name == "addheader" ? addheader(v, c) : deleteheader(v, c);
}

}  // namespace mailroom::sieve
