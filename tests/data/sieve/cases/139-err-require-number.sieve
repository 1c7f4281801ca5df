# message: plain.eml
require 5;
