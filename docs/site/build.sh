#!/usr/bin/env bash
# Builds the API reference site (CONTRIBUTING.md, "API reference site") with docfx, a local tool pinned in
# .config/dotnet-tools.json. docfx reads the repository's articles through a folder `repo` beside docfx.json that is a
# symbolic link to the repository root; that link lives only in a temporary staging folder for the length of the build,
# never in the repository, because a link to an ancestor makes the tree endless for every tool that follows links
# (BenchmarkDotNet's project search found nested copies of AutoGrad.Benchmarks.csproj through it and refused to run).
# Usage: bash docs/site/build.sh [docfx options]   e.g. --serve (http://localhost:8080), -o DIR, --warningsAsErrors;
#        the site goes to docs/site/_site unless -o is given.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/autograd-docfx-XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp "$root/docs/site/docfx.json" "$root/docs/site/index.md" "$root/docs/site/toc.yml" "$stage/"
ln -s "$root" "$stage/repo"
output=(-o "$root/docs/site/_site")
for a in "$@"; do case "$a" in -o|--output) output=();; esac; done
cd "$root"
dotnet tool restore >/dev/null
dotnet docfx "$stage/docfx.json" "${output[@]}" "$@"
