# message: plain.eml
keep;
discard;
