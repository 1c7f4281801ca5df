# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "^([a-z]+) ([a-z]+)" { fileinto "${2}-${1}"; }
