# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
redirect :copy "archive@example.com";
