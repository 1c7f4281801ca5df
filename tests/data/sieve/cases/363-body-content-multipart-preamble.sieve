# message: multipart.eml
require ["body", "fileinto"];
if body :content "multipart" :contains "preamble" { fileinto "pre"; }
if body :content "multipart" :contains "Epilogue" { fileinto "epi"; }
