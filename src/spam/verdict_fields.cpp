// The lists and the header fields of a verdict (verdict.hpp).
#include <algorithm>
#include <cmath>

#include "mailroom/spam/verdict.hpp"
#include "mailroom/util/decimal.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::spam {
namespace {

std::string number(double value) {
  std::string text = one_decimal(value);
  return text == "-0.0" ? "0.0" : text;
}

// Message text in a header field: printable ASCII only (a CR or LF from a
// file name would start a field of the sender's choosing), at most n bytes.
std::string printable(std::string_view text, std::size_t n) {
  // Copied whole, then mended in place: a byte at a time through
  // operator+= was most of verdict_fields()' instructions (callgrind).
  std::string out(text.substr(0, n));
  for (char& c : out)
    if (c < 0x20 || c >= 0x7f) c = '?';
  return out;
}

// RFC 5322 §2.2.3: fold the comma-separated list below 78 columns.
std::string fold_list(std::string_view name, std::string_view head, const std::string& list) {
  std::string out(name);
  out.append(": ").append(head);
  std::size_t column = out.size();
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t comma = list.find(',', start);
    std::size_t end = comma == std::string::npos ? list.size() : comma + 1;
    std::string_view word = std::string_view(list).substr(start, end - start);
    if (column + word.size() > 76 && column > name.size() + 2 + head.size()) {
      out += "\n\t";
      column = 8;
    }
    out += word;
    column += word.size();
    start = end;
  }
  return out + "\n";
}

}  // namespace

Result<SenderLists> parse_sender_lists(std::string_view text, std::string_view source) {
  SenderLists lists;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t nl = text.find('\n');
    std::string_view line = trim_space(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t gap = line.find_first_of(" \t");
    const std::string_view verb = line.substr(0, gap);
    const std::string_view entry =
        gap == std::string_view::npos ? std::string_view{} : trim_space(line.substr(gap));
    if ((verb != "allow" && verb != "block") || entry.empty() ||
        entry.find_first_of(" \t") != std::string_view::npos)
      return fail(ErrorKind::config, std::string(source) + ":" + std::to_string(line_number) +
                                         ": expected \"allow ENTRY\" or \"block ENTRY\"");
    (verb == "allow" ? lists.allow : lists.block).push_back(ascii_lower(entry));
  }
  return lists;
}

bool list_matches(std::string_view entry, std::string_view address) noexcept {
  if (entry.empty() || address.empty()) return false;
  if (entry.find('@') != std::string_view::npos) return iequals(entry, address);
  if (entry.front() == '.') entry.remove_prefix(1);
  const std::size_t at = address.rfind('@');
  const std::string_view domain = at == std::string_view::npos ? address : address.substr(at + 1);
  if (iequals(domain, entry)) return true;
  return domain.size() > entry.size() &&
         iequals(domain.substr(domain.size() - entry.size()), entry) &&
         domain[domain.size() - entry.size() - 1] == '.';
}

std::string symbol_list(const SpamVerdict& v) {
  std::string names;
  for (const Hit& hit : v.hits) names += (names.empty() ? "" : ",") + hit.name;
  return names;
}

std::vector<std::string> report_lines(const SpamVerdict& v) {
  std::vector<std::string> lines;
  for (const Hit& hit : v.hits) {
    std::string weight = number(hit.weight);
    lines.push_back(std::string(weight.size() < 6 ? 6 - weight.size() : 0, ' ') + weight + " " +
                    hit.name + " " + printable(hit.reason, 400));
  }
  if (!v.note.empty()) lines.push_back("   0.0 (" + printable(v.note, 400) + ")");
  if (v.unsure())
    lines.emplace_back(
        "   0.0 (unsure: SCL 2-4, not spam but near it; moving it to Junk, or marking it "
        "Not Junk ($NotJunk), teaches the filter)");
  return lines;
}

std::string verdict_fields(const SpamVerdict& v) {
  const bool spam = v.spam();
  std::string out = "X-Spam-Flag: " + std::string(spam ? "YES" : "NO") + "\n";
  out += "X-Spam-Score: " + number(v.score) + "\n";
  const double points = std::clamp(std::floor(v.score), 0.0, 50.0);
  out += "X-Spam-Level: " + std::string(static_cast<std::size_t>(points), '*') + "\n";
  std::string tests = symbol_list(v);
  out += fold_list("X-Spam-Status",
                   std::string(spam ? "Yes" : "No") + ", score=" + number(v.score) +
                       " required=" + number(v.required) + " tests=",
                   tests.empty() ? "none" : tests);
  // Trailing text on the line, so "autolearn=no" stays SpamAssassin's.
  out.insert(out.size() - 1, " autolearn=no");
  out += "X-Mailroom-SCL: " + std::to_string(v.scl) + "\n";
  out += "X-Spam-Report: SCL " + std::to_string(v.scl) + ", score " + number(v.score) +
         " (spam at " + number(v.required) + ")";
  for (const std::string& line : report_lines(v)) out += "\n\t*" + line;
  return out + "\n";
}

}  // namespace mailroom::spam
