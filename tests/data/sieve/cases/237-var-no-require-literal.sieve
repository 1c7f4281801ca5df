# message: plain.eml
require "fileinto";
fileinto "${a}";
