# message: subaddress.eml
require ["variables", "fileinto", "subaddress"];
if address :detail :matches "to" "*" { fileinto "d-${1}"; }
