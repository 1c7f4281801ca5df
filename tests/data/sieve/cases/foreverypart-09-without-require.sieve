# message: multipart.eml
foreverypart { keep; }
