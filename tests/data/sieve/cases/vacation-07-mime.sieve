# message: plain.eml
require "vacation";
vacation :mime "hello";
