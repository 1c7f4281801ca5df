# message: plain.eml
vacation "r";
