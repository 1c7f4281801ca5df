# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
discard;
fileinto "Trash";
