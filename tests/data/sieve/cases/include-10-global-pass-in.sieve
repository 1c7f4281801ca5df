# message: plain.eml
require ["include", "variables"];
global "who";
set "who" "main";
include "inc-global-read";
