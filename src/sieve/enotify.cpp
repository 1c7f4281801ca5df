// enotify (RFC 5435) with its one method, mailto (RFC 5436): the notify
// command, the valid_notify_method and notify_method_capability tests, and
// the mailto URI (RFC 6068) they read.
#include <algorithm>
#include <cctype>

#include "mailroom/message/address.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/send_tags.hpp"
#include "sieve/sending.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1 percent-decoding; nullopt on a broken "%XX".
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hex_digit(text[i + 1]);
    int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// RFC 6068 §2: to = addr-spec *("," addr-spec).
bool add_addresses(std::string_view list, std::vector<std::string>& to, std::string& why) {
  while (!list.empty()) {
    auto comma = std::min(list.find(','), list.size());
    auto decoded = percent_decode(list.substr(0, comma));
    if (!decoded || !plain_address(*decoded)) {
      why = "'" + std::string(list.substr(0, comma)) + "' is not an address";
      return false;
    }
    to.push_back(std::move(*decoded));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return true;
}

// RFC 5436 §2.2: fields a URI must not set in the notification, because
// this implementation sets them or they would lie about the message.
bool unsafe_field(std::string_view name) {
  static constexpr std::string_view kUnsafe[] = {
      "from", "sender",     "received",    "return-path", "auto-submitted",
      "date", "message-id", "resent-from", "resent-to",   "x-mailroom-loop"};
  return std::find(std::begin(kUnsafe), std::end(kUnsafe), name) != std::end(kUnsafe);
}

bool add_field(std::string_view field, MailtoUri& out, std::string& why) {
  auto equals = field.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    why = "'" + std::string(field) + "' is not name=value";
    return false;
  }
  auto name = percent_decode(field.substr(0, equals));
  auto value = percent_decode(field.substr(equals + 1));
  if (!name || !value) {
    why = "bad %-escape in '" + std::string(field) + "'";
    return false;
  }
  std::string key = lower(*name);
  if (key == "to" || key == "cc" || key == "bcc") {
    if (!add_addresses(*value, out.to, why)) return false;
    if (key == "cc") out.headers.emplace_back("Cc", *value);
  } else if (key == "body") {
    out.body = std::move(*value);
  } else if (!unsafe_field(key)) {
    out.headers.emplace_back(std::move(*name), std::move(*value));
  }
  return true;
}

// RFC 5435 §3.5 (as Pigeonhole checks it): option = name "=" value, the
// name a letter or digit then letters, digits, ".", "-", "_".
bool valid_option(std::string_view option) {
  auto equals = option.find('=');
  if (equals == std::string_view::npos || equals == 0) return false;
  if (!std::isalnum(static_cast<unsigned char>(option[0]))) return false;
  return std::all_of(
      option.begin(), option.begin() + static_cast<std::ptrdiff_t>(equals), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_';
      });
}

bool valid_importance(std::string_view importance) {
  return importance == "1" || importance == "2" || importance == "3";
}

// The problem with a method URI, or "" when it can be used.
std::string method_problem(std::string_view uri) {
  std::string scheme = uri_scheme(uri);
  if (scheme.empty()) return "'" + std::string(uri) + "' is not a URI";
  if (scheme != "mailto") return "unsupported notification method '" + scheme + "'";
  std::string why;
  if (!parse_mailto(uri, why)) return "mailto URI: " + why;
  return {};
}

bool valid_notify_from(std::string_view from) {
  auto mailbox = message::parse_mailbox(from);
  return mailbox && plain_address(mailbox->addr_spec());
}

}  // namespace

bool plain_address(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return false;
  return std::none_of(address.begin(), address.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u <= 0x20 || u == 0x7f || ch == '<' || ch == '>' || ch == ',';
  });
}

std::string uri_scheme(std::string_view uri) {
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string_view scheme = uri.substr(0, colon);
  // RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  if (!std::isalpha(static_cast<unsigned char>(scheme[0]))) return {};
  for (char ch : scheme)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-' && ch != '.')
      return {};
  return lower(scheme);
}

std::optional<MailtoUri> parse_mailto(std::string_view uri, std::string& why) {
  if (uri_scheme(uri) != "mailto") {
    why = "not a mailto: URI";
    return std::nullopt;
  }
  std::string_view rest = uri.substr(7);
  MailtoUri out;
  auto question = std::min(rest.find('?'), rest.size());
  if (!add_addresses(rest.substr(0, question), out.to, why)) return std::nullopt;
  rest.remove_prefix(std::min(question + 1, rest.size()));
  while (!rest.empty()) {
    auto amp = std::min(rest.find('&'), rest.size());
    if (!add_field(rest.substr(0, amp), out, why)) return std::nullopt;
    rest.remove_prefix(std::min(amp + 1, rest.size()));
  }
  if (out.to.empty()) {
    why = "no recipient";
    return std::nullopt;
  }
  return out;
}

// notify [":from" string] [":importance" <"1"/"2"/"3">] [":options"
// string-list] [":message" string] [FCC] <method: string> (RFC 5435 §3)
std::optional<CompiledCommand> validate_notify(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = CompiledCommand::Kind::notify;
  out.position = c.position;
  v.need("enotify", "notify", c.position);
  std::vector<TagSpec> specs = {{"from", TagValue::string},
                                {"importance", TagValue::string},
                                {"options", TagValue::strings},
                                {"message", TagValue::string}};
  add_fcc_specs(specs);
  ReadTags tags;
  if (!read_send_tags(v, c.name, c.arguments, specs, tags)) return std::nullopt;
  if (tags.positional.size() != 1 || tags.positional[0]->kind != Argument::Kind::string ||
      !c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "notify: takes one string, the method URI", c.position);
    return std::nullopt;
  }
  Notify notify;
  notify.from = tags.string("from");
  notify.message = tags.string("message");
  if (tags.has("importance")) notify.importance = tags.string("importance");
  if (tags.has("options")) notify.options = tags.values["options"]->strings;
  out.target = tags.positional[0]->strings.front();
  for (auto* text : {&notify.from, &notify.message, &notify.importance, &out.target})
    if (!decode_value(v, *text, c.position, out.expands)) return std::nullopt;
  for (auto& option : notify.options)
    if (!decode_value(v, option, c.position, out.expands)) return std::nullopt;
  // Strings with variables are checked when run (Interpreter::notify).
  auto known = [&](const std::string& text) {
    return !v.required("variables") || !next_reference(text, 0);
  };
  auto at = [&](std::string_view tag) { return tags.values[std::string(tag)]->position; };
  auto refuse = [&](std::string message, Position where) {
    v.error(DiagnosticKind::bad_arguments, "notify: " + std::move(message), where);
    return std::nullopt;
  };
  // Constant arguments are checked now (RFC 5435 §3.1-§3.5), as Pigeonhole does.
  if (known(out.target))
    if (auto problem = method_problem(out.target); !problem.empty())
      return refuse(problem, tags.positional[0]->position);
  if (tags.has("importance") && known(notify.importance) && !valid_importance(notify.importance))
    return refuse(":importance must be \"1\", \"2\" or \"3\", not '" + notify.importance + "'",
                  at("importance"));
  for (const auto& option : notify.options)
    if (known(option) && !valid_option(option))
      return refuse("option '" + option + "' is not name=value", at("options"));
  if (tags.has("from") && known(notify.from) && !valid_notify_from(notify.from))
    return refuse(":from '" + notify.from + "' is not an address for the mailto method",
                  at("from"));
  CompiledCommand::Send send;
  if (!read_fcc(v, c.name, tags, send.fcc, out.expands)) return std::nullopt;
  send.notify = std::move(notify);
  out.send = std::make_shared<const CompiledCommand::Send>(std::move(send));
  return out;
}

bool validate_notify_test(Validator& v, const Test& t, const std::vector<const Argument*>& args,
                          CompiledTest& out) {
  v.need("enotify", t.name, t.position);
  auto bad = [&](std::string message) {
    v.error(DiagnosticKind::bad_arguments, t.name + ": " + std::move(message), t.position);
    return false;
  };
  if (out.kind == CompiledTest::Kind::valid_notify_method) {
    // valid_notify_method <notification-uris: string-list> (§5)
    if (args.size() != 1 || !is_strings(args[0]) || !t.tests.empty())
      return bad("takes one string list, the URIs");
    return v.take_strings(out.keys, *args[0], out.expands);
  }
  // notify_method_capability [COMPARATOR] [MATCH-TYPE] <notification-uri:
  // string> <notification-capability: string> <key-list: string-list> (§6)
  if (args.size() != 3 || args[0]->kind != Argument::Kind::string ||
      args[1]->kind != Argument::Kind::string || !is_strings(args[2]) || !t.tests.empty())
    return bad("takes the URI, the capability and a key list");
  out.names = {args[0]->strings.front(), args[1]->strings.front()};
  bool refers = false;
  for (auto& name : out.names)
    if (!decode_value(v, name, t.position, refers)) return false;
  out.expands = out.expands || refers;
  return v.take_strings(out.keys, *args[2], out.expands);
}

void Interpreter::notify(const CompiledCommand& c) {
  auto expand_if = [&](const std::string& text) { return expanded_string(c, text); };
  Action action;
  action.kind = ActionKind::notify;
  action.position = c.position;
  action.target = expand_if(c.target);
  Notify notify = *c.send->notify;
  notify.from = expand_if(notify.from);
  notify.importance = expand_if(notify.importance);
  notify.message = expand_if(notify.message);
  for (auto& option : notify.options) option = expand_if(option);
  // The checks the validator could not make on strings with variables
  // (RFC 5435 §3.1-§3.5): a run-time error, so the message is kept.
  std::string problem = method_problem(action.target);
  if (problem.empty() && !valid_importance(notify.importance))
    problem = ":importance '" + notify.importance + "' is not 1, 2 or 3";
  if (problem.empty() && !notify.from.empty() && !valid_notify_from(notify.from))
    problem = ":from '" + notify.from + "' is not an address";
  for (const auto& option : notify.options)
    if (problem.empty() && !valid_option(option))
      problem = "option '" + option + "' is not name=value";
  if (!problem.empty()) {
    fail("notify: " + problem, c.position);
    return;
  }
  action.notify = std::move(notify);
  action.fcc = expanded_fcc(c);
  add(std::move(action));
}

bool Interpreter::notify_test(const CompiledTest& t) {
  if (t.kind == CompiledTest::Kind::valid_notify_method) {
    // §5: true only when every URI is one we could notify.
    return std::all_of(t.keys.begin(), t.keys.end(),
                       [](const std::string& uri) { return method_problem(uri).empty(); });
  }
  // §6, RFC 5436 §2.2 (mailto): "online" is "maybe"; an unusable URI or
  // another capability matches nothing.
  if (!method_problem(t.names[0]).empty() || lower(t.names[1]) != "online") return false;
  return match_values(t, [](const ValueVisitor& visit) { (void)visit("maybe"); });
}

}  // namespace mailroom::sieve
