#include "mailroom/sieve/report.hpp"
#include "mailroom/sieve/trace.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::sieve {
namespace {

// RFC 8259 §7: quote, backslash and control characters escaped; other
// bytes (UTF-8) pass through.
void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buffer[8];
      (void)std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
      out.append(buffer);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out.append(",\"").append(key).append("\":");
  append_json_string(out, value);
}

void append_field(std::string& out, std::string_view key, bool value) {
  out.append(",\"").append(key).append("\":").append(value ? "true" : "false");
}

void append_field(std::string& out, std::string_view key, std::size_t value) {
  out.append(",\"").append(key).append("\":").append(std::to_string(value));
}

void append_field(std::string& out, std::string_view key, const std::vector<std::string>& list) {
  out.append(",\"").append(key).append("\":[");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, list[i]);
  }
  out.push_back(']');
}

void append_fcc(std::string& out, const std::optional<Fcc>& fcc) {
  out.append(",\"fcc\":");
  if (!fcc) {
    out.append("null");
    return;
  }
  out.append("{\"folder\":");
  append_json_string(out, fcc->folder);
  append_field(out, "create", fcc->create);
  append_field(out, "flags", fcc->flags);
  if (!fcc->special_use.empty()) append_field(out, "specialuse", fcc->special_use);
  out.push_back('}');
}

// RFC 5230 §4, RFC 6131: the reply's arguments; "days" is the interval
// in whole days (rounded down), "seconds" the exact one.
void append_vacation(std::string& out, const Action& a) {
  const Vacation& v = *a.vacation;
  append_field(out, "from", v.from);
  append_field(out, "subject", v.subject);
  append_field(out, "reason", a.reason);
  append_field(out, "days", static_cast<std::size_t>(v.seconds / 86400));
  append_field(out, "seconds", static_cast<std::size_t>(v.seconds));
  append_field(out, "handle", v.handle);
  append_field(out, "addresses", v.addresses);
  append_field(out, "mime", v.mime);
}

// RFC 5435 §3: the method URI and the notify tags.
void append_notify(std::string& out, const Action& a) {
  const Notify& n = *a.notify;
  append_field(out, "method", a.target);
  append_field(out, "from", n.from);
  append_field(out, "importance", n.importance);
  append_field(out, "options", n.options);
  append_field(out, "message", n.message);
}

void append_action(std::string& out, const Action& a) {
  out.append("{\"action\":");
  append_json_string(out, to_string(a.kind));
  if (a.kind == ActionKind::fileinto) append_field(out, "folder", a.target);
  if (a.kind == ActionKind::redirect) append_field(out, "address", a.target);
  if (a.kind == ActionKind::fileinto || a.kind == ActionKind::redirect) {
    append_field(out, "copy", a.copy);
  }
  if (a.kind == ActionKind::fileinto) append_field(out, "create", a.create);
  if (!a.special_use.empty()) append_field(out, "specialuse", a.special_use);
  if (a.kind == ActionKind::keep) append_field(out, "implicit", a.implicit);
  // RFC 5232 §5: the IMAP flags stored with the copy.
  if (a.kind == ActionKind::keep || a.kind == ActionKind::fileinto) {
    append_field(out, "flags", a.flags);
  }
  if (a.kind == ActionKind::reject || a.kind == ActionKind::ereject) {
    append_field(out, "reason", a.reason);
  }
  if (a.vacation) append_vacation(out, a);
  if (a.notify) append_notify(out, a);
  if (a.kind == ActionKind::vacation || a.kind == ActionKind::notify) append_fcc(out, a.fcc);
  if (!a.implicit) append_field(out, "line", a.position.line);
  out.push_back('}');
}

// RFC 5293 edits, listed among the actions in the order they were made.
void append_edit(std::string& out, const HeaderEdit& e) {
  out.append("{\"action\":");
  append_json_string(out, e.add ? "addheader" : "deleteheader");
  append_field(out, "field", e.field);
  if (e.add) {
    append_field(out, "value", e.value);
    append_field(out, "last", e.last);
  } else {
    append_field(out, "deleted", e.deleted);
  }
  append_field(out, "line", e.position.line);
  out.push_back('}');
}

}  // namespace

std::string describe(const Action& a) {
  std::string line(to_string(a.kind));
  if (a.vacation) {
    line.append(" :seconds ").append(std::to_string(a.vacation->seconds));
    if (!a.vacation->subject.empty())
      line.append(" :subject \"").append(a.vacation->subject) += '"';
    if (!a.vacation->from.empty()) line.append(" :from \"").append(a.vacation->from) += '"';
    if (a.vacation->mime) line.append(" :mime");
  }
  if (a.notify) {
    if (!a.notify->from.empty()) line.append(" :from \"").append(a.notify->from) += '"';
    line.append(" :importance \"").append(a.notify->importance) += '"';
    if (!a.notify->message.empty()) line.append(" :message \"").append(a.notify->message) += '"';
  }
  if (a.fcc) line.append(" :fcc \"").append(a.fcc->folder) += '"';
  if (!a.target.empty()) {
    line.append(" \"").append(a.target).append("\"");
  }
  if (!a.reason.empty()) line.append(" \"").append(a.reason).append("\"");
  if (a.copy) line.append(" :copy");
  if (a.create) line.append(" :create");
  if (!a.flags.empty()) {
    line.append(" :flags \"");
    for (std::size_t i = 0; i < a.flags.size(); ++i) {
      if (i != 0) line.push_back(' ');
      line.append(a.flags[i]);
    }
    line.push_back('"');
  }
  if (a.implicit) {
    line.append(" (implicit)");
  } else {
    line.append(" (line ").append(std::to_string(a.position.line)).append(")");
  }
  return line;
}

std::string to_json(const Outcome& outcome) {
  std::string out = "{\"actions\":[";
  for (std::size_t i = 0; i < outcome.actions.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_action(out, outcome.actions[i]);
  }
  for (const auto& edit : outcome.edits) {
    if (out.back() != '[') out.push_back(',');
    append_edit(out, edit);
  }
  out.append("],\"error\":");
  if (!outcome.error) {
    out.append("null}");
    return out;
  }
  const Diagnostic& e = *outcome.error;
  out.append("{\"kind\":");
  append_json_string(out, is_compile_error(e.kind) ? "compile" : "runtime");
  append_field(out, "code", to_string(e.kind));
  append_field(out, "message", e.message);
  append_field(out, "line", e.position.line);
  append_field(out, "column", e.position.column);
  out.append("}}");
  return out;
}

std::string trace_to_json(const std::vector<TraceEntry>& entries) {
  std::string out = "[";
  for (const auto& e : entries) {
    if (out.size() > 1) out.push_back(',');
    out.append("{\"type\":");
    append_json_string(out, e.kind == TraceEntry::Kind::test ? "test" : "command");
    append_field(out, "name", e.name);
    append_field(out, "arguments", e.arguments);
    append_field(out, "line", e.position.line);
    append_field(out, "column", e.position.column);
    append_field(out, "depth", e.depth);
    if (e.kind == TraceEntry::Kind::test) {
      append_field(out, "result", e.result);
      append_field(out, "why", e.why);
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace mailroom::sieve
