# Included: sets the global variable "who" (RFC 6609 §3.3).
require ["include", "variables"];
global "who";
set "who" "included";
