# message: plain.eml
require ["include", "fileinto"];
include "inc-stop";
fileinto "NotReached";
