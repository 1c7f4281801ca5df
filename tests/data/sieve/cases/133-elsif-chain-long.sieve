# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if false {} elsif false {} elsif false {} elsif true { fileinto "fourth"; } else { fileinto "else"; }
