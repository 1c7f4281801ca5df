# message: plain.eml
require "subaddress";
if header :user "to" "x" { keep; }
