# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :is "to" "[192.0.2.1]" { fileinto "yes"; }
