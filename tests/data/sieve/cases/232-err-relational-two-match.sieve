# message: plain.eml
require "relational";
if header :count "eq" :contains "to" "1" { keep; }
