#include "canon.hpp"

#include <array>
#include <cstring>
#include "mailroom/util/text.hpp"

namespace mailroom::auth::canon {
namespace {

// Collects small writes into large ones: hashing in 4 KiB chunks is much
// cheaper than one call per line. The buffer is not zero-filled and no
// larger than a page: `deliver` runs once per message, and each fresh stack
// page costs a fault (a 16 KiB zeroed buffer was 4 of them per process).
class Writer {
 public:
  explicit Writer(ByteSink& sink) : sink_(sink) {}
  void put(std::string_view s) {
    total_ += s.size();
    if (s.size() > buf_.size() - used_) flush();
    if (s.size() >= buf_.size()) {
      sink_.write(s);
      return;
    }
    std::memcpy(buf_.data() + used_, s.data(), s.size());
    used_ += s.size();
  }
  void flush() {
    if (used_ != 0) sink_.write(std::string_view(buf_.data(), used_));
    used_ = 0;
  }
  [[nodiscard]] std::uint64_t total() const { return total_; }

 private:
  ByteSink& sink_;
  std::array<char, 4096> buf_;  // NOLINT(cppcoreguidelines-pro-type-member-init): see above
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;
};

// §3.4.4 a-b: WSP runs become one SP, WSP at the end of the line goes.
std::string_view relax_line(std::string_view line, std::string& scratch) {
  if (scratch.size() < line.size()) scratch.resize(line.size());
  char* out = scratch.data();
  std::size_t n = 0;
  bool space = false;
  for (char c : line) {
    if (is_wsp(c)) {
      space = true;
      continue;
    }
    if (space) out[n++] = ' ';
    space = false;
    out[n++] = c;
  }
  return {out, n};
}

}  // namespace

std::uint64_t body(std::string_view body, Canonicalization c, ByteSink& sink) {
  Writer out(sink);
  std::string scratch;
  std::size_t pending_empty = 0;  // §3.4.3/§3.4.4: empty lines at the end are dropped
  bool any = false;
  std::size_t pos = 0;
  while (pos < body.size()) {
    const void* nl = std::memchr(body.data() + pos, '\n', body.size() - pos);
    std::size_t end =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - body.data()) : body.size();
    std::string_view line = body.substr(pos, end - pos);
    if (nl != nullptr && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl ? end + 1 : body.size();
    if (c == Canonicalization::relaxed) line = relax_line(line, scratch);
    if (line.empty()) {
      ++pending_empty;
      continue;
    }
    for (; pending_empty > 0; --pending_empty) out.put("\r\n");
    out.put(line);
    out.put("\r\n");
    any = true;
  }
  // §3.4.3: an empty body is one CRLF in "simple", nothing in "relaxed".
  if (!any && c == Canonicalization::simple) out.put("\r\n");
  out.flush();
  return out.total();
}

void header_simple(std::string_view raw, std::string& out) {
  out.reserve(out.size() + raw.size() + 8);
  char prev = '\0';
  for (char c : raw) {
    if (c == '\n' && prev != '\r') out.push_back('\r');
    out.push_back(c);
    prev = c;
  }
  if (prev != '\n') out += "\r\n";
}

void header_relaxed(std::string_view name, std::string_view value, std::string& out) {
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  for (char c : name) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  out.push_back(':');
  bool space = false;
  bool started = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfolding
    if (is_wsp(c)) {
      space = true;
      continue;
    }
    if (space && started) out.push_back(' ');
    space = false;
    started = true;
    out.push_back(c);
  }
  out += "\r\n";
}

}  // namespace mailroom::auth::canon
