#!/usr/bin/env bash
# Print the cover letter's own text (subject line, blank line, body) from a
# 0000-cover-letter.patch written by git format-patch: the part a person
# wrote, without the generated shortlog and diffstat. make tree stores it
# as the branch description; make export writes it back.
set -euo pipefail
awk '
	!hdr && /^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; next }
	!hdr && /^ / && subj != "" { sub(/^ /, ""); subj = subj " " $0; next }
	!hdr && /^$/ { hdr = 1; print subj; print ""; next }
	hdr && /^[^ ].* \([0-9]+\):$/ { exit }
	hdr { body = body $0 "\n" }
	END { sub(/\n+$/, "", body); printf "%s\n", body }
' "$1"
