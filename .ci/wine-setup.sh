#!/usr/bin/env bash
# Set up the Wine batch-file harness (tests/winecmd.py) on Debian 12 (bookworm), as root,
# without a display.  Idempotent: a second run only checks that everything is in place.
#
#   1. Debian packages: wine wine64 (64-bit Wine only: no i386 multiarch needed, the
#      stub and cmd.exe are 64-bit), gcc-mingw-w64-x86-64-win32 (builds the stub),
#      locales (the ja_JP source and the SHIFT_JIS charmap).
#   2. The ja_JP.SJIS locale, so Wine reads batch files in code page 932.  It is also
#      listed in /etc/locale.gen so a later locale-gen does not drop it.
#   3. The Wine prefix ($SOGEN_WINEPREFIX or ~/.cache/sogen-wine/prefix), the stub
#      build, and a smoke test (python3 tests/winecmd.py --setup).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
LOCALE_NAME=ja_JP.SJIS

log() { printf '[wine-setup] %s\n' "$*"; }

have_locale() {
    locale -a 2>/dev/null | tr 'A-Z' 'a-z' | grep -qx 'ja_jp\.sjis'
}

need_packages() {
    command -v wine >/dev/null 2>&1 || return 0
    command -v wineserver >/dev/null 2>&1 || return 0
    command -v wineboot >/dev/null 2>&1 || return 0
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || return 0
    [ -e /usr/share/i18n/charmaps/SHIFT_JIS.gz ] || [ -e /usr/share/i18n/charmaps/SHIFT_JIS ] || return 0
    [ -e /usr/share/i18n/locales/ja_JP ] || return 0
    return 1
}

if [ "$(id -u)" -ne 0 ] && need_packages; then
    echo "wine-setup: packages missing and not root; run as root" >&2
    exit 1
fi

# 1. packages ------------------------------------------------------------------------
if need_packages; then
    log "installing wine, mingw-w64 and locales"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends \
        wine wine64 gcc-mingw-w64-x86-64-win32 locales
else
    log "packages already installed"
fi

# 2. locale ----------------------------------------------------------------------------
if [ -w /etc/locale.gen ] || [ ! -e /etc/locale.gen ]; then
    if ! grep -qE '^[[:space:]]*ja_JP\.SJIS[[:space:]]+SHIFT_JIS' /etc/locale.gen 2>/dev/null; then
        echo 'ja_JP.SJIS SHIFT_JIS' >> /etc/locale.gen
    fi
fi
if ! have_locale; then
    log "generating locale $LOCALE_NAME"
    # localedef exits 1 with a warning ("SHIFT_JIS is not ASCII compatible") even
    # though the locale is built; judge by `locale -a` instead.
    localedef -i ja_JP -c -f SHIFT_JIS "$LOCALE_NAME" 2>&1 | grep -v 'not ASCII compatible' || true
fi
if ! have_locale; then
    echo "wine-setup: locale $LOCALE_NAME could not be generated" >&2
    exit 1
fi
log "locale $LOCALE_NAME present"

# 3. Wine prefix, stub, smoke test ---------------------------------------------------------
log "preparing the Wine prefix (first time: about 10-20 s)"
PYTHON="${PYTHON:-$(command -v python3 || command -v python)}"
"$PYTHON" "$repo/tests/winecmd.py" --setup
