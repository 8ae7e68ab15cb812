#!/usr/bin/env bash
# Every tracked C++ file must match the repo's .clang-format.
set -u
root="$1"
cd "$root" || exit 2
if ! command -v clang-format >/dev/null; then echo "clang-format not installed"; exit 1; fi
files=$(git ls-files '*.cpp' '*.hpp' '*.h' 2>/dev/null)
[ -z "$files" ] && files=$(find sim tests bench viz -name '*.cpp' -o -name '*.hpp' 2>/dev/null)
bad=""
for f in $files; do
  [ -f "$f" ] || continue
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
  echo "not clang-formatted (run: clang-format -i FILE):"
  for f in $bad; do echo "  $f"; done
  exit 1
fi
echo "clang-format: all files clean"
