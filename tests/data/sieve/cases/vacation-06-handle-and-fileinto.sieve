# message: plain.eml
require ["vacation", "fileinto"];
vacation :handle "h1" "r";
fileinto "Away";
