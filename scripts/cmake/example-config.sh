#!/usr/bin/env bash
# Writes the commented example configuration (installed as
# share/doc/mailroom/mailroom.toml.example) from the binary itself, so it
# cannot drift from the code: every key `mailroom config check` prints, with
# its default value, commented out, under the help line `mailroom config
# --help` gives for it.
#   example-config.sh MAILROOM_BINARY OUTPUT
set -euo pipefail
bin=$1
out=$2
tmp="$out.tmp"
trap 'rm -f "$tmp" "$tmp.help" "$tmp.defaults"' EXIT
"$bin" config --help >"$tmp.help"
"$bin" config check -c /dev/null >"$tmp.defaults"
version=$("$bin" --version)
{
  cat <<HEADER
# mailroom.toml: an example configuration ($version).
#
# Copy it to /etc/mailroom/mailroom.toml and uncomment what you change.
# Every key is shown with its default value; a file that sets nothing (or
# no file at all) means these defaults. \`mailroom config check\` prints the
# effective configuration or names the line that is wrong; mailroom.toml(5)
# explains each key.
HEADER
  awk '
    FNR == NR {  # config --help: "  section.key   help text" after "Keys:"
      if ($0 == "Keys:") { keys = 1; next }
      if (keys && $0 ~ /^  [a-z_0-9]+\.[a-z_0-9]+ /) {
        name = $1
        text = $0
        sub(/^  [^ ]+ +/, "", text)
        help[name] = text
      }
      next
    }
    /^#/ || /^$/ { next }
    /^\[/ { section = substr($0, 2, length($0) - 2); print ""; print; first = 1; next }
    {
      key = $1
      if (!first) print ""
      first = 0
      if (!((section "." key) in help)) {
        print "example-config: no help for " section "." key > "/dev/stderr"
        exit 1
      }
      print "# " help[section "." key]
      print "# " $0
    }
  ' "$tmp.help" "$tmp.defaults"
} >"$tmp"
mv "$tmp" "$out"
