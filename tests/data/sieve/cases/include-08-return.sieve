# message: plain.eml
require ["include", "fileinto"];
include "inc-return";
fileinto "AfterReturn";
