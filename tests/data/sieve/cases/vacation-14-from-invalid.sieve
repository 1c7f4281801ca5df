# message: plain.eml
require "vacation";
vacation :from "nobody" "r";
