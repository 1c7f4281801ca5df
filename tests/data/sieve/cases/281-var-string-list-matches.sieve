# message: plain.eml
require ["variables", "fileinto"];
if string :matches ["x", "abc"] "a*" { fileinto "${0}-${1}"; }
