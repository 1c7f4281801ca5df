# message: plain.eml
require ["include", "variables"];
set "who" "main";
include "inc-local";
