// maildir_writer: delivers one message with the maildir module, for
// tests/integration/dovecot_reads_maildir.sh (a real Dovecot reads the result).
//   maildir_writer ROOT FOLDER FLAGS FILE [KEYWORD...]
// FLAGS is Maildir letters ("" for new/, "S", "FS"...); each KEYWORD (e.g.
// "$Junk") is added to the folder's dovecot-keywords if it is not there,
// and stored as its Dovecot letter. Prints the final path.
// Exit 0 delivered, 75 temporary failure, 65 refused folder name or flags.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"

int main(int argc, char** argv) {
  using namespace mailroom::maildir;
  if (argc < 5) {
    std::cerr << "usage: maildir_writer ROOT FOLDER FLAGS FILE [KEYWORD...]\n";
    return 64;
  }
  std::ifstream in(argv[4], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << argv[4] << "\n";
    return 66;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string message = buf.str();
  Options options;
  options.hostname = "writer.example";
  auto md = Maildir::open(argv[1], options);
  if (!md) {
    std::cerr << md.error().message << "\n";
    return 75;
  }
  auto folder = md->folder(argv[2]);
  if (!folder) {
    std::cerr << folder.error().message << "\n";
    return folder.error().kind == mailroom::ErrorKind::parse ? 65 : 75;
  }
  if (!folder->warning().empty()) std::cerr << "warning: " << folder->warning() << "\n";
  std::string flags = argv[3];
  if (argc > 5) {
    std::vector<std::string_view> keywords(argv + 5, argv + argc);
    std::string unknown;
    // As deliver does (maildir.dovecot_keywords): unknown ones are added.
    if (auto added = folder->add_keywords(keywords, options); !added)
      std::cerr << "warning: " << added.error().message << "\n";
    flags += folder->keyword_letters(keywords, &unknown);
    if (!unknown.empty()) std::cerr << "warning: keywords unknown to Dovecot: " << unknown << "\n";
  }
  Delivery delivery(*md);
  const std::string_view pieces[] = {message};
  if (auto s = delivery.stage(*folder, pieces, flags); !s) {
    std::cerr << s.error().message << "\n";
    return s.error().kind == mailroom::ErrorKind::parse ? 65 : 75;
  }
  const auto report = delivery.commit();
  if (!report.any_delivered()) {
    std::cerr << report.first_error()->message << "\n";
    return 75;
  }
  if (auto s = record_delivery(*md, report.copies[0].size); !s)
    std::cerr << "warning: " << s.error().message << "\n";
  std::cout << report.copies[0].path << "\n";
  return 0;
}
