# message: plain.eml
error "x";
