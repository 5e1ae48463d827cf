# Sourced by the build, test and bench scripts (with ROOT set to the clone): picks the
# cargo target directory unless CARGO_TARGET_DIR is already set.
#
# It lives outside the clone, so a kept machine reuses it, and there is one per clone
# path: cargo treats a moved or re-cloned workspace as unchanged, so a directory shared
# by two paths keeps the other clone's paths compiled into the tests
# (env!("CARGO_MANIFEST_DIR"), CARGO_BIN_EXE_*) and they fail.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  CARGO_TARGET_DIR="$HOME/.cache/trellis/target-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
fi
export CARGO_TARGET_DIR
