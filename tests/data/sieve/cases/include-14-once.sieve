# message: plain.eml
require ["include", "variables", "fileinto"];
global "n";
include "inc-count";
include :once "inc-count";
fileinto "n-${n}";
