#!/usr/bin/env bash
# Fails when the committed protobuf-es code of a project differs from what `buf generate`
# writes now: regenerates into a temporary folder and compares, touching nothing in place.
# Usage: tools/check-proto-generated.sh <project-dir>   (the folder holding buf.gen.yaml)
set -euo pipefail
project=${1:?usage: $0 <project-dir>}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$root/$project"
PATH="$root/node_modules/.bin:$PATH" buf generate --output "$out"
if ! diff -r "$out/src/generated" src/generated >"$out.diff" 2>&1; then
  echo "Generated protobuf code in $project/src/generated is stale. Run: npx nx run $(basename "$project"):generate-proto" >&2
  head -40 "$out.diff" >&2
  rm -f "$out.diff"
  exit 1
fi
rm -f "$out.diff"
echo "Generated protobuf code in $project is up to date."
