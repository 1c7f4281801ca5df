# message: plain.eml
keep;
reject "no";
