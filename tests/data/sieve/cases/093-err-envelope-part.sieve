# message: plain.eml
require "envelope";
if envelope "frob" "x" { keep; }
