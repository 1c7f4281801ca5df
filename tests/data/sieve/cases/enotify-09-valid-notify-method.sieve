# message: plain.eml
require ["enotify", "fileinto"];
if valid_notify_method ["mailto:a@example.com", "xmpp:q@example.com"] { fileinto "A"; }
if valid_notify_method "mailto:a@example.com" { fileinto "B"; }
