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
# vega-interpreter evaluates Vega expressions without eval, so the pages' Content-Security-
# Policy needs no 'unsafe-eval'. It ships only as an ES module importing vega-util; the same
# functions are on the `vega` global, so it is wrapped as a classic script defining
# `vegaInterpreter`.
(cd "$work" && npm pack --silent vega-interpreter@2.3.2 >/dev/null)
tar -xzf "$work/vega-interpreter-2.3.2.tgz" -C "$work"
{
    echo "/* vega-interpreter 2.3.2 (BSD-3-Clause), wrapped for the vega global. */"
    echo "(function (vega) {"
    sed -e "s/^import { \(.*\) } from 'vega-util';$/const { \1 } = vega;/" \
        -e "s/^export { expression as expressionInterpreter };$/window.vegaInterpreter = { expressionInterpreter: expression };/" \
        -e '/^\/\/# sourceMappingURL/d' \
        "$work"/package/build/vega-interpreter.js
    echo "})(window.vega);"
} > "$target"/vega-interpreter.js
grep -q "^import \|^export " "$target"/vega-interpreter.js && { echo "vega-interpreter: unexpected module syntax" >&2; exit 1; }
cp "$work"/package/LICENSE "$target"/vega-interpreter.LICENSE
ls -la "$target"
