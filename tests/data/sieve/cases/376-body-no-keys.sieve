# message: plain.eml
require "body";
if body :raw { keep; }
