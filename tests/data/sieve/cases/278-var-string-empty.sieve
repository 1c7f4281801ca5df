# message: plain.eml
require ["variables", "fileinto"];
if string :is "${nothing}" "" { fileinto "unset"; }
