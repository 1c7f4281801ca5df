# message: plain.eml
require ["variables", "fileinto"];
if string :comparator "i;ascii-casemap" :is "Hi" "hi" { fileinto "casemap"; }
