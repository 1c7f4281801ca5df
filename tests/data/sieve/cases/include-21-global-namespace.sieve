# message: plain.eml
require ["include", "variables", "fileinto"];
include "inc-global-set";
fileinto "ns-${global.who}";
