# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if true { if true { fileinto "A"; stop; } }
fileinto "B";
