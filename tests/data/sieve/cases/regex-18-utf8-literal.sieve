# message: encoded.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "€([0-9]+)$" { fileinto "euro-${1}"; }
