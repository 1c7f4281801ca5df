# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "x-spam-level" "*" { fileinto "yes"; }
