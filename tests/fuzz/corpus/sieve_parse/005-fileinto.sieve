# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
fileinto "Lists";
