#!/usr/bin/env bash
# Idempotent setup, run before `npm test` and `npm run quickstart`.
# Must work on a fresh Debian 12 clone, and cost well under a second when
# nothing is missing, so every step is guarded by a cheap staleness check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

did=()
log() { echo "setup: $*" >&2; }
# `npm test` asks for what only the tests need: --with-browser --with-slurm.
with_browser=false
with_slurm=false
for arg in "$@"; do
  case $arg in
    --with-browser) with_browser=true ;;
    --with-slurm) with_slurm=true ;;
  esac
done

# --- 1. npm packages --------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install, so a lockfile
# newer than it means a pull changed dependencies.
if [[ ! -f node_modules/.package-lock.json ]] ||
   [[ -f package-lock.json && package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm packages..."
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error
  else npm install --no-audit --no-fund --loglevel=error; fi
  did+=(npm)
fi

# --- 2. build dist/tx.js ----------------------------------------------------
# bin/tx.js would rebuild on demand anyway; doing it here surfaces build
# errors during setup instead of on first CLI use. Skipped until the CLI entry
# exists so setup never fails on a partial tree.
if [[ -f src/cli/main.ts ]]; then
  if node scripts/build.mjs --if-stale; then :; else log "build failed"; exit 1; fi
fi

# --- 3. a WebGPU adapter ----------------------------------------------------
# Dawn (npm `webgpu`) needs a Vulkan driver on Linux. Without a GPU that is
# Mesa's lavapipe (CPU). Debian 12's Mesa 22.3 is too old for Dawn, Mesa 25
# from bookworm-backports works, so that is what we install.
install_lavapipe() {
  # Already have Mesa >= 24 (e.g. the probe fails for another reason):
  # reinstalling would not help, and would cost an apt-get update every run.
  local have
  have=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  if [[ ${have%%.*} =~ ^[0-9]+$ ]] && ((${have%%.*} >= 24)); then
    log "mesa-vulkan-drivers $have is installed but gives no adapter"
    return 1
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { log "need root or sudo to install Vulkan drivers"; return 1; }
    sudo=(sudo)
  fi
  [[ -f /etc/os-release ]] && . /etc/os-release
  if [[ ${ID:-} != debian || ${VERSION_CODENAME:-} != bookworm ]]; then
    log "not Debian 12: install a Vulkan driver yourself (Mesa >= 24 lavapipe, i.e. mesa-vulkan-drivers)"
    return 1
  fi
  if ! grep -qsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
    # Reuse the mirror the machine already uses for bookworm, in the same
    # deb822 style as Debian 12's default debian.sources.
    local uri
    uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/debian.sources | grep -v security | head -n1 | awk '{print $2}' || true)
    [[ -n $uri ]] || uri=http://deb.debian.org/debian
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" |
      "${sudo[@]}" tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null || return 1
    log "added bookworm-backports ($uri) to apt sources"
  fi
  # Explicit `|| return`: errexit is off inside a function called with `||`.
  local t0=$SECONDS
  log "installing Mesa lavapipe (software Vulkan) from bookworm-backports..."
  "${sudo[@]}" apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq -o=Dpkg::Use-Pty=0 \
    -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null || return 1
  log "Vulkan drivers installed in $((SECONDS - t0))s"
}

if probe=$(node scripts/probe-webgpu.mjs 2>/dev/null); then
  adapter=$probe
else
  install_lavapipe || log "no Vulkan driver was installed (see above)"
  did+=(vulkan)
  # 2>&1: on failure the Vulkan loader's stderr says why; on success Dawn
  # prints harmless limit warnings there, so keep only the adapter line.
  if probe=$(node scripts/probe-webgpu.mjs 2>&1); then
    adapter=$(grep -m1 '^webgpu adapter' <<<"$probe" || echo "$probe")
  else
    log "WARNING: still no WebGPU adapter; GPU tests will fail."
    log "  Probe said: ${probe//$'\n'/ | }"
    log "  Fix: install a Vulkan driver (Debian 12: 'apt-get install -t bookworm-backports"
    log "  mesa-vulkan-drivers libvulkan1' with bookworm-backports enabled), then"
    log "  check with 'node scripts/probe-webgpu.mjs'."
    adapter="none"
  fi
fi

# --- 4. a browser, for the tests ------------------------------------------
# `npm test` passes --with-browser: the playground's end-to-end test drives
# Debian's Chromium (never a downloaded browser build), and fails without it.
if $with_browser && [[ ! -x /usr/bin/chromium ]]; then
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  log "installing chromium for the playground's browser test..."
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq -o=Dpkg::Use-Pty=0 chromium >/dev/null
  did+=(chromium)
fi

# --- 5. a one-node SLURM, for the job-array test -----------------------------
# test/cli/study-slurm.test.ts submits a study to it. As root (CI) this
# installs Debian's SLURM, munge and MariaDB packages once (about 21 s) and
# starts the daemons (5 to 9 s); with them running it costs milliseconds.
# Elsewhere, or with TXC_NO_SLURM=1, that test skips and says why.
if $with_slurm && [[ -z ${TXC_NO_SLURM:-} ]]; then
  if bash scripts/local-slurm.sh up; then adapter+="; slurm up"; else
    log "no local SLURM: test/cli/study-slurm.test.ts will skip (see above)"
    adapter+="; no slurm"
  fi
fi

if ((${#did[@]})); then log "done (${did[*]}); $adapter"; else log "ok; $adapter"; fi
