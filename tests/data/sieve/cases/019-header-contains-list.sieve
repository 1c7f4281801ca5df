# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains ["x-none", "list-id"] ["nothing", "<weekly."] { fileinto "yes"; }
