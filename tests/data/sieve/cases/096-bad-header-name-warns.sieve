# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "bad name" "" { fileinto "no"; }
if exists ["from", "from:"] { fileinto "no2"; }
if not exists "a b" { fileinto "yes"; }
