# message: plain.eml
keep
