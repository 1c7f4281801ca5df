# message: plain.eml
keep;
}
