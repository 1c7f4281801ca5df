# message: plain.eml
require ["environment", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if environment :is "no-such-item" "" { fileinto "x"; } else { fileinto "unknown-is-false"; }
