# message: multipart.eml
require ["foreverypart"];
break;
