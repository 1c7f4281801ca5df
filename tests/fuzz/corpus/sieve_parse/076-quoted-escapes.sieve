# message: plain.eml
require "fileinto";
fileinto "W\\o\"rk";
