#!/usr/bin/env bash
# Refresh the vendored, pinned front-end libraries from the npm registry. The files are
# committed, so running the app needs no npm and no build step.
set -euo pipefail
cd "$(dirname "$0")/.."
target=src/alliance/clinic/static/clinic/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in vega@6.4.0 vega-lite@6.5.0 vega-embed@7.3.0; do
    name=${package%@*}
    version=${package#*@}
    (cd "$work" && npm pack --silent "$package" >/dev/null)
    tar -xzf "$work/$name-$version.tgz" -C "$work"
    cp "$work"/package/build/"$name".min.js "$target"/"$name".min.js 2>/dev/null \
        || cp "$work"/package/build/"$name".js "$target"/"$name".min.js
    cp "$work"/package/LICENSE "$target"/"$name".LICENSE
    rm -rf "$work"/package
done
ls -la "$target"
