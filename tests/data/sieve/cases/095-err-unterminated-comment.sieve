# message: plain.eml
keep; /* never closed
