// RFC 5703: foreverypart/break, the :mime options, extracttext, on a
// multipart message (mixed: alternative (plain, html), attachment).
#include "structure_support.hpp"

namespace mailroom::sieve {
namespace {

using structure_testing::compile_error;
using structure_testing::run_text;
using structure_testing::words;
using Words = std::vector<std::string>;

constexpr const char* kMultipart =
    "From: Alice <alice+news@example.org>\r\n"
    "Subject: parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"o\"\r\n"
    "\r\n"
    "--o\r\n"
    "Content-Type: multipart/alternative; boundary=\"i\"\r\n"
    "\r\n"
    "--i\r\n"
    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=E9 code XYZZY.\r\n"
    "--i\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "\r\n"
    "<p>Hello <b>HTML</b></p>\r\n"
    "--i--\r\n"
    "--o\r\n"
    "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "Reply-To: Bob <bob@example.net>\r\n"
    "\r\n"
    "%PDF\r\n"
    "--o--\r\n";

const std::string kRequire =
    "require [\"foreverypart\", \"mime\", \"extracttext\", \"variables\", \"fileinto\"];\n";

Words run_mp(const std::string& body) { return words(run_text(kRequire + body, {}, kMultipart)); }

TEST(SieveMime, ForeverypartVisitsEveryPartMessageFirst) {
  EXPECT_EQ(run_mp("foreverypart { if header :mime :matches :contenttype \"content-type\" \"*\" "
                   "{ set \"all\" \"${all} ${1}\"; } }\nfileinto \"${all}\";"),
            (Words{"fileinto: multipart/mixed multipart/alternative text/plain text/html "
                   "application/pdf"}));
}

TEST(SieveMime, NestedLoopsGoBelowTheCurrentPart) {
  EXPECT_EQ(run_mp("foreverypart { if header :mime :subtype \"content-type\" \"alternative\" {\n"
                   "  foreverypart { if header :mime :matches :subtype \"content-type\" \"*\" "
                   "{ set \"k\" \"${k}-${1}\"; } } } }\nfileinto \"k${k}\";"),
            (Words{"fileinto:k-plain-html"}));
}

TEST(SieveMime, BreakEndsTheLoopItNames) {
  EXPECT_EQ(run_mp("foreverypart { set \"n\" \"${n}x\"; break; }\nfileinto \"${n}\";"),
            (Words{"fileinto:x"}));
  EXPECT_EQ(run_mp("foreverypart :name \"o\" { set \"s\" \"${s}o\";\n"
                   "  foreverypart { set \"s\" \"${s}i\"; break :name \"o\"; } }\n"
                   "fileinto \"${s}\";"),
            (Words{"fileinto:oi"}));
  EXPECT_EQ(run_mp("foreverypart :name \"o\" { set \"s\" \"${s}o\";\n"
                   "  foreverypart { set \"s\" \"${s}i\"; break; } }\nfileinto \"${s}\";"),
            (Words{"fileinto:oioiooo"}));
}

TEST(SieveMime, OptionsOnTheCurrentPartOrAnyChild) {
  EXPECT_EQ(run_mp("if header :mime :type \"content-type\" \"multipart\" { fileinto \"a\"; }"),
            (Words{"fileinto:a"}));
  EXPECT_EQ(run_mp("if header :mime :param \"boundary\" \"content-type\" \"o\" { fileinto "
                   "\"b\"; }"),
            (Words{"fileinto:b"}));
  EXPECT_EQ(run_mp("if header :mime :param \"filename\" \"content-disposition\" \"report.pdf\" "
                   "{ fileinto \"c\"; }"),
            (Words{"keep*"}));
  EXPECT_EQ(run_mp("if header :mime :anychild :param \"filename\" \"content-disposition\" "
                   "\"*.pdf\" { fileinto \"c\"; }"),
            (Words{"keep*"}));
  EXPECT_EQ(run_mp("if header :mime :anychild :matches :param \"filename\" "
                   "\"content-disposition\" \"*.pdf\" { fileinto \"c\"; }"),
            (Words{"fileinto:c"}));
  EXPECT_EQ(run_mp("if header :mime :anychild :type \"content-disposition\" \"attachment\" "
                   "{ fileinto \"d\"; }"),
            (Words{"fileinto:d"}));
  EXPECT_EQ(run_mp("if exists :mime :anychild \"reply-to\" { fileinto \"e\"; }"),
            (Words{"fileinto:e"}));
  EXPECT_EQ(run_mp("if exists :mime \"reply-to\" { fileinto \"e\"; }"), (Words{"keep*"}));
  EXPECT_EQ(run_mp("if address :mime :anychild :domain \"reply-to\" \"example.net\" "
                   "{ fileinto \"f\"; }"),
            (Words{"fileinto:f"}));
  EXPECT_EQ(run_mp("if address :mime :localpart \"from\" \"alice+news\" { fileinto \"g\"; }"),
            (Words{"fileinto:g"}));
  // Inside the loop :mime reads the current part; without it, the message.
  EXPECT_EQ(run_mp("foreverypart { if header :mime :contains \"content-type\" \"pdf\" "
                   "{ fileinto \"h\"; } if header :contains \"content-type\" \"pdf\" "
                   "{ fileinto \"never\"; } }"),
            (Words{"fileinto:h"}));
}

TEST(SieveMime, ExtracttextDecodesTheCurrentPart) {
  EXPECT_EQ(run_mp("foreverypart { if header :mime :subtype \"content-type\" \"plain\" "
                   "{ extracttext \"t\"; } }\nif string :contains \"${t}\" \"Caf\xC3\xA9 code\" "
                   "{ fileinto \"utf8\"; }"),
            (Words{"fileinto:utf8"}));
  EXPECT_EQ(run_mp("foreverypart { if header :mime :subtype \"content-type\" \"plain\" "
                   "{ extracttext :upper :first 4 \"t\"; } }\nfileinto \"${t}\";"),
            (Words{"fileinto:CAF\xC3\xA9"}));
  EXPECT_EQ(run_mp("foreverypart { if header :mime :subtype \"content-type\" \"html\" "
                   "{ extracttext \"t\"; } }\nif string :contains \"${t}\" \"<b>\" "
                   "{ fileinto \"tags\"; } elsif string :contains \"${t}\" \"Hello HTML\" "
                   "{ fileinto \"text\"; }"),
            (Words{"fileinto:text"}));
  EXPECT_EQ(run_mp("foreverypart { extracttext :length \"t\"; break; }\nfileinto \"n${t}\";"),
            (Words{"fileinto:n0"}));
}

TEST(SieveMime, CompileErrors) {
  EXPECT_EQ(compile_error(kRequire + "break;"), "misplaced-command");
  EXPECT_EQ(compile_error(kRequire + "foreverypart :name \"a\" { break :name \"b\"; }"),
            "misplaced-command");
  EXPECT_EQ(compile_error(kRequire + "foreverypart :name \"a\" { foreverypart :name \"a\" {} }"),
            "bad-arguments");
  EXPECT_EQ(compile_error(kRequire + "extracttext \"t\";"), "misplaced-command");
  EXPECT_EQ(compile_error(kRequire + "foreverypart { extracttext :first \"t\"; }"),
            "bad-arguments");
  EXPECT_EQ(compile_error(kRequire + "foreverypart { extracttext \"1\"; }"), "bad-variable");
  EXPECT_EQ(compile_error(kRequire + "foreverypart { extracttext :lower :upper \"t\"; }"),
            "duplicate-tag");
  EXPECT_EQ(compile_error(kRequire + "foreverypart;"), "bad-arguments");
  EXPECT_EQ(compile_error("foreverypart {}"), "missing-require");
  EXPECT_EQ(compile_error(kRequire + "if header :type \"content-type\" \"x\" {}"), "bad-arguments");
  EXPECT_EQ(compile_error(kRequire + "if exists :mime :type \"content-type\" {}"), "unknown-tag");
  EXPECT_EQ(compile_error(kRequire + "if header :mime :type :param [\"a\"] \"c\" \"x\" {}"),
            "duplicate-tag");
  EXPECT_EQ(compile_error("require \"variables\";\nif header :mime \"content-type\" \"x\" {}"),
            "missing-require");
}

}  // namespace
}  // namespace mailroom::sieve
