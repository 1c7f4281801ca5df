# message: plain.eml
require "body";
if body :domain "a" { keep; }
