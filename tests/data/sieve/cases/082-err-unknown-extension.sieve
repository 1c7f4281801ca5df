# message: plain.eml
require "x-frob";
