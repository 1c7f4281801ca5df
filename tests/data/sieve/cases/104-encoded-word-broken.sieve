# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-broken" "=?UTF-8?Q?unterminated" { fileinto "raw"; }
