# message: plain.eml
if keep { stop; }
