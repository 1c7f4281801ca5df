# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-tab" "one	two" { fileinto "tab"; } elsif header :is "x-tab" "one two" { fileinto "space"; }
