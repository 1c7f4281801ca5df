# message: plain.eml
require ["environment", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if environment "location" { keep; }
