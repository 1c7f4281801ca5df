# message: plain.eml
require ["variables", "fileinto"];
if string :count "eq" ["a"] "1" { fileinto "two"; }
