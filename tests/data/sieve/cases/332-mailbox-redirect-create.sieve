# message: plain.eml
require "mailbox";
redirect :create "a@example.com";
