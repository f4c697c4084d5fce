# shellcheck shell=bash
# Installs, idempotently and pinned, what the fuzz targets need: a C++
# compiler (libfuzzer-sys compiles libFuzzer) and cargo-fuzz. Sourced by
# scripts/fuzz.sh; `ensure_fuzz_tools` skips whatever is already there.
# Installing cargo-fuzz takes about 1.2 minutes on 2 cores.

CARGO_FUZZ_VERSION=0.13.2

ensure_fuzz_tools() {
    export PATH="$HOME/.cargo/bin:$PATH"
    if ! command -v c++ > /dev/null 2>&1; then
        printf '[fuzztools] installing a C++ compiler (g++)\n' >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq g++ > /dev/null
    fi
    if ! cargo install --list | grep -qx "cargo-fuzz v$CARGO_FUZZ_VERSION:"; then
        printf '[fuzztools] installing cargo-fuzz %s\n' "$CARGO_FUZZ_VERSION" >&2
        nice -n 10 cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
    fi
}
