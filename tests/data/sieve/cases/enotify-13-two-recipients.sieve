# message: plain.eml
# RFC 6068 §2: to = addr-spec *("," addr-spec)
require "enotify";
notify "mailto:carol@example.com,dave@example.com";
