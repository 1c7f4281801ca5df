# message: plain.eml
require ["imap4flags", "variables"];
set "y" "foo bar";
keep :flags "${y}";
