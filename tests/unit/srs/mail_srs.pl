#!/usr/bin/perl
# The oracle of srs_test: Mail::SRS::Guarded (Debian libmail-srs-perl), the
# reference implementation by the author of the SRS paper. Reads lines
# "forward SECRET ADDRESS ALIAS" or "reverse SECRET ADDRESS" on stdin and
# prints one result a line ("error: ..." when it refuses).
use strict;
use warnings;
use Mail::SRS;

$SIG{__WARN__} = sub { };  # its note on case-smashed hashes
while (my $line = <STDIN>) {
  chomp $line;
  my ($op, $secret, @args) = split / /, $line;
  my $srs = Mail::SRS->new(Secret => [$secret], MaxAge => 21, HashLength => 4, HashMin => 4);
  my $out = eval { $op eq 'forward' ? $srs->forward(@args) : $srs->reverse(@args) };
  print defined $out ? "$out\n" : "error: " . ($@ =~ s/\n.*//sr) . "\n";
}
