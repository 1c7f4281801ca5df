# message: plain.eml
require ["include", "fileinto"];
include "inc-discard";
fileinto "Also";
