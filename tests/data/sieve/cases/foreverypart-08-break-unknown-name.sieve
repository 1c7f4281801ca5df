# message: multipart.eml
require ["foreverypart"];
foreverypart :name "a" { break :name "b"; }
