#!/usr/bin/env bash
# Fetch axe-core from the npm registry into tests/e2e/vendor/ (the accessibility tests run it
# in the browser). The release is pinned here and by checksum in
# tests/e2e/test_accessibility_e2e.py: change both together.
set -euo pipefail
VERSION="4.14.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/tests/e2e/vendor/axe-core-$VERSION"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$VERSION" >/dev/null && tar xzf "axe-core-$VERSION.tgz")
mkdir -p "$DEST"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$DEST/"
sha256sum "$DEST/axe.min.js"
