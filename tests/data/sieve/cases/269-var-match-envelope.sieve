# message: plain.eml
require ["variables", "fileinto", "envelope"];
if envelope :matches "to" "*+*@*" { fileinto "${2}"; }
