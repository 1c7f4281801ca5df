# Included: files by the global variable "who".
require ["include", "variables", "fileinto"];
global "who";
fileinto "got-${who}";
