# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if true { fileinto "a"; } else { fileinto "b"; }
if true { fileinto "c"; }
