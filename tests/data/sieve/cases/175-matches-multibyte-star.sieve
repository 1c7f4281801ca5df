# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "cc" "*é*" { fileinto "yes"; }
