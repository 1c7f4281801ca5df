# message: plain.eml
require "mailbox";
keep :create;
