# message: plain.eml
if anyof () { keep; }
