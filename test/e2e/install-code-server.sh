#!/usr/bin/env bash
# Installs code-server (the VS Code server, same extension host as the desktop app) into DIR,
# on a machine that reaches only the npm registry and Debian's packages.
# Used by `npm run test:integration` and `npm run test:ui`, which cannot download VS Code.
# Usage: test/e2e/install-code-server.sh [DIR]   (default .vscode-test/code-server; idempotent;
#        ~1-2 min the first time, ~300 MB)
set -euo pipefail
dir=${1:-.vscode-test/code-server}
version=${CODE_SERVER_VERSION:-4.100.3}   # VS Code 1.100.3; later releases need Node 24

if [ -x "$dir/node_modules/.bin/code-server" ]; then
  echo "code-server already in $dir"; exit 0
fi

# System packages: Chromium to drive the workbench, Kerberos headers for a native module,
# ripgrep to stand in for the prebuilt binary that the install would download.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${missing[*]} (install them with apt-get as root)" >&2; exit 1
  fi
  # Update first: a fresh image has no package lists, and stale ones 404.
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# @vscode/ripgrep downloads rg from GitHub in postinstall; it first looks in a cache folder
# under the temp dir, so put Debian's rg there as the asset it expects.
tmp=${TMPDIR:-/tmp}
stage=$(mktemp -d); cp "$(command -v rg)" "$stage/rg"
for v in 1.15.9 1.15.10 1.15.11 1.15.12 1.15.13 1.15.14; do
  mkdir -p "$tmp/vscode-ripgrep-cache-$v"
  for tag in v13.0.0-10 v13.0.0-4; do
    tar -czf "$tmp/vscode-ripgrep-cache-$v/ripgrep-$tag-x86_64-unknown-linux-musl.tar.gz" -C "$stage" rg
  done
done
rm -rf "$stage"

mkdir -p "$dir"
# unsafe-perm: postinstall scripts run as root; nodedir: build native modules against
# the installed Node headers instead of downloading them.
env -u npm_config_prefix -u npm_config_global -u npm_command -u npm_lifecycle_event npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=${npm_config_nodedir:-/usr} \
  npm install --prefix "$dir" --no-audit --no-fund --no-save "code-server@$version" >"$dir/install.log" 2>&1 \
  || { tail -20 "$dir/install.log" >&2; echo "code-server install failed (log: $dir/install.log)" >&2; exit 1; }
echo "code-server $version installed in $dir"
