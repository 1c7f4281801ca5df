# message: plain.eml
require ["duplicate"];
if duplicate "x" { discard; }
