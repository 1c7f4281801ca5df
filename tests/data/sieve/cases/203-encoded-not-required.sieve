# message: plain.eml
require "fileinto";
fileinto "${hex:41}";
