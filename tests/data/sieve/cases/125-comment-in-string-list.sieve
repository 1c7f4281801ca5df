# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" [ /* first */ "nothing", # second
 "meeting" ] { fileinto "yes"; }
