// What a session and its per-uid delivery worker (lmtp/worker.hpp) say to
// each other over their SOCK_SEQPACKET socketpair: one datagram per
// request (the envelope of one recipient, and the message itself when it is
// small, else as a descriptor, SCM_RIGHTS) and one per report. Fields are separated by NUL,
// which no envelope field can hold (the LMTP parser refuses NUL in
// commands), so a field can never be read as the next one.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <optional>
#include <string>
#include <string_view>

namespace mailroom::lmtp {

struct WorkRequest {
  std::string user;         // the recipient's user name (lmtp.user_name)
  std::string sender;       // MAIL FROM; "" is <>
  std::string original;     // ORCPT, else the address
  std::string address;      // RCPT TO
  std::string client_addr;  // XFORWARD ADDR; "" when not sent
  std::string client_helo;  // XFORWARD HELO
  std::string client_name;  // XFORWARD NAME, for $CLIENT_HOSTNAME
  // The user as the session found them at RCPT TO (its uid and gid are the
  // worker's own): the worker does not look them up again.
  std::string home;     // "" for a virtual user
  std::string maildir;  // never ""
  // The message itself, when it is small enough to travel in the
  // datagram (kMaxInlineMessage): after the last separator, whatever
  // bytes it holds (NUL too). "" when it comes as a descriptor instead.
  std::string message;
};

struct WorkReport {
  int exit_code = 75;  // deliver's exit code
  std::string status;  // RFC 3463 code deliver attached, "" when delivered
  std::string reason;
};

// Bigger than any request the protocol limits allow (lmtp.max_line per
// address): a larger one is refused by encode (nullopt), and the session
// defers that recipient.
inline constexpr std::size_t kMaxWorkDatagram = 64 * 1024;
// A message up to this size goes in the request itself: no memfd to
// create, fill, seal and pass, nor for the worker to read (mailroom-bare
// in bench/lmtp: 8 system calls less a message). Larger ones come as a
// sealed memfd (lmtp/message_file.hpp). Both limits together stay below
// the default socket send buffer (net.core.wmem_default, 208 KiB).
inline constexpr std::size_t kMaxInlineMessage = 64 * 1024;

[[nodiscard]] std::optional<std::string> encode(const WorkRequest& request);
[[nodiscard]] std::optional<WorkRequest> decode_request(std::string_view datagram);
[[nodiscard]] std::string encode(const WorkReport& report);
[[nodiscard]] std::optional<WorkReport> decode_report(std::string_view datagram);

// A sendmsg/recvmsg header of one buffer with room for one descriptor
// (SCM_RIGHTS), as both ends use it. It points into itself: not copied.
struct OneDescriptorMessage {
  OneDescriptorMessage(void* bytes, std::size_t size);
  OneDescriptorMessage(const OneDescriptorMessage&) = delete;
  OneDescriptorMessage& operator=(const OneDescriptorMessage&) = delete;
  ~OneDescriptorMessage() = default;

  iovec data;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr header{};
};

}  // namespace mailroom::lmtp
