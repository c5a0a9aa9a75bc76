#!/usr/bin/env bash
# Lays out a release exactly as the container image holds it: package.json, the compiled dist/ with its
# assets, and the production dependencies only; no sources, no tests, no dev dependencies, no .well-known/
# (the association files are made from the settings at start). The Dockerfile runs this script, and
# test/release/layout.test.ts runs it and starts the result, so what the image runs is what CI tested.
#
#   scripts/release/layout.sh DEST        (from a checkout with dev dependencies installed)
#
# Needs node, npm and the checkout's node_modules (dev dependencies included: tsc builds dist/); no network.
set -euo pipefail
dest=${1:?usage: scripts/release/layout.sh DEST}
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "layout: $dest exists and is not empty" >&2
  exit 1
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
cd "$src"

# 1. The build, straight into the layout (the checkout's own dist/ is left alone).
npx tsc -p tsconfig.build.json --outDir "$dest/dist"
node scripts/build/copy-assets.mjs "$dest/dist" >/dev/null

# 2. What npm needs to run it, and the production dependencies (npm ci --omit=dev, from node_modules).
cp package.json package-lock.json "$dest/"
node scripts/release/production-modules.mjs "$src" "$dest" >/dev/null
# npm's own check that the tree is complete for production (exits non-zero on a missing package).
(cd "$dest" && npm ls --omit=dev --all --offline >/dev/null)

# 3. Read-only for whoever runs it: files 644, folders 755, owned by whoever laid it out (root in the image).
chmod -R u=rwX,go=rX "$dest"
echo "layout: release in $dest ($(du -sh "$dest" | cut -f1)); start it with: node dist/server/main.js"
