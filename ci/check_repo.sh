#!/usr/bin/env bash
# Guards run by CI before the tests: nothing of NVIDIA's sources and no copy of ../shared data may
# be tracked (tests read that data from ../shared or $NVDLA_SHARED, never from the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${NVDLA_SHARED:-../shared}"
status=0

hits=$(git ls-files -z | xargs -0 -r grep -l -a -i -E \
  "copyright ?\(c\).*nvidia|nvdla open [s]ource project|nvidia corporation\. +all rights" -- 2>/dev/null \
  || true)
if [ -n "$hits" ]; then
  echo "ci/check_repo.sh: tracked files carry NVIDIA's license text (only our own code may be here):"
  echo "$hits"; status=1
fi

if [ -d "$shared" ]; then
  tmp=$(mktemp)
  find "$shared/" -type f -size +200c -exec sha1sum {} + 2>/dev/null | awk '{print $1}' | sort -u > "$tmp"
  copied=$(git ls-files -z | xargs -0 -r sha1sum 2>/dev/null | sort | join - "$tmp" | awk '{print $2}' || true)
  rm -f "$tmp"
  if [ -n "$copied" ]; then
    echo "ci/check_repo.sh: tracked files are copies of data in $shared (read it from there instead):"
    echo "$copied"; status=1
  fi
fi
[ $status = 0 ] && echo "ci/check_repo.sh: repository clean (no NVIDIA sources, no copies of shared data)"
exit $status
