# message: plain.eml
frobnicate;
