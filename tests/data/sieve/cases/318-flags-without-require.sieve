# message: plain.eml
keep;
addflag "a";
