# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "subject" ["a", "b", "Meeting tomorrow?"] { fileinto "yes"; }
