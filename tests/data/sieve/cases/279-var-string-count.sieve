# message: plain.eml
require ["variables", "fileinto", "relational"];
if string :count "eq" ["a", "", "b"] "2" { fileinto "two"; }
