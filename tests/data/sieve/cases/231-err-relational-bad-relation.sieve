# message: plain.eml
require "relational";
if header :value "gte" "to" "1" { keep; }
