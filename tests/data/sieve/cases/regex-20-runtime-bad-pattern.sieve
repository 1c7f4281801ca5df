# message: plain.eml
require ["regex", "fileinto", "variables"];
set "p" "^meet";
if header :regex "subject" "${p}" { fileinto "pattern-from-variable"; }
set "bad" "(";
if header :regex "subject" "${bad}" { fileinto "x"; } else { fileinto "bad-pattern-never-matches"; }
