# message: plain.eml
require ["regex", "comparator-i;ascii-numeric"];
if header :regex :comparator "i;ascii-numeric" "x-priority" "1" { keep; }
