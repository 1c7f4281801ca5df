# message: plain.eml
require "ihave";
if ihave "fileinto" { keep; }
fileinto "after";
