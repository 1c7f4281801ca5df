# Converted from a procmailrc by mailroom sieve from-procmail.
require ["body", "copy", "duplicate", "fileinto", "regex"];
# Structure: duplicates, nested blocks, else (E), body conditions.
# LOGFILE=$HOME/.procmail.log: procmail's own setting, not needed
# VERBOSE=off: procmail's own setting, not needed

# Drop duplicates by Message-ID (formail -D, procmailex(5)).
# line 6: :0 Wh: msgid.lock
if duplicate {
    discard;
    stop;
}

# Or keep them aside: formail with c, then an "a" recipe.
# line 10: :0 Whc: msgid2.lock | formail -D 8192 .msgid2.cache: the duplicate test of the next recipe
# line 12: :0 a:
if duplicate {
    fileinto "duplicates";
    stop;
}

# A block: both recipes run when the conditions hold.
# line 16: :0
if header :contains "subject" "incident" {
    # line 19: :0 c
    redirect :copy "oncall@example.org";

    # Nested again.
    # line 23: :0
    if header :matches "x-severity" "critical*" {
        # line 26: :0
        fileinto "critical";
        stop;
    }

    # line 30: :0
    fileinto "incidents";
    stop;
}

# If / else if.
# line 35: :0
if header :contains "list-id" "<dev.lists.example.org>" {
    fileinto "dev";
    stop;
}
# line 38: :0 E
elsif header :contains "list-id" "<users.lists.example.org>" {
    fileinto "users";
    stop;
}
# line 41: :0 E
elsif true {
    fileinto "other-lists";
    stop;
}

# The body: B flag, and "B ??" in a condition.
# line 45: :0 B
if body :contains "password reset" {
    fileinto "security";
    stop;
}

# line 49: :0
if body :regex "^Unsubscribe: https?://" {
    fileinto "bulk";
    stop;
}

# NOT TRANSLATED (line 53): a condition on header and body together (HB)
#   :0 HB
#   * money
#   maybe/

