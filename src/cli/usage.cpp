// --help texts. Kept beside the man pages: every flag and key listed here is
// in man/ too (tests/unit/cli checks the config keys against mailroom.toml.5).
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "mailroom/util/config.hpp"

#ifndef MAILROOM_VERSION
#define MAILROOM_VERSION "0.1.0"
#endif

namespace mailroom::cli {
namespace {

constexpr const char* kOverview = R"(usage: mailroom COMMAND [ARGS]

Commands:
  deliver         deliver one message from stdin into a Maildir (run by the MTA)
  config check    print the effective configuration, or the error in it
  auth check      check SPF, DKIM, DMARC and ARC of a message file, in words
  sieve check|test|filter|from-procmail
                    compile Sieve scripts, show what one does to a message,
                    re-file a Maildir folder, convert a .procmailrc
  serve           POP3, IMAP and ManageSieve server for the delivered mail (mailroom-serve(8))
  lmtp            LMTP server: deliver's pipeline for MTAs that speak LMTP
                    (mailroom-lmtp(8))
  passwd          print a password hash for serve.passdb
  srs forward|reverse ADDRESS  SRS-rewrite a sender, or turn an SRS address back
  dmarc send      send the DMARC aggregate reports of the recorded days
  dmarc summary   what the DMARC reports others sent us say, and what to fix
  learn           learn messages as spam or ham (--spam|--ham PATH...; --stats)
  score           score a message: "SCL <level> score=<n>" (--explain: why)
  help [COMMAND]  this text, or the help of COMMAND
  version         print the version

See mailroom(1), mailroom-deliver(8) and mailroom.toml(5).
)";

constexpr const char* kDeliver =
    R"(usage: mailroom deliver [-d USER] [-f SENDER] [-a ORIGINAL-RECIPIENT]
                        [-r FINAL-RECIPIENT] [-m FOLDER] [-e] [-k] [-c CONFIG]
                        [-o SECTION.KEY=VALUE]... [-p FILE]
                        [--client-address=IP] [--client-helo=NAME]

Delivers one message, read from stdin, into the user's Maildir. Flags are
compatible with dovecot-lda; absent flags fall back to the MTA's environment
(Postfix: SENDER, RECIPIENT, ORIGINAL_RECIPIENT, EXTENSION, CLIENT_ADDRESS,
CLIENT_HELO; Exim: RETURN_PATH, RECIPIENT, LOCAL_PART_SUFFIX). The
recipient's detail (bob+lists@ -> "lists", deliver.detail_separator) is
kept for Sieve and logged as detail=.

  -d USER     deliver for USER (system or virtual user); required as root.
              Without it: the user running the command, named by $USER
              (or $LOGNAME) and $HOME if HOME is theirs, else by passwd
  -f SENDER   envelope sender (else $SENDER, else the mbox "From " line)
  -a ADDRESS  original recipient (else $ORIGINAL_RECIPIENT)
  -r ADDRESS  final recipient, named in Delivered-To: (else $RECIPIENT,
              else -a, else USER@host of -d)
  -m FOLDER   deliver into FOLDER ("Lists/Work"); -m "" is ignored
  -e          on rejection print the reason to stderr and exit 77
              (mailroom never sends rejection notices itself yet, so this
              is what every rejection does)
  -k          accepted for dovecot-lda ("keep the environment"): mailroom
              never clears it
  -c FILE     configuration file (default /etc/mailroom/mailroom.toml)
  -o K=V      override one configuration key, e.g. -o deliver.deadline=1m
  -p FILE     read the message from FILE instead of stdin
  --client-address=IP  the SMTP client, for SPF (else $CLIENT_ADDRESS, else
              the topmost Received: field if this host or auth.trusted_mta
              wrote it); "" counts as absent
  --client-helo=NAME   its HELO name (else $CLIENT_HELO, else that field)

Values follow their flag attached or apart (-dalice, -d alice,
--client-address=IP, --client-address IP).

Exit codes: 0 delivered; 64 bad command line (or a control character in
an envelope address); 65 no message (empty input); 67 no such user;
75 temporary failure, the MTA retries (I/O error, full disk, over quota,
deadline, configuration error, setuid start); 77 rejected (too large, mail
loop, over quota with deliver.quota_exceeded = "bounce"). The reason on
stderr starts with an RFC 3463 status code ("5.1.1 mailroom: ...").
)";

constexpr const char* kAuth = R"(usage: mailroom auth check [--ip IP] [--helo NAME] [--from ADDRESS]
                           [--dns HOST:PORT] [-c FILE] [-o SECTION.KEY=VALUE]...
                           MESSAGE

Runs the checks `mailroom deliver` runs (SPF, DKIM, DMARC, ARC) on the
message in the file MESSAGE and prints the Authentication-Results: field it
would add, then each check in words: the record found, the mechanism that
matched, the headers signed, why DMARC passed or failed, what to fix.

  --ip IP          the SMTP client's address (SPF); else taken from the
                   topmost Received: field if this host or
                   auth.trusted_mta wrote it (--ip=IP works too)
  --helo NAME      the name the client gave in HELO/EHLO
  --from ADDRESS   the envelope sender (MAIL FROM); "" is the null sender;
                   else the mbox "From " line of the file, if any
  --dns HOST:PORT  ask this DNS server (else auth.dns_server, else
                   /etc/resolv.conf)
  -c FILE          configuration file (default /etc/mailroom/mailroom.toml)
  -o K=V           override one configuration key, e.g. -o auth.dns_timeout=1s

Exit codes: 0 the checks ran (whatever they found); 64 bad command line;
1 the message or the configuration could not be read.
)";

constexpr const char* kSieve = R"(usage: mailroom sieve check [--include-dir DIR] [--global-dir DIR]
                            FILE...
       mailroom sieve test [-f SENDER] [-a ORIGINAL-RECIPIENT] [-r RECIPIENT]
                           [--mailbox FOLDER]... [--duplicate ID]...
                           [--special-use ATTR=FOLDER]... [--include-dir DIR]
                           [--global-dir DIR] [--date DATE] [--spam-score N]
                           [--virus-level N] [--lists-dir DIR] [--remote-ip IP]
                           [--remote-host NAME] [--json] [--trace] SCRIPT MESSAGE
       mailroom sieve test --dir CASES [--trace] SCRIPT
       mailroom sieve filter [--apply] [--allow-discard] SCRIPT MAILDIR-FOLDER
       mailroom sieve from-procmail [FILE]

check  compiles each FILE and prints every error as file:line:col: error:
       message [kind]; exit 0 only if all are clean, 1 on errors, 2 when a
       file cannot be read.
test   runs SCRIPT on the message in the file MESSAGE (a dry run: nothing
       is delivered or sent) and prints the actions, one a line, or with
       --json one object {"actions": [...], "error": null|{...}} (see
       mailroom-sieve(7)). Exit 0 when the script ran cleanly, 1 after a
       compile or run-time error (the implicit keep is printed), 2 when a
       file cannot be read.

  -f SENDER   envelope sender (envelope "from"); "" or <> is the null sender
  -a ADDRESS  original recipient (envelope "to"); defaults to -r
  -r ADDRESS  final recipient
  --mailbox FOLDER  a folder that exists, for mailboxexists (repeatable;
              INBOX always exists)
  --duplicate ID  a unique id the duplicate test has seen before (RFC 7352;
              repeatable, any handle); no store is read or written
  --special-use ATTR=FOLDER  the folder with an IMAP special use, for
              fileinto :specialuse and specialuse_exists (repeatable;
              default: maildir.special_use's, \Junk=Junk and the like)
  --include-dir DIR  where include :personal finds NAME.sieve (RFC 6609)
  --global-dir DIR   where include :global finds NAME.sieve; with either,
              check and test check each include when compiling
  --date DATE  the time of the run, for currentdate and the local zone of
              date: RFC 5322 ("Mon, 7 Dec 2026 12:00:00 +0100") or ISO 8601
              ("2026-12-07T12:00:00+01:00"; no zone is UTC); default: now
  --spam-score N   the message's spam score, as from a trusted header
              (spamtest = its integer part held to 0-9, plus 1)
  --virus-level N  virustest's answer, 1 (clean) to 5 (infected)
  --lists-dir DIR  where extlists finds "tag:NAME" (the file DIR/NAME)
  --remote-ip IP, --remote-host NAME  environment "remote-ip"/"remote-host"
  --json      print the outcome as JSON; vacation and notify are listed,
              never sent (the text form says why one would not be)
  --trace     also print each test evaluated (result and why) and each
              command run; with --json a "trace" array
  --dir CASES run SCRIPT on every CASES/NAME.eml and compare with
              CASES/NAME.expect (mailroom-sieve(7), TEST CASES); exit 1 on
              any difference; with --trace, each failed case's trace

filter  runs SCRIPT over the mail in a Maildir folder (~/Maildir is INBOX,
        ~/Maildir/.Lists the folder Lists); a dry run listing what would
        happen unless --apply, which moves messages (link, then unlink:
        never lost if interrupted) and adds the script's flags. A discard
        deletes only with --allow-discard; redirect and reject are not done.
        Exit 0 when all were handled, 1 on a script error or a failed move.
from-procmail  prints FILE (default ~/.procmailrc) as a Sieve script; each
        recipe it cannot translate is a comment and a line on stderr.
        Exit 0 when all were translated, 1 when some were not.

See mailroom-sieve(7) for the supported language and its limits.
)";

constexpr const char* kServe = R"(usage: mailroom serve [-c FILE] [-o SECTION.KEY=VALUE]...

Serves POP3 (RFC 1939; STLS, AUTH PLAIN, UIDL, TOP) and IMAP (RFC 3501 with
LITERAL+, IDLE, UIDPLUS, MOVE, SPECIAL-USE, UNSELECT, NAMESPACE, ID, ENABLE;
imap://ADDRESS with STARTTLS, port 143, and imaps://ADDRESS, port 993) over
the Maildirs that `deliver` writes, and ManageSieve (RFC 5804; sieve://ADDRESS, port 4190:
STARTTLS, AUTHENTICATE PLAIN, scripts compiled on upload and stored as
~/sieve/NAME.sieve with ~/.dovecot.sieve linked to the active one, where
deliver reads it), on the listeners of [serve] in the configuration, until
SIGTERM (sessions get serve.shutdown_grace to finish). SIGHUP reloads the
TLS certificate and key. Runs as root: each connection is handled by a
process running as serve.login_user until login, then by one running as
the user (mailroom-serve(8), "Privileges").

  -c FILE  configuration file (default /etc/mailroom/mailroom.toml)
  -o K=V   override one key, e.g.
           -o serve.listeners=pop3://127.0.0.1:1110,imap://127.0.0.1:1143

Exit codes: 0 after SIGTERM; 64 bad command line; 78 bad configuration
(listener, certificate, login user); 75 a failure while running.
)";

constexpr const char* kLmtp = R"(usage: mailroom lmtp [-c FILE] [-o SECTION.KEY=VALUE]...
       mailroom lmtp --stats [-c FILE]

Accepts mail over LMTP (RFC 2033: LHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT, XFORWARD; PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME, SMTPUTF8, SIZE)
on lmtp.listeners ("unix:/PATH", "lmtp://ADDRESS:PORT") or on the sockets
systemd passes, and delivers each recipient through the pipeline of
`deliver` in a process of its own that runs as that user (mailroom-lmtp(8),
"Privileges"). After DATA, one reply per recipient: 250 2.0.0 once the copy
is on disk; 450/451 4.x.x try again; 550 5.1.1 no such user; 552 5.2.2 over
quota (deliver.quota_exceeded = "bounce"); 552 5.3.4 too large; 554 5.4.6 mail
loop; 550 5.7.1 rejected by Sieve. SIGTERM: no new connections, open
transactions finish (lmtp.shutdown_grace). SIGHUP: reload the configuration.

  -c FILE  configuration file (default /etc/mailroom/mailroom.toml)
  -o K=V   override one key, e.g. -o lmtp.listeners=lmtp://127.0.0.1:2424
  --stats  print the running server's counters (lmtp.stats_listener, which
           also serves them over HTTP in the Prometheus text format):
           connections, messages, recipients by result, delivery time and
           per-stage time (authentication, spam, sieve, store)

Exit codes: 0 after SIGTERM; 64 bad command line; 78 bad configuration or
cannot listen; 75 a failure while running. --stats: 0, 69 no answer, 78 no
lmtp.stats_listener.
)";

constexpr const char* kPasswd = R"(usage: mailroom passwd [-s SCHEME]

Reads a password from stdin (without echo on a terminal) and prints its
hash for the serve.passdb file, as "{SCHEME}hash":
  alice:{SHA512-CRYPT}$6$...:1001:1001::/home/alice::

  -s SCHEME  SHA512-CRYPT (default), SHA256-CRYPT, BLF-CRYPT or YESCRYPT

Exit codes: 0 printed; 64 bad command line or unknown scheme; 65 no password.
)";

constexpr const char* kSrs =
    R"(usage: mailroom srs forward|reverse [-c CONFIG] [-o SECTION.KEY=VALUE]... ADDRESS

The Sender Rewriting Scheme of [srs] (mailroom.toml(5), "SRS"), as deliver
applies it to redirected mail:
  forward ADDRESS   the envelope sender a forwarded copy gets: SRS0=HASH=TT=
                    domain=local@srs.domain (SRS1 for another forwarder's SRS
                    address; the null sender and our own domain unchanged)
  reverse ADDRESS   where a bounce to ADDRESS goes back to, after checking its
                    hash (any of the secrets) and age (srs.max_age)
Prints the address. Exit codes: 0 done; 1 refused (forged, expired, not SRS);
64 bad command line; 78 configuration error (no srs.domain or secret).
)";

constexpr const char* kDmarc =
    R"(usage: mailroom dmarc send [--day YYYY-MM-DD] [--dry-run] [-c CONFIG]
                          [-o SECTION.KEY=VALUE]...

DMARC aggregate reports (RFC 7489 section 7.2) of the deliveries recorded in
dmarc_report.spool: one per domain that asks for them (rua=) and period
(ri=: daily by default, hourly up to weekly), gzipped XML mailed through dmarc_report.sendmail
to each rua= address (an address outside the domain only when its domain
publishes <domain>._report._dmarc.<its domain>; !size limits honoured).
Each report is sent once: marked under <spool>/sent when sendmail took it;
one that failed is sent by the next run. Run it hourly (contrib/dmarc/):
a period is sent by the first run after it ended. With
dmarc_report.failure_reports on (off by default), also the failure reports
(ruf=, fo=; RFC 6591, redacted) deliver recorded, at most
failure_reports_per_hour per domain and hour.
Several MX hosts: with dmarc_report.redis, each host publishes its records
there; the first of dmarc_report.merge_hosts sends one report per period
from all hosts' records once each has published (or merge_grace after the
period, naming the missing); the others send none. Redis down: exit 75.
  --day YYYY-MM-DD  that day only (UTC); default: every finished day not done
  --dry-run         print what would be sent; send and mark nothing
Prints a line per report. Exit codes: 0 done; 75 a report must be retried
(the next run does); 64 bad command line; 78 configuration error.

usage: mailroom dmarc summary [--domain DOMAIN] [--since YYYY-MM-DD] [--json]
                             [--store DIR] [--no-dns] [--html FILE]
                             [-c CONFIG] [-o ...]

The aggregate reports others sent about our domains, read from the mail to
dmarc_report.reports_mailbox into dmarc_report.received_store: per domain
and source address (with its reverse DNS name) how much passed DMARC, DKIM
and SPF alignment and, in words, what to fix; then per reporter.
  --domain DOMAIN     that domain only
  --since YYYY-MM-DD  reports whose period ends on or after that day
  --json              the same as JSON
  --store DIR         another store than received_store (~ is $HOME)
  --no-dns            no reverse DNS names
  --html FILE         also write FILE: one self-contained page (inline CSS
                      and SVG, no scripts) charting per source the DMARC,
                      DKIM and SPF pass rates per report period, the
                      tables and the advice
Exit codes: 0 printed; 64 bad command line; 66 no store; 73 cannot write
the --html FILE; 78 configuration.
)";

constexpr const char* kConfig = R"(usage: mailroom config check [-c FILE] [-o SECTION.KEY=VALUE]...

Loads the configuration (default /etc/mailroom/mailroom.toml; no file means
all defaults), prints the effective value of every key, or the file, line
and key that is wrong (exit 1).

Keys:
)";

void print_config_keys() {
  for (const auto& key : config_keys()) {
    std::string name(key.name);
    std::string help(key.help);
    std::printf("  %-26s %s\n", name.c_str(), help.c_str());
  }
}

}  // namespace

void print_usage(std::string_view command) {
  if (command == "deliver") {
    std::fputs(kDeliver, stdout);
  } else if (command == "auth") {
    std::fputs(kAuth, stdout);
  } else if (command == "sieve") {
    std::fputs(kSieve, stdout);
  } else if (command == "serve") {
    std::fputs(kServe, stdout);
  } else if (command == "lmtp") {
    std::fputs(kLmtp, stdout);
  } else if (command == "passwd") {
    std::fputs(kPasswd, stdout);
  } else if (command == "srs") {
    std::fputs(kSrs, stdout);
  } else if (command == "dmarc") {
    std::fputs(kDmarc, stdout);
  } else if (command == "learn" || command == "score") {
    print_spam_usage(command);
  } else if (command == "config") {
    std::fputs(kConfig, stdout);
    print_config_keys();
  } else {
    std::fputs(kOverview, stdout);
  }
}

void print_version() { std::printf("mailroom %s\n", MAILROOM_VERSION); }

}  // namespace mailroom::cli
