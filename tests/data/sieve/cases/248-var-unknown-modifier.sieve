# message: plain.eml
require ["variables"];
set :bogus "a" "x";
