# message: plain.eml
if true;
