# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
fileinto :copy "A";
fileinto :copy "B";
redirect :copy "c@example.com";
keep;
