// vacation (RFC 5230) and vacation-seconds (RFC 6131): the command's
// arguments checked when compiled, and the action it adds when run. Whether
// a reply is really sent (RFC 3834, the response store) is decided when the
// pipeline carries the action out (outgoing.hpp).
#include <algorithm>

#include "mailroom/message/address.hpp"
#include "sieve/flags.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/send_tags.hpp"
#include "sieve/sending.hpp"
#include "sieve/structure.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

// :from is "addr-spec" or "Name <addr-spec>" (RFC 5230 §4.4).
bool valid_from(std::string_view from) {
  auto mailbox = message::parse_mailbox(from);
  return mailbox && plain_address(mailbox->addr_spec());
}

// §4.1: ":days 0" and periods under the minimum are raised to it, with a
// warning, as Pigeonhole does (RFC 6131 §2 lets the site set a minimum).
std::uint64_t period(Validator& v, const ReadTags& tags) {
  const bool seconds = tags.has("seconds");
  if (!seconds && !tags.has("days")) return kVacationDefaultSeconds;
  const Argument* value = tags.values.at(seconds ? "seconds" : "days");
  std::uint64_t wanted = value->number;
  if (!seconds) wanted = wanted > UINT64_MAX / 86400 ? UINT64_MAX : wanted * 86400;
  if (wanted < kVacationMinSeconds) {
    v.warn(DiagnosticKind::bad_arguments,
           std::string("vacation: :") + (seconds ? "seconds" : "days") + " " +
               std::to_string(value->number) + " is under the minimum of one day; one day is used",
           value->position);
    return kVacationMinSeconds;
  }
  return wanted;
}

}  // namespace

std::string default_vacation_handle(const Vacation& vacation, std::string_view reason) {
  std::string handle(reason);
  handle += vacation.subject.empty() ? "<default-subject>" : vacation.subject;
  handle += vacation.from.empty() ? "<default-from>" : vacation.from;
  handle += vacation.mime ? "<MIME>" : "<NO-MIME>";
  return handle;
}

// vacation [":days" number | ":seconds" number] [":subject" string]
//          [":from" string] [":addresses" string-list] [":mime"]
//          [":handle" string] [FCC] <reason: string>
std::optional<CompiledCommand> validate_vacation(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = CompiledCommand::Kind::vacation;
  out.position = c.position;
  // RFC 6131 §2: vacation-seconds brings vacation with it (as Pigeonhole).
  if (!v.required("vacation-seconds")) v.need("vacation", "vacation", c.position);
  std::vector<TagSpec> specs = {{"days", TagValue::number},       {"seconds", TagValue::number},
                                {"subject", TagValue::string},    {"from", TagValue::string},
                                {"addresses", TagValue::strings}, {"mime", TagValue::none},
                                {"handle", TagValue::string}};
  add_fcc_specs(specs);
  ReadTags tags;
  if (!read_send_tags(v, c.name, c.arguments, specs, tags)) return std::nullopt;
  if (tags.has("seconds")) v.need("vacation-seconds", ":seconds", tags.values["seconds"]->position);
  if (tags.has("seconds") && tags.has("days")) {
    v.error(DiagnosticKind::bad_arguments, "vacation: :days and :seconds exclude each other",
            tags.values["seconds"]->position);
    return std::nullopt;
  }
  if (tags.positional.size() != 1 || tags.positional[0]->kind != Argument::Kind::string ||
      !c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "vacation: takes one string, the reason", c.position);
    return std::nullopt;
  }
  CompiledCommand::Send send;
  Vacation vacation;
  vacation.seconds = period(v, tags);
  vacation.mime = tags.has("mime");
  vacation.subject = tags.string("subject");
  vacation.from = tags.string("from");
  vacation.handle = tags.string("handle");
  send.default_handle = !tags.has("handle");
  if (tags.has("addresses")) vacation.addresses = tags.values["addresses"]->strings;
  out.target = tags.positional[0]->strings.front();
  bool& expands = out.expands;
  for (auto* text : {&vacation.subject, &vacation.from, &vacation.handle, &out.target})
    if (!decode_value(v, *text, c.position, expands)) return std::nullopt;
  for (auto& address : vacation.addresses)
    if (!decode_value(v, address, c.position, expands)) return std::nullopt;
  // §4.4: a :from that is not an address is an error when it is known.
  const bool from_known = !v.required("variables") || !next_reference(vacation.from, 0);
  if (tags.has("from") && from_known && !valid_from(vacation.from)) {
    v.error(DiagnosticKind::bad_address,
            "vacation: :from '" + vacation.from + "' is not an address",
            tags.values["from"]->position);
    return std::nullopt;
  }
  if (!read_fcc(v, c.name, tags, send.fcc, expands)) return std::nullopt;
  send.vacation = std::move(vacation);
  out.send = std::make_shared<const CompiledCommand::Send>(std::move(send));
  return out;
}

// RFC 5230 §4.7 (as Pigeonhole): a second vacation in one run is an error.
void Interpreter::vacation(const CompiledCommand& c) {
  auto expand_if = [&](const std::string& text) { return expanded_string(c, text); };
  Action action;
  action.kind = ActionKind::vacation;
  action.position = c.position;
  action.reason = expand_if(c.target);
  Vacation vacation = *c.send->vacation;
  vacation.subject = expand_if(vacation.subject);
  vacation.from = expand_if(vacation.from);
  vacation.handle = expand_if(vacation.handle);
  for (auto& address : vacation.addresses) address = expand_if(address);
  if (!vacation.from.empty() && !valid_from(vacation.from)) {
    fail("vacation: :from '" + vacation.from + "' is not an address", c.position);
    return;
  }
  if (c.send->default_handle) vacation.handle = default_vacation_handle(vacation, action.reason);
  for (const auto& earlier : actions_) {
    if (earlier.kind != ActionKind::vacation) continue;
    fail("a second vacation action (the first is on line " + std::to_string(earlier.position.line) +
             ", RFC 5230 §4.7)",
         c.position);
    return;
  }
  action.vacation = std::move(vacation);
  action.fcc = expanded_fcc(c);
  add(std::move(action));
}

std::string Interpreter::expanded_string(const CompiledCommand& c, const std::string& text) const {
  return variables_ && c.expands ? expand(text) : text;
}

std::optional<Fcc> Interpreter::expanded_fcc(const CompiledCommand& c) {
  if (!c.send->fcc) return std::nullopt;
  Fcc fcc = *c.send->fcc;
  if (variables_ && c.expands) {
    fcc.folder = expand(fcc.folder);
    for (auto& flag : fcc.flags) flag = expand(flag);
    fcc.special_use = expand(fcc.special_use);
  }
  // RFC 8579 §4.1: the folder with the attribute, else the named one; an
  // attribute from variables that is not one is a run-time error (§4).
  if (!fcc.special_use.empty()) {
    if (!valid_special_use(fcc.special_use)) {
      fail(":fcc: '" + fcc.special_use + "' is not a special-use attribute (RFC 8579 §4)",
           c.position);
      return std::nullopt;
    }
    if (options_.special_use_folder) {
      if (auto folder = options_.special_use_folder(fcc.special_use))
        fcc.folder = std::move(*folder);
    }
  }
  // RFC 8580 §4 with RFC 5232 §5: the flags as imap4flags stores them.
  std::string list;
  for (const auto& flag : fcc.flags) list.append(flag).push_back(' ');
  fcc.flags = action_flags(list);
  return fcc;
}

}  // namespace mailroom::sieve
