# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if	header	:contains	"subject"	"meeting"	{	fileinto	"Work";	}
