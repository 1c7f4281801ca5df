# message: plain.eml
if header :count "eq" "to" "1" { keep; }
