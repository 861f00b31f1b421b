# Sourced by the other scripts: puts a Node >= 22 first on PATH.
# The machine's Node may be older (Debian ships 20); then we install Node 22 from
# the npm registry into .tools/ (kept out of git) rather than touching the system.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$ROOT/.tools/node_modules/node/bin/node" ]; then
  export PATH="$ROOT/.tools/node_modules/node/bin:$PATH"
elif ! command -v node >/dev/null || [ "$(node_major node)" -lt 22 ]; then
  echo "populace: installing Node 22 into .tools/ (system Node is $(node --version 2>/dev/null || echo missing))" >&2
  mkdir -p "$ROOT/.tools"
  # allowScripts: the node package's preinstall fetches the platform binary package.
  printf '{"private":true,"allowScripts":{"node":true}}\n' > "$ROOT/.tools/package.json"
  npm install --prefix "$ROOT/.tools" --no-save --loglevel=error node@22 >&2
  export PATH="$ROOT/.tools/node_modules/node/bin:$PATH"
fi
if [ "$(node_major node)" -lt 22 ]; then
  echo "populace: Node >= 22 is required, found $(node --version)" >&2
  exit 1
fi
