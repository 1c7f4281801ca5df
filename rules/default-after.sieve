# mailroom's default "after" script (mailroom-sieve(7), "Delivery"): runs
# after the user's own script, and only when that script left the message
# to the implicit keep (draft-degener-sieve-multiscript), so a user's own
# fileinto or keep always wins. Files spam into Junk.
#
# X-Mailroom-Spam-Score is written by mailroom deliver alone: an incoming
# field of that name is renamed before scripts see it. It carries the
# score of the header named by sieve.trusted_spam_header (off by default:
# anyone can write an X-Spam-Score) when the message has one, else the SCL
# of mailroom's own spam stage ([spam] in mailroom.toml(5)). SCL 5 and above is spam (RFC 5235 §3: spamtest values 5 and up
# are "probably spam"), the SpamAssassin default threshold.
require ["fileinto", "relational", "comparator-i;ascii-numeric", "special-use"];

if header :value "ge" :comparator "i;ascii-numeric" "X-Mailroom-Spam-Score" "5" {
  fileinto :specialuse "\\Junk" "Junk";
}
