// RFC 5703: foreverypart and break (§3), the :mime options of header,
// address and exists (§4), extracttext (§7), over the message model's MIME
// tree (parts in document order, decoded on demand).
#include <algorithm>

#include "mailroom/message/address.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/structure.hpp"
#include "sieve/validator.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

using Kind = CompiledCommand::Kind;

bool mime_tag(std::string_view tag) {
  return tag == "mime" || tag == "anychild" || tag == "type" || tag == "subtype" ||
         tag == "contenttype" || tag == "param";
}

// [":name" <string>] of foreverypart and break; false after an error.
bool loop_name(Validator& v, const Command& c, std::string& name) {
  const auto& args = c.arguments;
  if (args.empty()) return true;
  if (args.size() == 2 && args[0].kind == Argument::Kind::tag && args[0].tag == "name" &&
      args[1].kind == Argument::Kind::string) {
    name = args[1].strings.front();
    return true;
  }
  v.error(DiagnosticKind::bad_arguments, c.name + ": takes only [:name \"name\"]", c.position);
  return false;
}

std::optional<CompiledCommand> foreverypart(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = Kind::foreverypart;
  out.position = c.position;
  v.need("foreverypart", "foreverypart", c.position);
  auto args = std::make_shared<StructureArgs>();
  if (!loop_name(v, c, args->name)) return std::nullopt;
  if (!c.has_block || !c.tests.empty()) {
    v.error(DiagnosticKind::bad_arguments, "foreverypart: needs a block", c.position);
    return std::nullopt;
  }
  // §3: a name names one loop among those around it.
  if (!args->name.empty() &&
      std::find(v.loops.begin(), v.loops.end(), args->name) != v.loops.end()) {
    v.error(DiagnosticKind::bad_arguments,
            "foreverypart: the name '" + args->name + "' is already used by an enclosing loop",
            c.position);
    return std::nullopt;
  }
  v.loops.push_back(args->name);
  out.block = v.commands(c.block, false);
  v.loops.pop_back();
  out.structure = std::move(args);
  return out;
}

std::optional<CompiledCommand> break_command(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = Kind::break_;
  out.position = c.position;
  v.need("foreverypart", "break", c.position);
  auto args = std::make_shared<StructureArgs>();
  if (!loop_name(v, c, args->name)) return std::nullopt;
  if (!c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "break: takes no test or block", c.position);
    return std::nullopt;
  }
  // §3.2: outside a loop, or naming none around it, break is an error.
  bool found = args->name.empty()
                   ? !v.loops.empty()
                   : std::find(v.loops.begin(), v.loops.end(), args->name) != v.loops.end();
  if (!found) {
    v.error(DiagnosticKind::misplaced_command,
            args->name.empty() ? "break outside foreverypart"
                               : "break: no enclosing foreverypart is named '" + args->name + "'",
            c.position);
    return std::nullopt;
  }
  out.structure = std::move(args);
  return out;
}

// extracttext [MODIFIER] [":first" number] <varname: string> (§7): the
// modifiers and the name are checked as set's (a set command is built).
std::optional<CompiledCommand> extracttext(Validator& v, const Command& c) {
  v.need("extracttext", "extracttext", c.position);
  auto args = std::make_shared<StructureArgs>();
  Command as_set;
  as_set.name = "set";
  as_set.position = c.position;
  const auto& list = c.arguments;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].kind == Argument::Kind::tag && list[i].tag == "first") {
      if (args->indexed || i + 1 >= list.size() || list[i + 1].kind != Argument::Kind::number) {
        v.error(DiagnosticKind::bad_arguments, "extracttext: :first needs one number",
                list[i].position);
        return std::nullopt;
      }
      args->indexed = true;
      args->index = list[++i].number;
      continue;
    }
    as_set.arguments.push_back(list[i]);
  }
  Argument empty;
  empty.kind = Argument::Kind::string;
  empty.strings = {""};
  empty.position = c.position;
  as_set.arguments.push_back(empty);
  if (positional(as_set.arguments).size() != 2 || !c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "extracttext: takes one string, the variable name",
            c.position);
    return std::nullopt;
  }
  if (v.loops.empty()) {
    v.error(DiagnosticKind::misplaced_command, "extracttext outside foreverypart (RFC 5703 §7)",
            c.position);
    return std::nullopt;
  }
  std::size_t errors_before = v.errors().size();
  auto compiled = v.commands({as_set}, false);
  for (std::size_t e = errors_before; e < v.errors().size(); ++e) {
    auto& message = v.errors()[e].message;
    if (message.rfind("set", 0) == 0) message.replace(0, 3, "extracttext");
  }
  if (compiled.size() != 1) return std::nullopt;
  CompiledCommand out = std::move(compiled.front());
  out.kind = Kind::extracttext;
  out.target.clear();
  out.expands = false;
  out.structure = std::move(args);
  return out;
}

// header/address/exists with :mime and its options (§4): the options are
// taken out, the rest compiled as the plain test, the options attached.
std::optional<CompiledTest> mime_options(Validator& v, const Test& t) {
  auto options = std::make_shared<MimeOptions>();
  Test plain = t;
  plain.arguments.clear();
  bool mime = false, part_seen = false;
  const auto& list = t.arguments;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Argument& a = list[i];
    if (a.kind != Argument::Kind::tag || !mime_tag(a.tag)) {
      plain.arguments.push_back(a);
      continue;
    }
    bool& seen = a.tag == "mime" ? mime : a.tag == "anychild" ? options->anychild : part_seen;
    if (seen) {
      v.error(DiagnosticKind::duplicate_tag,
              a.tag == "mime" || a.tag == "anychild"
                  ? t.name + ": :" + a.tag + " given twice"
                  : t.name + ": more than one of :type, :subtype, :contenttype and :param",
              a.position);
      return std::nullopt;
    }
    seen = true;
    if (a.tag == "mime" || a.tag == "anychild") continue;
    if (t.name != "header") {
      v.error(DiagnosticKind::unknown_tag,
              t.name + ": :" + a.tag + " is for the header test only (RFC 5703 §4.2)", a.position);
      return std::nullopt;
    }
    using P = MimeOptions::Part;
    options->part = a.tag == "type"          ? P::type
                    : a.tag == "subtype"     ? P::subtype
                    : a.tag == "contenttype" ? P::contenttype
                                             : P::param;
    if (options->part == P::param) {
      if (i + 1 >= list.size() || !is_strings(&list[i + 1])) {
        v.error(DiagnosticKind::bad_arguments, "header: :param needs a list of parameter names",
                a.position);
        return std::nullopt;
      }
      options->params = list[++i].strings;
    }
  }
  v.need("mime", ":mime", t.position);
  if (!mime) {
    v.error(DiagnosticKind::bad_arguments,
            t.name + ": :anychild, :type, :subtype, :contenttype and :param need :mime",
            t.position);
    return std::nullopt;
  }
  auto compiled = v.test(plain);
  if (!compiled) return std::nullopt;
  compiled->mime = std::move(options);
  return compiled;
}

}  // namespace

bool mime_command(Validator& v, const Command& c, std::optional<CompiledCommand>& out) {
  if (c.name == "foreverypart") {
    out = foreverypart(v, c);
  } else if (c.name == "break") {
    out = break_command(v, c);
  } else if (c.name == "extracttext") {
    out = extracttext(v, c);
  } else {
    return false;
  }
  return true;
}

bool mime_test_options(Validator& v, const Test& t, std::optional<CompiledTest>& out) {
  if (t.name != "header" && t.name != "address" && t.name != "exists") return false;
  bool any = std::any_of(t.arguments.begin(), t.arguments.end(), [](const Argument& a) {
    return a.kind == Argument::Kind::tag && mime_tag(a.tag);
  });
  if (!any) return false;
  out = mime_options(v, t);
  return true;
}

// §3: the parts in document order, the block running with each as the
// current part: at the top every part of the message, the message itself
// first (as Pigeonhole: a message that is not multipart is one part);
// inside another loop the parts below that loop's current one. break ends
// this loop, or unwinds to the loop it names.
bool Interpreter::for_every_part(const CompiledCommand& c) {
  const std::string& name = c.structure->name;
  const std::size_t parent = current_part_;
  const bool was_in_loop = in_loop_;
  bool go_on = true;
  for (std::size_t j = in_loop_ ? parent + 1 : parent; j < message_.parts().size() && go_on; ++j) {
    const auto& part = message_.parts()[j];
    if (j != parent && part.depth <= message_.parts()[parent].depth) break;  // past the subtree
    if (!step(c.position)) return false;
    current_part_ = j;
    in_loop_ = true;
    go_on = run(c.block);
    if (breaking_ && (break_name_.empty() || break_name_ == name)) {
      breaking_ = false;
      go_on = !error_;
      break;
    }
  }
  current_part_ = parent;
  in_loop_ = was_in_loop;
  return go_on;
}

// §7: the current part's content, transfer-decoded; text in UTF-8 and
// HTML as the text a reader sees (as the body test's :text and as
// Pigeonhole); a multipart has none. :first keeps that many characters.
void Interpreter::extract_text(const CompiledCommand& c) {
  const auto& part = message_.parts()[current_part_];
  std::string text;
  if (in_loop_ && part.is_leaf()) {
    text = part.content_type.type == "text" ? message_.text(part) : message_.decoded(part);
  }
  if (c.structure->indexed) {
    std::size_t characters = 0, cut = 0;
    for (; cut < text.size(); ++cut) {
      bool starts = (static_cast<unsigned char>(text[cut]) & 0xC0U) != 0x80U;
      if (starts && characters++ == c.structure->index) break;
    }
    text.resize(cut);
  }
  text = apply_modifiers(std::move(text), c.modifiers);
  truncate_utf8(text, limits_.max_variable_size);
  if (!set_global(c.variable, text)) values_[c.variable] = std::move(text);
}

// §4.1: the current part (the message outside foreverypart), and with
// :anychild every part below it too: true when the test holds for one.
bool Interpreter::mime_test(const CompiledTest& t) {
  const auto parts = message_.parts();
  const std::size_t top = current_part_;
  if (mime_test_on(t, parts[top])) return true;
  if (!t.mime->anychild) return false;
  for (std::size_t j = top + 1; j < parts.size() && parts[j].depth > parts[top].depth; ++j) {
    if (error_ || !step(t.position)) return false;
    if (mime_test_on(t, parts[j])) return true;
  }
  return false;
}

bool Interpreter::mime_test_on(const CompiledTest& t, const message::Part& part) {
  auto fields = [&](const std::string& name) {
    std::vector<const message::HeaderField*> out;
    for (const auto& f : part.headers) {
      if (lowered(f.name) == lowered(name)) out.push_back(&f);
    }
    return out;
  };
  if (t.kind == CompiledTest::Kind::exists) {
    return std::all_of(t.names.begin(), t.names.end(),
                       [&](const std::string& n) { return !fields(n).empty(); });
  }
  using P = MimeOptions::Part;
  return match_values(t, [&](const ValueVisitor& visit) {
    for (const auto& name : t.names) {
      auto found = fields(name);
      for (const auto* f : found) {
        if (t.kind == CompiledTest::Kind::address) {
          for (const auto& a : message::parse_address_list(f->value, message_.limits())) {
            if (a.local_part.empty() || a.domain.empty()) continue;
            std::string_view local = a.local_part;
            auto split = local.find_first_of(options_.detail_separators);
            std::string value;
            switch (t.part) {
              case AddressPart::localpart:
                value = local;
                break;
              case AddressPart::domain:
                value = a.domain;
                break;
              case AddressPart::user:
                value = local.substr(0, split);
                break;
              case AddressPart::detail:
                if (split == std::string_view::npos) continue;  // RFC 5233 §4
                value = local.substr(split + 1);
                break;
              case AddressPart::all:
                value = std::string(local) + "@" + a.domain;
                break;
            }
            if (visit(value)) return;
          }
          continue;
        }
        std::string value = message::unfold(f->value);
        if (t.mime->part == P::whole) {
          if (visit(message::decode_header_value(f->value))) return;
          continue;
        }
        message::Defects defects;
        std::string type, subtype;
        message::Parameters params;
        if (lowered(name) == "content-disposition") {
          auto cd = message::parse_content_disposition(value, defects);
          type = cd.type;
          params = cd.params;
        } else {
          auto ct = message::parse_content_type(value, defects);
          type = ct.type;
          subtype = ct.subtype;
          params = ct.params;
        }
        bool stop = false;
        switch (t.mime->part) {
          case P::type:
            stop = visit(type);
            break;
          case P::subtype:
            stop = visit(subtype);
            break;
          case P::contenttype:
            if (!subtype.empty()) type.append("/").append(subtype);
            stop = visit(type);
            break;
          case P::param:
            for (const auto& p : t.mime->params) {
              if (const std::string* v = params.find(p); v != nullptr && visit(*v)) {
                stop = true;
                break;
              }
            }
            break;
          case P::whole:
            break;
        }
        if (stop) return;
      }
    }
  });
}

}  // namespace mailroom::sieve
