// The one configuration of mailroom (mailroom.toml(5)). Every key has a
// default, so no file is needed to run; every key is listed in
// config_keys() so that `mailroom config check` and the man page agree.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom {

struct DeliverConfig {
  std::uint64_t max_message_size = 100ULL << 20;  // larger -> rejected (EX_NOPERM)
  std::uint64_t spool_threshold = 1ULL << 20;     // larger input is spooled to a file
  std::chrono::seconds deadline{300};             // watchdog; below every MTA's own limit
  bool add_return_path = true;
  bool add_delivered_to = true;
  bool loop_check = true;
  bool quota_tempfail = true;  // over quota: true -> 75 (retry), false -> 77 (bounce)
  std::string default_folder = "INBOX";
  char detail_separator = '+';  // user+detail addresses
  // How long a delivery is remembered so that the MTA's retry of it (after
  // a kill between link and exit) is recognised; 0 = no record.
  std::chrono::seconds retry_window{4 * 3600};
};

struct UsersConfig {
  bool system = true;                 // look users up in the system passwd database
  std::string virtual_file;           // "name:uid:gid:/path/Maildir" lines; empty = none
  std::string maildir = "~/Maildir";  // for system users; "~" = home, "%u" = user
  bool allow_gid_0 = false;           // deliver as a user whose group is root (gid 0)
};

struct MaildirConfig {
  bool fsync = true;
  bool create = true;
  bool subscribe = true;
  std::string hostname;       // empty: gethostname()
  std::string default_quota;  // Maildir++ quota when no maildirsize exists: "<bytes>S,<count>C"
  // Add keywords a delivery stores to the folder's dovecot-keywords (under
  // Dovecot's lock), so that Dovecot shows them.
  bool dovecot_keywords = true;
  // RFC 8579 special-use: "ATTRIBUTE=FOLDER" (Maildir++ keeps no attributes).
  std::vector<std::string> special_use = {"\\Junk=Junk", "\\Sent=Sent", "\\Trash=Trash",
                                          "\\Drafts=Drafts", "\\Archive=Archive"};
};

struct LogConfig {
  std::string level = "info";   // trace, debug, info, warn, error, off
  std::string target = "auto";  // auto (stderr on a terminal, else syslog), stderr, syslog, none
  std::string ident = "mailroom";
  // The local syslog socket; a chrooted MTA has its own (Postfix:
  // /var/spool/postfix/dev/log).
  std::string socket = "/dev/log";
};

// [auth]: SPF, DKIM, DMARC and ARC on delivery (auth::AuthConfig is built
// from it). Durations are in milliseconds: DNS waits are short.
struct AuthenticationConfig {
  bool enabled = true;
  std::string authserv_id;                        // empty: the host name
  std::vector<std::string> trusted_authserv_ids;  // reuse their Authentication-Results
  std::string dns_server;                         // "host:port"; empty: /etc/resolv.conf
  std::chrono::milliseconds dns_timeout{2000};    // one query, retries included
  std::chrono::milliseconds dns_budget{8000};     // every query of one message
  std::string psl_path = "/usr/share/publicsuffix/public_suffix_list.dafsa";
  std::string trusted_mta;  // "by" host of the Received field that gives IP/HELO
};

// [sieve]: which Sieve scripts deliver runs, in order (mailroom-sieve(7),
// "Delivery"), and what their actions may do.
struct SieveConfig {
  std::vector<std::string> before;            // global scripts (files, or directories of *.sieve)
  std::string script = "~/.dovecot.sieve";    // the user's active script; "~", "%u"; "" = none
  std::vector<std::string> after;             // global scripts run after the user's
  std::string log = "~/.mailroom/sieve.log";  // the user's error log; "" = none
  std::uint64_t log_max_size = 64 << 10;      // rotated to <log>.old past this size
  // redirect: argv of the MTA's sendmail interface; %f = envelope sender,
  // %a = the address. No shell.
  std::string sendmail = "/usr/sbin/sendmail -oi -f %f -- %a";
  std::uint64_t max_redirects = 4;  // per message, all scripts together
  // Messages one delivery may send (redirect, vacation, notify together).
  std::uint64_t max_outgoing = 8;
  // Vacation replies sent and duplicate ids (RFC 5230 §4.2, RFC 7352):
  // an LMDB directory per user, as the spam store; "" = none.
  std::string store = "~/.mailroom/sieve-store";
  // A spam score header set by a filter the administrator runs upstream
  // ("X-Spam-Score"); "" = none trusted (the default: anyone can write one).
  std::string trusted_spam_header;
  // RFC 6609 include: where :personal and :global scripts are found.
  std::string include_dir = "~/sieve";             // "~", "%u"; as Dovecot's ~/sieve
  std::string global_dir = "/etc/mailroom/sieve";  // root-owned, like sieve.before
  // RFC 6134 extlists: the directory of the lists a script names
  // ("tag:friends" is <lists_dir>/friends); "~" and "%u". "" = no lists.
  std::string lists_dir;
};

// [serve]: `mailroom serve` (mailroom-serve(8)).
struct ServeConfig {
  std::vector<std::string> listeners;  // "pop3://127.0.0.1:110", "pop3s://[::]:995"
  std::string tls_cert;                // PEM chain; with tls_key: STLS and pop3s
  std::string tls_key;
  std::string passdb = "/etc/mailroom/users";  // Dovecot passwd-file format, or "pam:SERVICE"
  std::string pam_helper;             // "": the installed LIBEXECDIR/mailroom/mailroom-pam-auth
  std::string login_user = "nobody";  // pre-login processes run as this user
  bool plaintext_on_loopback = true;  // USER/PASS, AUTH PLAIN without TLS from 127/8, ::1
  std::uint64_t max_connections_per_ip = 10;
  std::uint64_t max_line = 8192;
  std::chrono::seconds login_timeout{60};
  std::chrono::seconds idle_timeout{600};  // RFC 1939 section 3: at least 10 minutes
  std::uint64_t session_memory = 256ULL << 20;
  std::chrono::seconds shutdown_grace{10};
  std::chrono::seconds auth_delay{1};    // first delay after a failed login; doubles each time
  std::uint64_t auth_max_failures = 10;  // per address or user in 15 minutes, then refused
  // ManageSieve (RFC 5804 §2.3 HAVESPACE, §2.6 PUTSCRIPT): per user.
  std::uint64_t managesieve_max_scripts = 100;
  std::uint64_t managesieve_max_script_size = 1U << 20;  // at most the compiler's 1 MiB
  std::uint64_t managesieve_quota = 10U << 20;           // all scripts together
  bool imap_learn_junk = true;  // moves into/out of \Junk and $Junk/$NotJunk train the spam store
};

// [lmtp]: `mailroom lmtp` (mailroom-lmtp(8)).
struct LmtpConfig {
  // "unix:/run/mailroom/lmtp" and/or "lmtp://127.0.0.1:24"; systemd's
  // LISTEN_FDS replace them when set.
  std::vector<std::string> listeners;
  std::string socket_mode = "0660";  // of a Unix socket, octal
  std::string socket_group;          // group of a Unix socket ("postfix"); empty: root's
  // How a recipient address names a user: "local" (the local part without
  // its detail, as Dovecot's %n) or "address" (the whole, for virtual users).
  std::string user_name = "local";
  std::uint64_t max_connections = 100;
  std::uint64_t max_recipients = 1000;
  std::uint64_t max_line = 2048;
  std::chrono::seconds idle_timeout{300};    // RFC 5321 §4.5.3.2.7: 5 minutes
  std::chrono::seconds shutdown_grace{120};  // SIGTERM: transactions may finish for this long
  std::string stats_listener;                // "127.0.0.1:9125": the counters over HTTP; "" = none
  // A user whose uid and gid every session runs as from its start,
  // delivering itself with no per-uid worker (mailroom-lmtp(8),
  // "Privileges"): for hosts whose mail all belongs to one uid. "" = none.
  std::string session_user;
};

// [spam]: the spam stage of deliver (issue 14; mailroom.toml(5), "[spam]").
struct SpamConfig {
  bool enabled = true;
  // The token store: with ~ or %u one per user, else one for all users.
  std::string store = "~/.mailroom/spam";
  std::string rules;  // a file whose [SYMBOL] entries replace the built-in table's; "" none
  double required_score = 5.0;                        // spam (SCL 5, Junk) from this score
  std::string user_lists = "~/.mailroom/spam-lists";  // "allow X" / "block X" lines; "" none
  std::vector<std::string> allow;                     // global: addresses and domains
  std::vector<std::string> block;
  std::vector<std::string> trusted_arc_sealers;  // ARC d= trusted for forwarded mail
  // store = "redis://HOST:PORT[/DB]": the keys of a store start with this
  // prefix (%u the user name: one store per user; without it one for all);
  // connecting and each reply wait at most redis_timeout.
  std::string redis_prefix = "mailroom:%u:";
  std::chrono::milliseconds redis_timeout{200};
};

// [srs]: the Sender Rewriting Scheme on redirect (mailroom.toml(5), "SRS").
struct SrsConfig {
  std::string domain;                // our SRS domain; empty: senders are not rewritten
  std::vector<std::string> secrets;  // the first signs, all verify
  std::string secret_file;           // more secrets, one a line, opened before privileges drop
  std::chrono::seconds max_age{21 * 86400};  // how long a bounce to our SRS address is accepted
  std::uint64_t hash_length = 4;             // base64 characters of the hash
};

// [arc_seal]: the ARC set (RFC 8617) added to redirected mail.
struct ArcSealConfig {
  std::string domain;    // d=; empty: no sealing
  std::string selector;  // s=
  std::string key;       // PEM private key (RSA or Ed25519), opened before privileges drop
  std::vector<std::string> headers;  // h= of the message signature; empty: the built-in list
};

// [dmarc_report]: DMARC aggregate reports we send (RFC 7489 §7.2;
// mailroom-dmarc(8)).
struct DmarcReportConfig {
  std::string spool;     // day files of delivery records; "" = nothing recorded
  std::string org_name;  // our domain in reports (Submitter:); "" = the host name
  std::string email;     // the address reports come from (report_metadata/email)
  std::string sendmail = "/usr/sbin/sendmail -oi -f %f -- %a";  // as sieve.sendmail
  // The recipient whose mail carries reports others send us; "" = none.
  std::string reports_mailbox;
  std::string received_store = "~/.mailroom/dmarc-reports";  // "~", "%u": that recipient's
  bool failure_reports = false;  // ruf= failure reports (RFC 7489 §7.3): off by default
  std::uint64_t failure_reports_per_hour = 10;  // per reported domain and hour of arrival
  // Reports merged across MX hosts (mailroom-dmarc(8), "Several MX hosts"):
  // each host's `dmarc send` publishes its records to this Redis; the first
  // of merge_hosts sends the reports of them all. "" = each host reports alone.
  std::string redis;
  std::string redis_prefix = "mailroom:dmarc:";
  std::chrono::milliseconds redis_timeout{2000};
  std::string host_id;                   // this host in merge_hosts; "" = the host name
  std::vector<std::string> merge_hosts;  // the hosts whose records make up each report
  std::chrono::milliseconds merge_grace{std::chrono::hours(6)};  // then send without the late
};

struct Config {
  std::string source = "(defaults)";  // the file it came from, for messages
  DeliverConfig deliver;
  UsersConfig users;
  MaildirConfig maildir;
  LogConfig log;
  AuthenticationConfig auth;
  SieveConfig sieve;
  ServeConfig serve;
  LmtpConfig lmtp;
  SpamConfig spam;
  SrsConfig srs;
  ArcSealConfig arc_seal;
  DmarcReportConfig dmarc_report;
};

inline constexpr std::string_view kDefaultConfigPath = "/etc/mailroom/mailroom.toml";

struct ConfigKey {
  std::string_view name;  // "section.key"
  std::string_view type;  // "size", "duration", "bool", "string", "char", "strings"
  std::string_view help;
};
[[nodiscard]] const std::vector<ConfigKey>& config_keys();

// Loads `path` (the default path may be absent: defaults apply; an explicit
// path must exist), then applies "section.key=value" overrides (-o). Errors
// name the file, line and key (ErrorKind::config).
[[nodiscard]] Result<Config> load_config(const std::string& path, bool path_is_explicit,
                                         const std::vector<std::string>& overrides);

// The effective configuration as TOML, every key, for `mailroom config check`.
[[nodiscard]] std::string render_config(const Config& config);

// "100M", "64k", "1G", "512" -> bytes; "5m", "30s", "2h", "300" -> seconds.
[[nodiscard]] Result<std::uint64_t> parse_size(std::string_view text);
[[nodiscard]] Result<std::chrono::seconds> parse_duration(std::string_view text);
// As parse_duration, plus "250ms"; a bare number is seconds.
[[nodiscard]] Result<std::chrono::milliseconds> parse_duration_ms(std::string_view text);

}  // namespace mailroom
