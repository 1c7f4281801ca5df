# message: plain.eml
fileinto "A";
