// Configuration loading. toml++ is used with exceptions off, so a bad file
// comes back as a value with its line and column (never a throw).
#define TOML_EXCEPTIONS 0
#include "mailroom/util/config.hpp"

#include <sys/stat.h>

#include <toml++/toml.h>
#include <array>
#include <map>
#include <span>
#include <sstream>

#include "mailroom/util/file.hpp"
#include "util/config_plain.hpp"
#include "util/config_setters.hpp"

namespace mailroom {
namespace {

struct KeyBinding {
  ConfigKey key;
  config_setters::Accessor access;
};

// maildir.special_use: strings_setter, then each entry checked.
constexpr config_setters::Accessor special_use_setter() {
  constexpr auto kPlain =
      config_setters::strings_setter<&Config::maildir, &MaildirConfig::special_use>();
  return {[](Config& c, const toml::node& n) -> std::string {
            if (auto problem = kPlain.set(c, n); !problem.empty()) return problem;
            for (const auto& entry : c.maildir.special_use) {
              auto eq = entry.find('=');
              if (entry.size() < 4 || entry[0] != '\\' || eq == std::string::npos || eq < 2 ||
                  eq + 1 == entry.size())
                return "\"" + entry + "\" is not ATTRIBUTE=FOLDER, such as \"\\\\Junk=Spam\"";
            }
            return {};
          },
          kPlain.get};
}

// The words of the keys that take one of a few (template arguments of
// their setters, so constant too).
constexpr std::array<std::string_view, 2> kQuotaChoice{"tempfail", "bounce"};
constexpr std::array<std::string_view, 6> kLogLevels{"trace", "debug", "info",
                                                     "warn",  "error", "off"};
constexpr std::array<std::string_view, 4> kLogTargets{"auto", "stderr", "syslog", "none"};

// Constant data, made when compiling: no process builds the table (deliver
// starts once per message; see config_setters.hpp).
std::span<const KeyBinding> bindings() {
  using namespace config_setters;
  static constexpr KeyBinding table[] = {
      {{"deliver.max_message_size", "size",
        "Largest message accepted; larger ones are rejected (exit 77)."},
       size_setter<&Config::deliver, &DeliverConfig::max_message_size>()},
      {{"deliver.spool_threshold", "size",
        "Input larger than this is spooled to a file and mapped, not held in memory."},
       size_setter<&Config::deliver, &DeliverConfig::spool_threshold>()},
      {{"deliver.deadline", "duration",
        "Watchdog: past it, exit 75 before anything is linked into new/."},
       duration_setter<&Config::deliver, &DeliverConfig::deadline>()},
      {{"deliver.add_return_path", "bool",
        "Add Return-Path: unless the MTA already did for this hop."},
       bool_setter<&Config::deliver, &DeliverConfig::add_return_path>()},
      {{"deliver.add_delivered_to", "bool",
        "Add Delivered-To: unless the MTA already did for this hop."},
       bool_setter<&Config::deliver, &DeliverConfig::add_delivered_to>()},
      {{"deliver.loop_check", "bool",
        "Refuse a message that already carries Delivered-To: for this recipient (exit 77)."},
       bool_setter<&Config::deliver, &DeliverConfig::loop_check>()},
      {{"deliver.quota_exceeded", "string",
        "\"tempfail\" (exit 75, the MTA retries) or \"bounce\" (exit 77)."},
       choice_setter<&Config::deliver, &DeliverConfig::quota_tempfail, kQuotaChoice>()},
      {{"deliver.default_folder", "string", "Folder used when no -m and no rule chooses one."},
       string_setter<&Config::deliver, &DeliverConfig::default_folder>()},
      {{"deliver.detail_separator", "char",
        "Separator of user+detail in addresses (the recipient's detail, RFC 5233)."},
       char_setter<&Config::deliver, &DeliverConfig::detail_separator>()},
      {{"deliver.retry_window", "duration",
        "How long a delivery is remembered so that the MTA's retry of the same message is "
        "recognised and not stored twice; 0 turns the record off."},
       duration_setter<&Config::deliver, &DeliverConfig::retry_window>()},
      {{"users.system", "bool", "Look users up in the system passwd database."},
       bool_setter<&Config::users, &UsersConfig::system>()},
      {{"users.virtual_file", "string",
        "File of virtual users, lines name:uid:gid:/path/to/Maildir."},
       string_setter<&Config::users, &UsersConfig::virtual_file>()},
      {{"users.maildir", "string",
        "Maildir of system users; ~ is the home directory, %u the user name."},
       string_setter<&Config::users, &UsersConfig::maildir>()},
      {{"users.allow_gid_0", "bool",
        "Deliver for a user whose group is root (gid 0); refused unless true, as uid 0 always "
        "is."},
       bool_setter<&Config::users, &UsersConfig::allow_gid_0>()},
      {{"maildir.fsync", "bool", "fsync each file and directory (turn off only for tests)."},
       bool_setter<&Config::maildir, &MaildirConfig::fsync>()},
      {{"maildir.create", "bool", "Create a missing Maildir and folders."},
       bool_setter<&Config::maildir, &MaildirConfig::create>()},
      {{"maildir.subscribe", "bool", "Subscribe folders that delivery creates."},
       bool_setter<&Config::maildir, &MaildirConfig::subscribe>()},
      {{"maildir.hostname", "string",
        "Host name in Maildir file names; empty means gethostname()."},
       string_setter<&Config::maildir, &MaildirConfig::hostname>()},
      {{"maildir.default_quota", "string",
        "Maildir++ quota used when no maildirsize file exists, as \"<bytes>S,<count>C\" "
        "(\"1000000000S,10000C\")."},
       quota_setter<&Config::maildir, &MaildirConfig::default_quota>()},
      {{"maildir.dovecot_keywords", "bool",
        "Add IMAP keywords a delivery stores (Sieve imap4flags) to the folder's "
        "dovecot-keywords file, under Dovecot's lock, so that Dovecot shows them."},
       bool_setter<&Config::maildir, &MaildirConfig::dovecot_keywords>()},
      {{"maildir.special_use", "strings",
        "Folders with an IMAP special use (RFC 6154), for Sieve's special-use extension (RFC "
        "8579): \"ATTRIBUTE=FOLDER\" entries such as \"\\\\Junk=Junk\"."},
       special_use_setter()},
      {{"log.level", "string", "trace, debug, info, warn, error or off."},
       one_of_setter<&Config::log, &LogConfig::level, kLogLevels>()},
      {{"log.target", "string",
        "auto (stderr on a terminal, else syslog), stderr, syslog or none."},
       one_of_setter<&Config::log, &LogConfig::target, kLogTargets>()},
      {{"log.ident", "string", "syslog identity."},
       string_setter<&Config::log, &LogConfig::ident>()},
      {{"log.socket", "string", "the local syslog socket (\"/dev/log\")."},
       string_setter<&Config::log, &LogConfig::socket>()},
      {{"auth.enabled", "bool",
        "Check SPF, DKIM, DMARC and ARC on delivery and add Authentication-Results:."},
       bool_setter<&Config::auth, &AuthenticationConfig::enabled>()},
      {{"auth.authserv_id", "string",
        "authserv-id of our Authentication-Results: (RFC 8601); empty means the host name."},
       string_setter<&Config::auth, &AuthenticationConfig::authserv_id>()},
      {{"auth.trusted_authserv_ids", "strings",
        "authserv-ids of upstream servers whose Authentication-Results: are reused instead of "
        "checking again."},
       strings_setter<&Config::auth, &AuthenticationConfig::trusted_authserv_ids>()},
      {{"auth.dns_server", "string",
        "DNS server as \"host:port\" (or a comma-separated list); empty means /etc/resolv.conf."},
       string_setter<&Config::auth, &AuthenticationConfig::dns_server>()},
      {{"auth.dns_timeout", "duration",
        "Longest wait for one DNS answer (\"2s\", \"500ms\"); then temperror."},
       millis_setter<&Config::auth, &AuthenticationConfig::dns_timeout>()},
      {{"auth.dns_budget", "duration",
        "Longest time all DNS queries of one message may take together; then temperror."},
       millis_setter<&Config::auth, &AuthenticationConfig::dns_budget>()},
      {{"auth.psl_path", "string",
        "Public Suffix List used to find organisational domains (DMARC)."},
       string_setter<&Config::auth, &AuthenticationConfig::psl_path>()},
      {{"auth.trusted_mta", "string",
        "Names (besides this host's) of an MTA whose topmost Received: field gives client IP "
        "and HELO when the MTA passes none; spaces or commas between names."},
       string_setter<&Config::auth, &AuthenticationConfig::trusted_mta>()},
      {{"sieve.before", "strings",
        "Global Sieve scripts run before the user's (files, or directories whose *.sieve files "
        "run in name order); as root they must be root-owned and writable by root alone."},
       strings_setter<&Config::sieve, &SieveConfig::before>()},
      {{"sieve.script", "string",
        "The user's active Sieve script; ~ is the home directory, %u the user name; empty: none."},
       string_setter<&Config::sieve, &SieveConfig::script>()},
      {{"sieve.after", "strings", "Global Sieve scripts run after the user's (as sieve.before)."},
       strings_setter<&Config::sieve, &SieveConfig::after>()},
      {{"sieve.log", "string",
        "The user's Sieve error log (~, %u as sieve.script); empty: errors go to the system log "
        "only."},
       string_setter<&Config::sieve, &SieveConfig::log>()},
      {{"sieve.log_max_size", "size", "Past this size the user's Sieve log moves to <log>.old."},
       size_setter<&Config::sieve, &SieveConfig::log_max_size>()},
      {{"sieve.sendmail", "string",
        "Command that sends redirected mail, run without a shell; %f is the envelope sender, %a "
        "the address."},
       string_setter<&Config::sieve, &SieveConfig::sendmail>()},
      {{"sieve.max_redirects", "size",
        "Most redirects one message may cause, all scripts together."},
       size_setter<&Config::sieve, &SieveConfig::max_redirects>()},
      {{"sieve.max_outgoing", "size",
        "Most messages one delivery may send: redirects, vacation replies and notifications "
        "together."},
       size_setter<&Config::sieve, &SieveConfig::max_outgoing>()},
      {{"sieve.store", "string",
        "The user's LMDB store of vacation replies sent and duplicate ids seen (~, %u as "
        "sieve.script); empty: none (no vacation replies, nothing is a duplicate)."},
       string_setter<&Config::sieve, &SieveConfig::store>()},
      {{"sieve.trusted_spam_header", "string",
        "Header of an upstream spam filter whose score scripts may trust (Sieve spamtest, "
        "and X-Mailroom-Spam-Score); empty: none."},
       string_setter<&Config::sieve, &SieveConfig::trusted_spam_header>()},
      {{"sieve.include_dir", "string",
        "Where Sieve's include :personal finds NAME.sieve (RFC 6609); ~ and %u as sieve.script; "
        "empty: none."},
       string_setter<&Config::sieve, &SieveConfig::include_dir>()},
      {{"sieve.global_dir", "string",
        "Where Sieve's include :global finds NAME.sieve (RFC 6609); empty: none."},
       string_setter<&Config::sieve, &SieveConfig::global_dir>()},
      {{"sieve.lists_dir", "string",
        "Directory of the lists Sieve's extlists names (\"tag:NAME\" is the file NAME); ~ and "
        "%u are expanded; empty: none."},
       string_setter<&Config::sieve, &SieveConfig::lists_dir>()},
      {{"serve.listeners", "strings",
        "Where `mailroom serve` listens: \"pop3://ADDRESS:PORT\" (STLS when a certificate is "
        "set) or \"pop3s://ADDRESS:PORT\" (TLS from the start), \"sieve://ADDRESS:PORT\" "
        "(ManageSieve, STARTTLS; port 4190 when left out); IPv6 as [::1]:110."},
       strings_setter<&Config::serve, &ServeConfig::listeners>()},
      {{"serve.tls_cert", "string", "TLS certificate chain (PEM); reloaded on SIGHUP."},
       string_setter<&Config::serve, &ServeConfig::tls_cert>()},
      {{"serve.tls_key", "string", "TLS private key (PEM) of serve.tls_cert."},
       string_setter<&Config::serve, &ServeConfig::tls_key>()},
      {{"serve.passdb", "string",
        "Password file in Dovecot's passwd-file format, user:{SCHEME}hash:uid:gid::home::; or "
        "\"pam:SERVICE\" for system users through PAM (/etc/pam.d/SERVICE)."},
       string_setter<&Config::serve, &ServeConfig::passdb>()},
      {{"serve.pam_helper", "string",
        "With serve.passdb = \"pam:SERVICE\": the PAM helper program; empty: the installed "
        "mailroom-pam-auth (LIBEXECDIR/mailroom)."},
       string_setter<&Config::serve, &ServeConfig::pam_helper>()},
      {{"serve.login_user", "string",
        "Unprivileged user that runs TLS and everything before login (owns no mail)."},
       string_setter<&Config::serve, &ServeConfig::login_user>()},
      {{"serve.plaintext_on_loopback", "bool",
        "Allow passwords without TLS from loopback addresses (never from others)."},
       bool_setter<&Config::serve, &ServeConfig::plaintext_on_loopback>()},
      {{"serve.max_connections_per_ip", "size", "Open connections allowed from one address."},
       size_setter<&Config::serve, &ServeConfig::max_connections_per_ip>()},
      {{"serve.max_line", "size", "Longest command line a client may send."},
       size_setter<&Config::serve, &ServeConfig::max_line>()},
      {{"serve.login_timeout", "duration", "Idle time allowed before login."},
       duration_setter<&Config::serve, &ServeConfig::login_timeout>()},
      {{"serve.idle_timeout", "duration", "Idle time allowed after login (RFC 1939: >= 10m)."},
       duration_setter<&Config::serve, &ServeConfig::idle_timeout>()},
      {{"serve.session_memory", "size", "Address space limit of each connection's processes."},
       size_setter<&Config::serve, &ServeConfig::session_memory>()},
      {{"serve.shutdown_grace", "duration",
        "On SIGTERM: time open sessions get to finish before they are ended."},
       duration_setter<&Config::serve, &ServeConfig::shutdown_grace>()},
      {{"serve.auth_delay", "duration",
        "Delay after a failed login from an address or for a user; doubles with each failure."},
       duration_setter<&Config::serve, &ServeConfig::auth_delay>()},
      {{"serve.auth_max_failures", "size",
        "Failed logins per address or user in 15 minutes after which logins are refused."},
       size_setter<&Config::serve, &ServeConfig::auth_max_failures>()},
      {{"serve.managesieve_max_scripts", "size",
        "ManageSieve: scripts one user may store (QUOTA/MAXSCRIPTS beyond)."},
       size_setter<&Config::serve, &ServeConfig::managesieve_max_scripts>()},
      {{"serve.managesieve_max_script_size", "size",
        "ManageSieve: largest script a user may upload (at most 1 MiB, the compiler's limit)."},
       size_setter<&Config::serve, &ServeConfig::managesieve_max_script_size>()},
      {{"serve.managesieve_quota", "size",
        "ManageSieve: octets all scripts of one user may take together (QUOTA beyond)."},
       size_setter<&Config::serve, &ServeConfig::managesieve_quota>()},
      {{"serve.imap_learn_junk", "bool",
        "IMAP: moving, copying or APPENDing into the \\Junk folder trains the user's spam "
        "store as spam, out of it (except to \\Trash) as ham; so do $Junk and $NotJunk."},
       bool_setter<&Config::serve, &ServeConfig::imap_learn_junk>()},
      {{"lmtp.listeners", "strings",
        "Where `mailroom lmtp` listens: \"unix:/PATH\" and/or \"lmtp://ADDRESS:PORT\"; "
        "systemd socket activation (LISTEN_FDS) replaces them."},
       strings_setter<&Config::lmtp, &LmtpConfig::listeners>()},
      {{"lmtp.socket_mode", "string", "Permissions of the Unix socket, octal."},
       string_setter<&Config::lmtp, &LmtpConfig::socket_mode>()},
      {{"lmtp.socket_group", "string",
        "Group of the Unix socket (the MTA's, such as postfix); empty: root's."},
       string_setter<&Config::lmtp, &LmtpConfig::socket_group>()},
      {{"lmtp.user_name", "string",
        "How RCPT TO names a user: \"local\" (local part without its +detail) or \"address\" "
        "(the whole address, for users.virtual_file)."},
       string_setter<&Config::lmtp, &LmtpConfig::user_name>()},
      {{"lmtp.max_connections", "size",
        "Open LMTP connections; more are answered 421 4.3.2 and closed."},
       size_setter<&Config::lmtp, &LmtpConfig::max_connections>()},
      {{"lmtp.max_recipients", "size",
        "Recipients per transaction; more get 452 4.5.3 and the MTA sends them later."},
       size_setter<&Config::lmtp, &LmtpConfig::max_recipients>()},
      {{"lmtp.max_line", "size", "Longest LMTP command line (500 5.5.2 past it)."},
       size_setter<&Config::lmtp, &LmtpConfig::max_line>()},
      {{"lmtp.idle_timeout", "duration", "Idle time allowed between commands (421 past it)."},
       duration_setter<&Config::lmtp, &LmtpConfig::idle_timeout>()},
      {{"lmtp.shutdown_grace", "duration",
        "On SIGTERM: time transactions in flight get to finish."},
       duration_setter<&Config::lmtp, &LmtpConfig::shutdown_grace>()},
      {{"lmtp.stats_listener", "string",
        "Loopback \"ADDRESS:PORT\" serving the counters in the Prometheus text format over "
        "HTTP (also `mailroom lmtp --stats`); empty: none."},
       string_setter<&Config::lmtp, &LmtpConfig::stats_listener>()},
      {{"lmtp.session_user", "string",
        "A user whose uid and gid each LMTP session runs as, delivering itself with no "
        "worker per uid (mail of one uid only); empty: none."},
       string_setter<&Config::lmtp, &LmtpConfig::session_user>()},
      {{"spam.enabled", "bool",
        "Score every delivery for spam (rules, the trained classifier, lists) and write the "
        "X-Spam-* fields."},
       bool_setter<&Config::spam, &SpamConfig::enabled>()},
      {{"spam.store", "string",
        "Token store that `mailroom learn` trains; ~ is the home directory, %u the user name "
        "(per user); a path without them is one store for all users; \"redis://HOST:PORT[/DB]\" "
        "a store shared by several hosts on Redis; empty: rules only."},
       string_setter<&Config::spam, &SpamConfig::store>()},
      {{"spam.rules", "string",
        "File of [SYMBOL] entries (weight, reason) replacing those of the built-in table "
        "(rules/spam-rules.toml); empty: the built-in table."},
       string_setter<&Config::spam, &SpamConfig::rules>()},
      {{"spam.required_score", "number",
        "Score from which a message is spam: SCL 5, X-Spam-Flag: YES, Junk."},
       number_setter<&Config::spam, &SpamConfig::required_score>()},
      {{"spam.user_lists", "string",
        "The user's allow and block lists, lines \"allow ENTRY\" or \"block ENTRY\" (an "
        "address or a domain); ~ and %u as spam.store; empty: none."},
       string_setter<&Config::spam, &SpamConfig::user_lists>()},
      {{"spam.allow", "strings",
        "Senders (addresses, domains) whose mail is never spam (SCL -1) when the From domain "
        "is authenticated (DMARC pass, or aligned DKIM or SPF pass)."},
       strings_setter<&Config::spam, &SpamConfig::allow>()},
      {{"spam.block", "strings", "Senders (addresses, domains) whose mail is always spam (SCL 9)."},
       strings_setter<&Config::spam, &SpamConfig::block>()},
      {{"spam.trusted_arc_sealers", "strings",
        "ARC sealers (d= domains, e.g. a mailing list host) whose passing ARC chain keeps "
        "authentication failures of forwarded mail from counting."},
       strings_setter<&Config::spam, &SpamConfig::trusted_arc_sealers>()},
      {{"spam.redis_prefix", "string",
        "With a Redis spam.store: the start of every key of a store; %u is the user name (one "
        "store per user), a prefix without it is one store for all users. Sites sharing one "
        "Redis give each its own prefix."},
       string_setter<&Config::spam, &SpamConfig::redis_prefix>()},
      {{"spam.redis_timeout", "duration",
        "With a Redis spam.store: longest wait to connect and for each reply; past it deliver "
        "scores with the rules alone (logged), never fails."},
       millis_setter<&Config::spam, &SpamConfig::redis_timeout>()},
      {{"srs.domain", "string",
        "Our SRS domain: redirect rewrites the envelope sender to an SRS address there; empty: "
        "no rewriting."},
       string_setter<&Config::srs, &SrsConfig::domain>()},
      {{"srs.secrets", "strings",
        "SRS secrets: the first signs new addresses, every one is accepted on bounces (rotate by "
        "putting the new one first)."},
       secrets_setter<&Config::srs, &SrsConfig::secrets>()},
      {{"srs.secret_file", "string",
        "File of more SRS secrets, one a line, after srs.secrets; opened before privileges are "
        "dropped, so it may be readable by root alone."},
       string_setter<&Config::srs, &SrsConfig::secret_file>()},
      {{"srs.max_age", "duration",
        "How long a bounce to one of our SRS addresses is accepted (whole days)."},
       duration_setter<&Config::srs, &SrsConfig::max_age>()},
      {{"srs.hash_length", "size", "Base64 characters of the SRS hash (4 as libsrs2)."},
       size_setter<&Config::srs, &SrsConfig::hash_length>()},
      {{"arc_seal.domain", "string",
        "d= of the ARC set added to redirected mail (RFC 8617); empty: no ARC sealing."},
       string_setter<&Config::arc_seal, &ArcSealConfig::domain>()},
      {{"arc_seal.selector", "string",
        "s= of the ARC set: its public key is at <selector>._domainkey.<domain>."},
       string_setter<&Config::arc_seal, &ArcSealConfig::selector>()},
      {{"arc_seal.key", "string",
        "PEM private key of the ARC set (RSA of 1024+ bits, or Ed25519); opened before "
        "privileges are dropped."},
       string_setter<&Config::arc_seal, &ArcSealConfig::key>()},
      {{"arc_seal.headers", "strings",
        "Fields the ARC-Message-Signature covers (each one present); empty: From, To, Cc, "
        "Subject, Date, Message-ID, Reply-To, In-Reply-To, References, MIME-Version, "
        "Content-Type, Content-Transfer-Encoding, DKIM-Signature."},
       strings_setter<&Config::arc_seal, &ArcSealConfig::headers>()},
      {{"dmarc_report.spool", "string",
        "Directory of the DMARC aggregate report records, a file per day; deliver opens it "
        "before privileges drop; empty: nothing is recorded."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::spool>()},
      {{"dmarc_report.org_name", "string",
        "Our domain in the reports we send (Submitter:, the file name); empty: the host name."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::org_name>()},
      {{"dmarc_report.email", "string",
        "The address DMARC reports come from (report_metadata email, envelope sender)."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::email>()},
      {{"dmarc_report.sendmail", "string",
        "How `mailroom dmarc send` mails reports: the MTA's sendmail, %f sender, %a "
        "recipients, no shell."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::sendmail>()},
      {{"dmarc_report.reports_mailbox", "string",
        "The recipient address whose mail carries the DMARC reports others send us: read into "
        "received_store after delivery; empty: none."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::reports_mailbox>()},
      {{"dmarc_report.received_store", "string",
        "Where received DMARC reports are kept (~ and %u: that recipient's); read by `mailroom "
        "dmarc summary`."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::received_store>()},
      {{"dmarc_report.failure_reports", "bool",
        "Send DMARC failure reports (ruf=, RFC 6591 auth-failure, fo= honoured, addresses "
        "outside the reported domain redacted): recorded at delivery in the spool, sent by "
        "`mailroom dmarc send`; off by default (they carry header fields of our users' mail)."},
       bool_setter<&Config::dmarc_report, &DmarcReportConfig::failure_reports>()},
      {{"dmarc_report.failure_reports_per_hour", "size",
        "At most this many failure reports per reported domain and hour of arrival (the first "
        "ones); the rest are counted and not sent."},
       size_setter<&Config::dmarc_report, &DmarcReportConfig::failure_reports_per_hour>()},
      {{"dmarc_report.redis", "string",
        "\"redis://HOST:PORT[/DB]\": merge the reports of several MX hosts. Each host's dmarc "
        "send publishes its records there; the first of merge_hosts sends the merged reports. "
        "Empty: each host reports alone."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::redis>()},
      {{"dmarc_report.redis_prefix", "string",
        "With dmarc_report.redis: the start of every key (sites sharing one Redis give each "
        "its own)."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::redis_prefix>()},
      {{"dmarc_report.redis_timeout", "duration",
        "With dmarc_report.redis: longest wait to connect and for each reply; past it dmarc "
        "send exits 75 and the next run retries."},
       millis_setter<&Config::dmarc_report, &DmarcReportConfig::redis_timeout>()},
      {{"dmarc_report.host_id", "string",
        "With dmarc_report.redis: this host's name in merge_hosts; empty: the host name."},
       string_setter<&Config::dmarc_report, &DmarcReportConfig::host_id>()},
      {{"dmarc_report.merge_hosts", "strings",
        "With dmarc_report.redis: the hosts whose records make up each report; the first "
        "sends it once all have published the period (or merge_grace after it ended)."},
       strings_setter<&Config::dmarc_report, &DmarcReportConfig::merge_hosts>()},
      {{"dmarc_report.merge_grace", "duration",
        "With dmarc_report.redis: how long after a period the sender waits for hosts that "
        "have not published it before sending without them (named in its output)."},
       millis_setter<&Config::dmarc_report, &DmarcReportConfig::merge_grace>()},
  };
  return table;
}

const KeyBinding* find_binding(std::string_view name) {
  for (const auto& b : bindings())
    if (b.key.name == name) return &b;
  return nullptr;
}

std::string where(const std::string& file, const toml::node& node) {
  return file + ":" + std::to_string(node.source().begin.line);
}

Status apply_table(Config& config, const toml::table& root, const std::string& file) {
  for (auto&& [section, section_node] : root) {
    const auto* table = section_node.as_table();
    if (table == nullptr)
      return fail(ErrorKind::config, where(file, section_node) + ": '" +
                                         std::string(section.str()) + "' is not a [section]");
    for (auto&& [key, value] : *table) {
      std::string name = std::string(section.str()) + "." + std::string(key.str());
      const auto* binding = find_binding(name);
      // where() only on an error: it is a string made for the message.
      if (binding == nullptr) {
        std::string message = where(file, value);
        return fail(ErrorKind::config, message.append(": unknown key '").append(name) += "'");
      }
      if (auto problem = binding->access.set(config, value); !problem.empty()) {
        std::string message = where(file, value);
        return fail(ErrorKind::config, message.append(": ").append(name).append(": ") += problem);
      }
    }
  }
  return ok();
}

// config_plain's keys straight into a Config: no table is built.
class ApplyPlain final : public config_plain::Sink {
 public:
  explicit ApplyPlain(Config& config) : config_(config) {}
  bool section(std::string_view name) override {
    name_.assign(name).push_back('.');
    section_size_ = name_.size();
    return true;
  }
  bool value(std::string_view key, const toml::node& value) override {
    name_.resize(section_size_);
    name_.append(key);
    const auto* binding = find_binding(name_);
    return binding != nullptr && binding->access.set(config_, value).empty();
  }

 private:
  Config& config_;
  std::string name_;  // "section." then "section.key"
  std::size_t section_size_ = 0;
};

Status apply_override(Config& config, std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos)
    return fail(ErrorKind::config, "-o " + std::string(text) + ": expected section.key=value");
  std::string name(text.substr(0, eq));
  std::string value(text.substr(eq + 1));
  const auto* binding = find_binding(name);
  if (binding == nullptr) return fail(ErrorKind::config, "-o: unknown key '" + name + "'");
  // A value that is valid TOML (true, 42, "x") keeps its type; anything else is a string.
  auto parsed = toml::parse("v = " + value);
  toml::table holder;
  if (parsed && parsed.table().contains("v")) {
    holder = std::move(parsed).table();
  } else {
    holder.insert("v", value);
  }
  if (auto problem = binding->access.set(config, *holder.get("v")); !problem.empty())
    return fail(ErrorKind::config, "-o " + name + ": " + problem);
  return ok();
}

Result<Config> apply_overrides(Config config, const std::vector<std::string>& overrides) {
  for (const auto& text : overrides)
    if (auto applied = apply_override(config, text); !applied)
      return tl::unexpected(applied.error());
  return config;
}

constexpr std::size_t kMaxConfigFile = std::size_t{16} << 20;

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration_ms(std::string_view text) {
  constexpr std::size_t kMaxDigits = 9;  // about 11 days: plenty, and no overflow
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    auto digits = text.substr(0, text.size() - 2);
    bool ok = digits.size() <= kMaxDigits;
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    if (!ok) return fail(ErrorKind::config, "bad duration '" + std::string(text) + "'");
    return std::chrono::milliseconds(std::stoll(std::string(digits)));
  }
  auto seconds = parse_duration(text);
  if (!seconds) return tl::unexpected(seconds.error());
  return std::chrono::milliseconds(*seconds);
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const auto& b : bindings()) out.push_back(b.key);
    return out;
  }();
  return keys;
}

Result<Config> load_config(const std::string& path, bool path_is_explicit,
                           const std::vector<std::string>& overrides) {
  Config config;
  if (path_is_explicit || file_exists(path)) {
    auto text = read_whole_file(path, kMaxConfigFile, ErrorKind::config);
    if (!text) return tl::unexpected(text.error());
    // Plain files without toml++ (config_plain.hpp), each key applied as
    // it is read; an unknown key or a value a setter refuses is read again
    // by toml++, whose nodes know their lines, for the error.
    config.source = path;
    if (ApplyPlain sink(config); config_plain::parse_each(*text, sink))
      return apply_overrides(std::move(config), overrides);
    config = Config{};
    auto parsed = toml::parse(*text, path);
    if (!parsed) {
      const auto& err = parsed.error();
      return fail(ErrorKind::config, path + ":" + std::to_string(err.source().begin.line) + ":" +
                                         std::to_string(err.source().begin.column) + ": " +
                                         std::string(err.description()));
    }
    config.source = path;
    if (auto applied = apply_table(config, parsed.table(), path); !applied)
      return tl::unexpected(applied.error());
  }
  return apply_overrides(std::move(config), overrides);
}

std::string render_config(const Config& config) {
  std::ostringstream out;
  out << "# effective configuration, from " << config.source << "\n";
  std::string section;
  for (const auto& b : bindings()) {
    auto dot = b.key.name.find('.');
    auto this_section = std::string(b.key.name.substr(0, dot));
    if (this_section != section) {
      out << (section.empty() ? "" : "\n") << "[" << this_section << "]\n";
      section = this_section;
    }
    out << b.key.name.substr(dot + 1) << " = " << b.access.get(config) << "\n";
  }
  return out.str();
}

}  // namespace mailroom
