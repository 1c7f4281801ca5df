# message: plain.eml
require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if virustest { keep; }
