# message: plain.eml
require "reject";
redirect "x@example.com";
reject "b";
