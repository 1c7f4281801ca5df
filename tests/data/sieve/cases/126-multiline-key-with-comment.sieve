# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-priority" text:   # the value
1
.
 { fileinto "crlf"; } else { fileinto "nocrlf"; }
