# message: plain.eml
require ["enotify", "fileinto"];
if notify_method_capability "mailto:x@example.com" "Online" "MAYBE" { fileinto "C"; }
if notify_method_capability "mailto:x@example.com" "online" "yes" { fileinto "D"; }
if notify_method_capability "xmpp:x@example.com" "online" "maybe" { fileinto "E"; }
