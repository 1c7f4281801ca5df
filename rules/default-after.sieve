# mailroom's default "after" script (mailroom-sieve(7), "Delivery"): runs
# after the user's own script, and only when that script left the message
# to the implicit keep (draft-degener-sieve-multiscript), so a user's own
# fileinto or keep always wins. Files spam into Junk.
#
# spamtest (RFC 5235) answers from this delivery's spam verdict: that of
# mailroom's own spam stage ([spam] in mailroom.toml(5)), or the score of
# the header named by sieve.trusted_spam_header when the message has one
# (off by default: anyone can write an X-Spam-Score); "0" when the message
# was not tested. The level is the SpamAssassin confidence level SCL + 1,
# so "6" is SCL 5 and above: spam (§3.2 puts "probably spam" in the upper
# half), the SpamAssassin default threshold. Junk: the folder with the
# \\Junk special-use attribute (RFC 8579), else "Junk".
require ["fileinto", "spamtest", "relational", "comparator-i;ascii-numeric",
         "special-use"];

if spamtest :value "ge" :comparator "i;ascii-numeric" "6" {
  fileinto :specialuse "\\Junk" "Junk";
}
