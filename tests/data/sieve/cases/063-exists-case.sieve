# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if exists ["LIST-ID", "Precedence"] { fileinto "Lists"; }
