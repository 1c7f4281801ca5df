# message: plain.eml
require "body";
if body :raw :text "x" { keep; }
