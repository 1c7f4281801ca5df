# message: plain.eml
require "reject";
keep;
stop;
reject "never";
