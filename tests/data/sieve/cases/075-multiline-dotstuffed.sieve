# message: plain.eml
require "fileinto";
if header :contains "subject" text:
..meeting
.
 { fileinto "dot"; } else { fileinto "nodot"; }
