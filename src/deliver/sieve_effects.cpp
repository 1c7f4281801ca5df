// The parts of the Sieve stage that reach outside the message: the user's
// sieve.log, the trusted spam score, and redirect through sendmail.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "deliver/sendmail.hpp"
#include "deliver/sieve_stage.hpp"
#include "mailroom/util/host.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/text.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {
namespace {

constexpr std::string_view kRedirectedField = "X-Mailroom-Redirected";
constexpr std::string_view kScoreField = "X-Mailroom-Spam-Score";
constexpr std::string_view kForgedScoreField = "X-Mailroom-Forged-Spam-Score";

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

void rotate_if_full(const std::string& path, std::uint64_t max_size) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) >= max_size)
    (void)::rename(path.c_str(), (path + ".old").c_str());
}

}  // namespace

void log_script_errors(const SieveConfig& config, const MailUser& user,
                       const std::vector<std::string>& errors) {
  if (errors.empty() || config.log.empty()) return;
  if (config.log[0] == '~' && user.home.empty()) return;
  std::string path = expand_user_path(config.log, user.home, user.name);
  if (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0)
    (void)::mkdir(path.substr(0, slash).c_str(), 0700);
  rotate_if_full(path, config.log_max_size);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  std::string lines;
  for (const auto& error : errors) lines += utc_now() + " " + error + "\n";
  if (!fd || !write_all(fd.get(), lines))
    log::warn("sieve log {} not written: {}", path, std::strerror(errno));
}

std::optional<double> trusted_spam_score(const message::Message& message,
                                         const std::string& trusted_header) {
  if (trusted_header.empty()) return std::nullopt;
  const auto* field = message.find(trusted_header);
  if (field == nullptr) return std::nullopt;
  std::string value = message::unfold(field->value);
  auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos) return std::nullopt;
  value.erase(0, first);
  // SpamAssassin's X-Spam-Level: one '*' a point.
  if (value.find_first_not_of('*') == std::string::npos) return static_cast<double>(value.size());
  char* end = nullptr;
  double number = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || std::isnan(number)) return std::nullopt;
  return number;
}

void set_sieve_context(const SieveConfig& config, const MailUser& user, const Envelope& envelope,
                       sieve::RunOptions& options) {
  options.environment.host = host_name();
  options.environment.domain = host_domain(options.environment.host);
  options.environment.remote_ip = envelope.client_address;
  options.environment.remote_host = envelope.client_hostname;
  if (!config.lists_dir.empty() && !(config.lists_dir[0] == '~' && user.home.empty()))
    options.lists_dir = expand_user_path(config.lists_dir, user.home, user.name);
}

std::string spam_score_field(const message::Message& message, const std::string& trusted_header) {
  auto number = trusted_spam_score(message, trusted_header);
  if (!number) return {};
  auto score = static_cast<long>(*number);
  // i;ascii-numeric reads "-3" as infinity (RFC 4790 §9.1.1): a ham score
  // must not look like spam.
  if (score < 0) score = 0;
  return std::string(kScoreField) + ": " + std::to_string(score) + "\n";
}

void hide_forged_spam_score(std::string& text, std::size_t ours) {
  std::size_t end = text.find("\n\n", ours);
  if (std::size_t crlf = text.find("\r\n\r\n", ours); crlf < end) end = crlf;
  if (end == std::string::npos) end = text.size();
  for (std::size_t line = ours; line < end;) {
    if (iequals(std::string_view(text).substr(line, kScoreField.size()), kScoreField) &&
        line + kScoreField.size() < text.size() && text[line + kScoreField.size()] == ':')
      text.replace(line, kScoreField.size(), kForgedScoreField);
    std::size_t next = text.find('\n', line);
    if (next == std::string::npos) break;
    line = next + 1;
  }
}

Status send_redirect(const SieveConfig& config, const message::Message& message,
                     const std::string& sender, const std::string& recipient,
                     const std::string& address, std::string_view on_top, std::string_view body) {
  const std::string ours = "<" + recipient + ">";
  for (const auto* field : message.find_all(kRedirectedField))
    if (iequals(message::unfold(field->value), ours)) {
      std::string why = "redirect to " + address;
      why.append(" refused: the message was already redirected by ").append(ours) += " (a loop)";
      return tl::unexpected(Error{ErrorKind::rejected, std::move(why), ELOOP});
    }
  std::string head(on_top);
  head.append(kRedirectedField).append(": ").append(ours) += '\n';
  return run_sendmail(config.sendmail, sender, {address}, head, body);
}

}  // namespace mailroom::deliver
