# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-words" "onetwo" { fileinto "joined"; } elsif header :is "x-words" "one two" { fileinto "spaced"; }
