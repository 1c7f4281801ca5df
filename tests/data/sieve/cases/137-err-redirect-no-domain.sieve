# message: plain.eml
redirect "bob";
