# message: plain.eml
require ["environment", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
set "item" "phase";
if environment :matches "${item}" "*" { fileinto "phase-known"; }
