# message: plain.eml
redirect "archive@example.com";
