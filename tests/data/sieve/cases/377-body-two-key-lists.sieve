# message: plain.eml
require "body";
if body "a" "b" { keep; }
