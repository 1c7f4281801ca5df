# message: plain.eml
require ["variables"];
keep;
set "a";
