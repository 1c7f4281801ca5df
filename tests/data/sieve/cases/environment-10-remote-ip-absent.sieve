# message: plain.eml
require ["environment", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if environment :matches "remote-ip" "*" { fileinto "has-ip"; } else { fileinto "no-ip"; }
