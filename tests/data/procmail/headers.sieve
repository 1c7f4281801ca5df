# Converted from a procmailrc by mailroom sieve from-procmail.
require ["fileinto", "regex"];
# Header conditions: procmail egreps the header, case-insensitively
# unless the D flag is given (procmailrc(5), "Flags").

# A substring anywhere in the field: .* after the colon.
# line 5: :0:
if header :contains "subject" "[announce]" {
    # mbox announce becomes a Maildir folder; move its old mail with a converter
    fileinto "announce";
    stop;
}

# The start of the field's value.
# line 10: :0
if header :matches "subject" "Invoice*" {
    fileinto "invoices";
    stop;
}

# The whole value, and the D flag: case matters.
# line 15: :0 D
if header :is :comparator "i;octet" "x-mailer" "Mutt" {
    fileinto "mutt";
    stop;
}

# An operator in the pattern: a regex test.
# line 20: :0
if header :regex "subject" "(sale|offer) [0-9]+%" {
    fileinto "offers";
    stop;
}

# Word boundaries \< \>.
# line 25: :0
if header :regex "subject" "\\blottery\\b" {
    fileinto "junk";
    stop;
}

# One of several fields.
# line 30: :0
if header :contains ["from", "reply-to"] "@newsletter.example.com" {
    fileinto "news";
    stop;
}

# A field that is present at all.
# line 35: :0
if exists "list-unsubscribe" {
    fileinto "lists";
    stop;
}

# Field name then .* (procmailex(5) "^From.*peter").
# line 40: :0
if header :contains "from" "carol" {
    fileinto "carol";
    stop;
}

# Every condition must hold; ! inverts one.
# line 45: :0
if allof (header :contains "from" "@example.org",
       not header :contains "subject" "urgent",
       not header :matches "x-priority" "1*") {
    fileinto "work";
    stop;
}

# Destination fields (^TO_ addresses, ^TO words), daemons and mailers.
# line 52: :0
if header :contains ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc", "original-to", "original-cc", "original-bcc", "original-resent-to", "original-resent-cc", "original-resent-bcc", "x-envelope-to", "apparently-to", "apparently-resent-to"] "postgres-general@lists.example.org" {
    fileinto "postgres";
    stop;
}

# line 56: :0
if header :contains ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc", "original-to", "original-cc", "original-bcc", "original-resent-to", "original-resent-cc", "original-resent-bcc", "x-envelope-to", "apparently-to", "apparently-resent-to"] "fishing" {
    fileinto "fishing";
    stop;
}

# line 60: :0
if address :localpart :matches ["from", "sender", "resent-from", "resent-sender"] ["postmaster", "postmaster-*", "postmaster_*", "postmaster+*", "postman", "postman-*", "postman_*", "postman+*", "postoffice", "postoffice-*", "postoffice_*", "postoffice+*", "mail", "mail-*", "mail_*", "mail+*", "mailer", "mailer-*", "mailer_*", "mailer+*", "sendmail", "sendmail-*", "sendmail_*", "sendmail+*", "sendmailer", "sendmailer-*", "sendmailer_*", "sendmailer+*", "daemon", "daemon-*", "daemon_*", "daemon+*", "mmdf", "mmdf-*", "mmdf_*", "mmdf+*", "uucp", "uucp-*", "uucp_*", "uucp+*", "nuucp", "nuucp-*", "nuucp_*", "nuucp+*", "ops", "ops-*", "ops_*", "ops+*", "response", "response-*", "response_*", "response+*", "root", "root-*", "root_*", "root+*", "smtp", "smtp-*", "smtp_*", "smtp+*", "smtperror", "smtperror-*", "smtperror_*", "smtperror+*", "bbs.smtp", "bbs.smtp-*", "bbs.smtp_*", "bbs.smtp+*", "services", "services-*", "services_*", "services+*", "service", "service-*", "service_*", "service+*", "server", "server-*", "server_*", "server+*", "system", "system-*", "system_*", "system+*", "admin", "admin-*", "admin_*", "admin+*", "administrator", "administrator-*", "administrator_*", "administrator+*", "ammgr", "ammgr-*", "ammgr_*", "ammgr+*"] {
    fileinto "bounces";
    stop;
}

# line 64: :0
if anyof (address :localpart :matches ["from", "sender", "resent-from", "resent-sender"] ["postmaster", "postmaster-*", "postmaster_*", "postmaster+*", "postman", "postman-*", "postman_*", "postman+*", "postoffice", "postoffice-*", "postoffice_*", "postoffice+*", "mail", "mail-*", "mail_*", "mail+*", "mailer", "mailer-*", "mailer_*", "mailer+*", "sendmail", "sendmail-*", "sendmail_*", "sendmail+*", "sendmailer", "sendmailer-*", "sendmailer_*", "sendmailer+*", "daemon", "daemon-*", "daemon_*", "daemon+*", "mmdf", "mmdf-*", "mmdf_*", "mmdf+*", "uucp", "uucp-*", "uucp_*", "uucp+*", "nuucp", "nuucp-*", "nuucp_*", "nuucp+*", "ops", "ops-*", "ops_*", "ops+*", "response", "response-*", "response_*", "response+*", "root", "root-*", "root_*", "root+*", "smtp", "smtp-*", "smtp_*", "smtp+*", "smtperror", "smtperror-*", "smtperror_*", "smtperror+*", "bbs.smtp", "bbs.smtp-*", "bbs.smtp_*", "bbs.smtp+*", "services", "services-*", "services_*", "services+*", "service", "service-*", "service_*", "service+*", "server", "server-*", "server_*", "server+*", "system", "system-*", "system_*", "system+*", "admin", "admin-*", "admin_*", "admin+*", "administrator", "administrator-*", "administrator_*", "administrator+*", "ammgr", "ammgr-*", "ammgr_*", "ammgr+*", "majordomo", "majordomo-*", "majordomo_*", "majordomo+*", "listserv", "listserv-*", "listserv_*", "listserv+*", "listproc", "listproc-*", "listproc_*", "listproc+*", "netserv", "netserv-*", "netserv_*", "netserv+*", "owner", "owner-*", "owner_*", "owner+*", "request", "request-*", "request_*", "request+*", "bounce", "bounce-*", "bounce_*", "bounce+*", "echo", "echo-*", "echo_*", "echo+*", "mirror", "mirror-*", "mirror_*", "mirror+*", "autoanswer", "autoanswer-*", "autoanswer_*", "autoanswer+*", "postmastr", "postmastr-*", "postmastr_*", "postmastr+*"],
        exists "mailing-list",
        header :contains "precedence" ["junk", "bulk", "list"],
        header :matches "to" "Multiple recipients of *") {
    fileinto "automated";
    stop;
}

# Sizes, in bytes.
# line 69: :0
if size :over 5000000 {
    fileinto "huge";
    stop;
}

# line 73: :0
if size :under 300 {
    fileinto "tiny";
    stop;
}

# A continued line.
# line 78: :0
if header :contains "subject" "quarterly report" {
    fileinto "reports";
    stop;
}

