# message: plain.eml
require "vacation";
vacation :seconds 100 "r";
