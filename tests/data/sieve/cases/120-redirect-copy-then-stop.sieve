# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
redirect :copy "a@example.com";
stop;
