# Converted from a procmailrc by mailroom sieve from-procmail.
require ["copy", "fileinto"];
# Actions: folders of each kind, forwards, /dev/null, copies.
# MAILDIR=$HOME/Maildir: folders are named relative to it
# DEFAULT=$MAILDIR/: folders are named relative to it

# mbox file relative to MAILDIR.
# line 6: :0:
if header :contains "subject" "mbox" {
    # mbox oldstyle becomes a Maildir folder; move its old mail with a converter
    fileinto "oldstyle";
    stop;
}

# A Maildir folder (trailing slash) in Maildir++ form.
# line 11: :0
if header :contains "subject" "maildir" {
    fileinto "Projects.Alpha";
    stop;
}

# An MH folder (trailing /.).
# line 16: :0
if header :contains "subject" "mh" {
    fileinto "mh-folder";
    stop;
}

# Explicitly under $MAILDIR, and an absolute path.
# line 21: :0
if header :contains "subject" "under" {
    fileinto "Archive";
    stop;
}

# line 25: :0:
if header :contains "subject" "absolute" {
    # the file /var/mail/saved-copies is now a folder of the Maildir
    fileinto "saved-copies";
    stop;
}

# Several folders at once (hard links in procmail).
# line 30: :0
if header :contains "subject" "several" {
    fileinto "one";
    fileinto "two";
    stop;
}

# The default mailbox.
# line 35: :0
if header :contains "subject" "inbox" {
    keep;
    stop;
}

# Forward, to two addresses.
# line 40: :0
if header :contains "subject" "forward" {
    redirect "alice@example.net";
    redirect "bob@example.net";
    stop;
}

# A copy forwarded, a copy filed, then on.
# line 45: :0 c
if header :contains "from" "boss@example.com" {
    redirect :copy "me@phone.example";
}

# line 49: :0 c
fileinto :copy "backup";

# Thrown away.
# line 53: :0
if header :contains "subject" "unsubscribe me" {
    discard;
    stop;
}

