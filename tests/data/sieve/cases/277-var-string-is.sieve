# message: plain.eml
require ["variables", "fileinto"];
set "a" "Hi";
if string :is "${a}" "hi" { fileinto "casemap"; }
