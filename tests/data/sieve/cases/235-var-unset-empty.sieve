# message: plain.eml
require ["variables", "fileinto"];
fileinto "x${unset}y";
