# Included: does not compile (fileinto without require).
fileinto "x";
