# message: plain.eml
require "fileinto;
