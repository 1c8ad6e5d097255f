#!/bin/sh
# Installs the Debian packages shomei builds and tests with, when any is missing.
# Called by `make demo`, `make check` and `.ci/run`; safe to run again: it does
# nothing when everything is already there.
set -eu

# Build: compiler, make, pkg-config and the libraries found through pkg-config
# (libssl-dev for libcrypto's SHA-256, see common/internal/sha256.h).
# QR codes: libqrencode draws them, libpng writes and reads PNG, libjpeg reads
# JPEG photos, libzbar decodes the QR code found in an image.
# Tests: cmocka, clang and its runtime libraries (libFuzzer and the sanitizers'
# archives are in libclang-rt-14-dev, which clang only recommends), python3 (the HTTP server the ledger
# mirror tests start on 127.0.0.1), python3-pil (scales, rotates and re-saves QR
# images as JPEG for the scanning tests), python3-cryptography (checks the record
# vectors with a second implementation of Ed25519).
PACKAGES="build-essential pkg-config libsodium-dev libjansson-dev
libcurl4-openssl-dev libqrencode-dev libpng-dev libjpeg-dev libzbar-dev
libcmocka-dev libssl-dev clang libclang-rt-14-dev python3 python3-pil python3-cryptography"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "shomei: installing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
