# message: plain.eml
if true { keep; }
keep;
elsif true { discard; }
