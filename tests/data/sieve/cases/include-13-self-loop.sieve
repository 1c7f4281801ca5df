# message: plain.eml
require ["include"];
include "inc-self";
