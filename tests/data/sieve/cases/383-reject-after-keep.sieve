# message: plain.eml
require "reject";
keep;
reject "no";
