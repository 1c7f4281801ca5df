# message: plain.eml
require ["reject", "variables"];
if header :matches "subject" "*" { set "s" "${1}"; }
reject "Not wanted: ${s}";
