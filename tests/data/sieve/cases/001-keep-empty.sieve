# message: plain.eml
