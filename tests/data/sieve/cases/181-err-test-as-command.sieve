# message: plain.eml
true;
