#include "lmtp/worker_wire.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <initializer_list>

namespace mailroom::lmtp {
namespace {

constexpr char kSeparator = '\0';

// Exactly N fields, else nullopt: a short or long datagram is a bug or a
// truncation, never something to guess at. With `rest`, the last field is
// everything after the (N-1)th separator, separators included.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> split(std::string_view datagram, bool rest = false) {
  std::array<std::string_view, N> fields;
  for (std::size_t i = 0; i < N; ++i) {
    auto end = rest && i + 1 == N ? std::string_view::npos : datagram.find(kSeparator);
    if ((end == std::string_view::npos) != (i + 1 == N)) return std::nullopt;
    fields[i] = datagram.substr(0, end);
    datagram.remove_prefix(end == std::string_view::npos ? datagram.size() : end + 1);
  }
  return fields;
}

std::optional<std::string> join(std::initializer_list<std::string_view> fields) {
  std::string out;
  for (std::string_view field : fields) {
    if (field.find(kSeparator) != std::string_view::npos) return std::nullopt;
    out += field;
    out += kSeparator;
  }
  out.pop_back();
  return out;
}

}  // namespace

OneDescriptorMessage::OneDescriptorMessage(void* bytes, std::size_t size) : data{bytes, size} {
  header.msg_iov = &data;
  header.msg_iovlen = 1;
  header.msg_control = control;
  header.msg_controllen = sizeof control;
}

std::optional<std::string> encode(const WorkRequest& r) {
  auto out = join({r.user, r.sender, r.original, r.address, r.client_addr, r.client_helo,
                   r.client_name, r.home, r.maildir});
  if (!out || out->size() > kMaxWorkDatagram || r.message.size() > kMaxInlineMessage)
    return std::nullopt;
  out->reserve(out->size() + 1 + r.message.size());
  *out += kSeparator;
  *out += r.message;  // the last field: its NULs are its own
  return out;
}

std::optional<WorkRequest> decode_request(std::string_view datagram) {
  auto f = split<10>(datagram, true);
  if (!f || (*f)[0].empty() || (*f)[8].empty()) return std::nullopt;
  return WorkRequest{std::string((*f)[0]), std::string((*f)[1]), std::string((*f)[2]),
                     std::string((*f)[3]), std::string((*f)[4]), std::string((*f)[5]),
                     std::string((*f)[6]), std::string((*f)[7]), std::string((*f)[8]),
                     std::string((*f)[9])};
}

std::string encode(const WorkReport& report) {
  std::string out = std::to_string(report.exit_code);
  for (std::string_view field :
       {std::string_view(report.status), std::string_view(report.reason)}) {
    out += kSeparator;
    for (char c : field) out += c == kSeparator ? ' ' : c;  // a reason is free text
  }
  return out;
}

std::optional<WorkReport> decode_report(std::string_view datagram) {
  auto f = split<3>(datagram);
  if (!f) return std::nullopt;
  WorkReport report;
  auto [end, error] =
      std::from_chars((*f)[0].data(), (*f)[0].data() + (*f)[0].size(), report.exit_code);
  if (error != std::errc{} || end != (*f)[0].data() + (*f)[0].size() || (*f)[0].empty())
    return std::nullopt;
  report.status = std::string((*f)[1]);
  report.reason = std::string((*f)[2]);
  return report;
}

}  // namespace mailroom::lmtp
