# message: plain.eml
require "vacation";
vacation :days "3" "r";
