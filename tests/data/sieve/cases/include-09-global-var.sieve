# message: plain.eml
require ["include", "variables", "fileinto"];
global "who";
include "inc-global-set";
fileinto "main-${who}";
