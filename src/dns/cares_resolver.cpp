#include "mailroom/dns/cares_resolver.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace mailroom::dns {
namespace {

using std::chrono::milliseconds;

// c-ares 1.18 keeps two tables of list heads in its channel (74 KB) and
// writes every entry when the channel is made: 18 fresh pages, each a page
// fault. `deliver` makes one channel per message, and on a VM a fault costs
// 11-23 us while entering a page in one mmap(MAP_POPULATE) call costs
// about half; measured, c-ares' set-up takes about half the time this way.
// So its large blocks come populated from mmap; small ones from malloc.
// Each block starts with a header saying which.
struct BlockHeader {
  std::size_t size;  // of the whole mapping, or of the caller's block
  bool mapped;
};
constexpr std::size_t kHeader = (sizeof(BlockHeader) + 15) / 16 * 16;  // keeps 16-byte alignment
constexpr std::size_t kMapAtLeast = std::size_t{32} * 1024;

void* ares_block_alloc(std::size_t size) {
  if (size >= kMapAtLeast) {
    const std::size_t length = size + kHeader;
    void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    *static_cast<BlockHeader*>(p) = {length, true};
    return static_cast<char*>(p) + kHeader;
  }
  void* p = std::malloc(size + kHeader);  // NOLINT(cppcoreguidelines-no-malloc): c-ares' contract
  if (p == nullptr) return nullptr;
  *static_cast<BlockHeader*>(p) = {size, false};
  return static_cast<char*>(p) + kHeader;
}

BlockHeader* header_of(void* block) {
  return reinterpret_cast<BlockHeader*>(static_cast<char*>(block) - kHeader);
}

void ares_block_free(void* block) {
  if (block == nullptr) return;
  BlockHeader* h = header_of(block);
  if (h->mapped) {
    ::munmap(h, h->size);
  } else {
    std::free(h);  // NOLINT(cppcoreguidelines-no-malloc): c-ares' contract
  }
}

void* ares_block_realloc(void* block, std::size_t size) {
  if (block == nullptr) return ares_block_alloc(size);
  BlockHeader* h = header_of(block);
  if (!h->mapped && size < kMapAtLeast) {
    // NOLINTNEXTLINE(cppcoreguidelines-no-malloc): c-ares' contract
    auto* moved = static_cast<BlockHeader*>(std::realloc(h, size + kHeader));
    if (moved == nullptr) return nullptr;
    moved->size = size;
    return reinterpret_cast<char*>(moved) + kHeader;
  }
  void* fresh = ares_block_alloc(size);
  if (fresh == nullptr) return nullptr;
  const std::size_t old = h->mapped ? h->size - kHeader : h->size;
  std::memcpy(fresh, block, std::min(old, size));
  ares_block_free(block);
  return fresh;
}

// ares_library_init is process-wide and not thread-safe: do it once, late.
int library_init() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] {
    status = ares_library_init_mem(ARES_LIB_INIT_ALL, ares_block_alloc, ares_block_free,
                                   ares_block_realloc);
  });
  return status;
}

std::string strip_dot(const char* name) {
  std::string_view s = name == nullptr ? std::string_view{} : std::string_view{name};
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return std::string(s);
}

struct Pending {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<unsigned char> reply;
};

void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* pending = static_cast<Pending*>(arg);
  pending->done = true;
  pending->status = status;
  if (status == ARES_SUCCESS && abuf != nullptr && alen > 0) {
    pending->reply.assign(abuf, abuf + alen);
  }
}

Result<Answer> parse_addresses(const std::vector<unsigned char>& reply, RecordType type,
                               std::size_t max_records) {
  Answer answer = Answer::of(AnswerKind::records);
  const int len = static_cast<int>(reply.size());
  int count = static_cast<int>(max_records);
  int status = ARES_SUCCESS;
  if (type == RecordType::a) {
    std::vector<ares_addrttl> out(max_records);
    status = ares_parse_a_reply(reply.data(), len, nullptr, out.data(), &count);
    for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
      std::array<std::uint8_t, 4> b{};
      std::memcpy(b.data(), &out[static_cast<std::size_t>(i)].ipaddr, 4);
      answer.addresses.push_back(IpAddress::v4(b));
    }
  } else {
    std::vector<ares_addr6ttl> out(max_records);
    status = ares_parse_aaaa_reply(reply.data(), len, nullptr, out.data(), &count);
    for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
      std::array<std::uint8_t, 16> b{};
      std::memcpy(b.data(), &out[static_cast<std::size_t>(i)].ip6addr, 16);
      answer.addresses.push_back(IpAddress::v6(b));
    }
  }
  if (status == ARES_ENODATA) return Answer::nodata();
  if (status != ARES_SUCCESS) return fail(ErrorKind::temporary, ares_strerror(status));
  return answer;
}

Result<Answer> parse_txt(const std::vector<unsigned char>& reply, std::size_t max_records) {
  ares_txt_ext* head = nullptr;
  const int status = ares_parse_txt_reply_ext(reply.data(), static_cast<int>(reply.size()), &head);
  if (status == ARES_ENODATA) return Answer::nodata();
  if (status != ARES_SUCCESS) return fail(ErrorKind::temporary, ares_strerror(status));
  Answer answer = Answer::of(AnswerKind::records);
  for (ares_txt_ext* p = head; p != nullptr; p = p->next) {
    // Chunks of one record arrive in order, record_start marking a new one.
    if (p->record_start != 0 || answer.texts.empty()) {
      if (answer.texts.size() >= max_records) break;
      answer.texts.emplace_back();
    }
    answer.texts.back().append(reinterpret_cast<const char*>(p->txt), p->length);
  }
  ares_free_data(head);
  if (answer.texts.empty()) return Answer::nodata();
  return answer;
}

Result<Answer> parse_mx(const std::vector<unsigned char>& reply, std::size_t max_records) {
  ares_mx_reply* head = nullptr;
  const int status = ares_parse_mx_reply(reply.data(), static_cast<int>(reply.size()), &head);
  if (status == ARES_ENODATA) return Answer::nodata();
  if (status != ARES_SUCCESS) return fail(ErrorKind::temporary, ares_strerror(status));
  Answer answer = Answer::of(AnswerKind::records);
  for (ares_mx_reply* p = head; p != nullptr && answer.exchanges.size() < max_records;
       p = p->next) {
    answer.exchanges.push_back({p->priority, strip_dot(p->host)});
  }
  ares_free_data(head);
  if (answer.exchanges.empty()) return Answer::nodata();
  return answer;
}

Result<Answer> parse_names(const std::vector<unsigned char>& reply, std::size_t max_records) {
  // c-ares copies the queried address into the hostent; the PTR names are
  // what we want, so any address of the right size will do.
  std::array<unsigned char, 16> unused{};
  hostent* host = nullptr;
  const int status = ares_parse_ptr_reply(reply.data(), static_cast<int>(reply.size()),
                                          unused.data(), 4, AF_INET, &host);
  if (status == ARES_ENODATA) return Answer::nodata();
  if (status != ARES_SUCCESS) return fail(ErrorKind::temporary, ares_strerror(status));
  Answer answer = Answer::of(AnswerKind::records);
  for (char** alias = host->h_aliases; alias != nullptr && *alias != nullptr; ++alias) {
    if (answer.names.size() >= max_records) break;
    answer.names.push_back(strip_dot(*alias));
  }
  if (answer.names.empty() && host->h_name != nullptr)
    answer.names.push_back(strip_dot(host->h_name));
  ares_free_hostent(host);
  return answer;
}

Result<Answer> parse_reply(const std::vector<unsigned char>& reply, RecordType type,
                           std::size_t max_records) {
  switch (type) {
    case RecordType::a:
    case RecordType::aaaa:
      return parse_addresses(reply, type, max_records);
    case RecordType::txt:
      return parse_txt(reply, max_records);
    case RecordType::mx:
      return parse_mx(reply, max_records);
    case RecordType::ptr:
      return parse_names(reply, max_records);
    case RecordType::cname:
      break;  // refused in query()
  }
  return fail(ErrorKind::internal, "unknown record type");
}

// c-ares status -> our answer or error. NXDOMAIN and NODATA are answers.
Result<Answer> map_status(int status, std::string_view name, RecordType type) {
  switch (status) {
    case ARES_ENOTFOUND:
      return Answer::nxdomain();
    case ARES_ENODATA:
      return Answer::nodata();
    case ARES_EBADNAME:
      return fail(ErrorKind::parse, "not a valid DNS name: " + std::string(name));
    default:
      break;
  }
  std::string what = "DNS ";
  what += to_string(type);
  what += " ";
  what += name;
  what += ": ";
  what += status == ARES_ESERVFAIL ? "SERVFAIL" : ares_strerror(status);
  return fail(ErrorKind::temporary, std::move(what));
}

}  // namespace

struct CaresResolver::Ahead {
  std::map<std::pair<std::string, RecordType>, std::unique_ptr<Pending>> pending;
};

struct CaresResolver::Channel {
  ares_channel channel = nullptr;
  ~Channel() {
    if (channel != nullptr) ares_destroy(channel);
  }
};

CaresResolver::CaresResolver(CaresOptions options)
    : options_(std::move(options)), ahead_(std::make_unique<Ahead>()) {}

CaresResolver::~CaresResolver() = default;

bool CaresResolver::initialised() const { return channel_ != nullptr; }

Status CaresResolver::ensure_channel() {
  if (channel_) return ok();
  if (int s = library_init(); s != ARES_SUCCESS) {
    return fail(ErrorKind::temporary, std::string("c-ares init: ") + ares_strerror(s));
  }
  auto channel = std::make_unique<Channel>();
  ares_options opts{};
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
  const int tries = std::max(1, options_.tries);
  opts.tries = tries;
  opts.timeout = static_cast<int>(std::max<long long>(1, options_.query_timeout.count() / tries));
  // No search list: every name we ask is absolute. Truncated UDP answers
  // are retried over TCP by c-ares (ARES_FLAG_IGNTC stays off).
  // NOCHECKRESP: a SERVFAIL or REFUSED from the recursive resolver is its
  // verdict after its own retries; we report it as such (temperror) rather
  // than let c-ares call it "could not contact DNS servers".
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
  // Only ares_send/ares_query are used, never host lookups: saying "DNS
  // only" spares reading nsswitch.conf and host.conf at every delivery.
  static char dns_only[] = "b";
  opts.lookups = dns_only;
  mask |= ARES_OPT_LOOKUPS;
  if (int s = ares_init_options(&channel->channel, &opts, mask); s != ARES_SUCCESS) {
    return fail(ErrorKind::temporary,
                std::string("c-ares: cannot read resolver settings: ") + ares_strerror(s));
  }
  if (!options_.servers.empty()) {
    if (int s = ares_set_servers_ports_csv(channel->channel, options_.servers.c_str());
        s != ARES_SUCCESS) {
      return fail(ErrorKind::config,
                  "bad DNS server \"" + options_.servers + "\": " + ares_strerror(s));
    }
  }
  channel_ = std::move(channel);
  return ok();
}

namespace {

// Drives the channel (every outstanding query, ours and those sent ahead)
// until `pending` is answered; false when `until` passes first.
// Runs `idle_work` (once) when nothing is ready yet, i.e. when the poll
// below would block; then it is work done while the answers travel.
bool run_if_idle(std::vector<pollfd>& fds, std::function<void()>& idle_work) {
  if (!idle_work || poll(fds.data(), fds.size(), 0) != 0) return false;
  auto work = std::move(idle_work);
  idle_work = nullptr;
  work();
  return true;
}

bool wait_for(ares_channel ch, const Pending& pending, Deadline until,
              std::function<void()>& idle_work) {
  while (!pending.done) {
    if (until.expired()) return false;
    std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> socks{};
    const int bits = ares_getsock(ch, socks.data(), ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) fds.push_back({socks[static_cast<std::size_t>(i)], events, 0});
    }
    if (run_if_idle(fds, idle_work)) continue;
    // Wake for whichever comes first: c-ares' retry timer or our deadline.
    auto wait = std::chrono::duration_cast<milliseconds>(until.remaining());
    timeval max_tv{};
    max_tv.tv_sec = static_cast<time_t>(wait.count() / 1000);
    max_tv.tv_usec = static_cast<suseconds_t>((wait.count() % 1000) * 1000);
    timeval tv{};
    const timeval* next = ares_timeout(ch, &max_tv, &tv);
    const long long ms = next->tv_sec * 1000LL + next->tv_usec / 1000 + 1;
    const int n = poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(ms, 60000)));
    if (n <= 0) {
      ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timers only
      continue;
    }
    for (const pollfd& p : fds) {
      const bool readable = (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (p.revents & POLLOUT) != 0;
      ares_process_fd(ch, readable ? p.fd : ARES_SOCKET_BAD, writable ? p.fd : ARES_SOCKET_BAD);
    }
  }
  return true;
}

}  // namespace

void CaresResolver::send_ahead(std::string_view name, RecordType type) {
  if (!is_valid_query_name(name) || type == RecordType::cname) return;
  if (ahead_->pending.size() >= kMaxAhead) return;
  std::pair<std::string, RecordType> key{canonical_name(name), type};
  if (ahead_->pending.contains(key)) return;
  if (auto s = ensure_channel(); !s) return;  // query() will say why
  auto pending = std::make_unique<Pending>();
  ares_query(channel_->channel, key.first.c_str(), ns_c_in, static_cast<int>(type), on_reply,
             pending.get());
  ahead_->pending.emplace(std::move(key), std::move(pending));
}

void CaresResolver::while_waiting(std::function<void()> work) { idle_work_ = std::move(work); }

std::size_t CaresResolver::sent_ahead() const { return ahead_->pending.size(); }

Result<Answer> CaresResolver::query(std::string_view name, RecordType type, Deadline deadline) {
  if (!is_valid_query_name(name)) {
    return fail(ErrorKind::parse, "not a valid DNS name: " + std::string(name));
  }
  // Every other type follows CNAMEs by itself, which is all mail checks need.
  if (type == RecordType::cname) {
    return fail(ErrorKind::internal, "CaresResolver does not ask for CNAME records");
  }
  if (deadline.expired()) return fail(ErrorKind::temporary, "DNS deadline already spent");
  if (auto s = ensure_channel(); !s) return tl::unexpected(s.error());
  ares_channel ch = channel_->channel;
  const Deadline until = deadline.min(Deadline::after(options_.query_timeout));

  const std::string qname(name);
  // The question may be on its way already; one cancelled by an earlier
  // timeout (ares_cancel ends them all) is asked again.
  std::unique_ptr<Pending> pending;
  if (auto it = ahead_->pending.find({canonical_name(name), type}); it != ahead_->pending.end()) {
    if (!it->second->done || it->second->status != ARES_ECANCELLED) pending = std::move(it->second);
    ahead_->pending.erase(it);
  }
  if (!pending) {
    pending = std::make_unique<Pending>();
    ares_query(ch, qname.c_str(), ns_c_in, static_cast<int>(type), on_reply, pending.get());
  }
  if (!wait_for(ch, *pending, until, idle_work_)) {
    ares_cancel(ch);  // completes every query (ours included) with ARES_ECANCELLED
    return fail(ErrorKind::temporary, "DNS " + std::string(to_string(type)) + " " + qname +
                                          ": timed out within the time budget");
  }
  if (pending->status != ARES_SUCCESS) return map_status(pending->status, qname, type);
  return parse_reply(pending->reply, type, options_.max_records);
}

}  // namespace mailroom::dns
