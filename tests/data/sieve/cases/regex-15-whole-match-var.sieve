# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "from" "[a-z]+\\.[a-z]+@" { fileinto "m-${0}"; }
