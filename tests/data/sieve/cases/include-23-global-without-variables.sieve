# message: plain.eml
require ["include"];
global "x";
