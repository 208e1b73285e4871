# shellcheck shell=bash
# Shared helpers for scripts/test and scripts/demo. Source this file, don't run it.
#
#   tk_discover            pick the interpreters to use -> TK_PYTHONS / TK_VERSIONS
#                          (oldest and newest supported CPython found, ascending);
#                          the ones found between them -> TK_OTHER_PYTHONS / TK_OTHER_VERSIONS
#   tk_ensure_venv PY VER  create/reuse .venv/py3.X for PY and install the development
#                          set into it when pyproject.toml changed -> TK_VENV
#                          (TK_DEV_INSTALL: tempkit editable with the extras users get,
#                          plus the `dev` dependency group: test, lint and docs tools)
#
# Environment:
#   TEMPKIT_TEST_PYTHONS   space-separated interpreters (paths or command names);
#                          replaces discovery, all of them are used
#   PYENV_ROOT             where pyenv versions live (default ~/.pyenv)

TK_SUPPORTED_MINORS="10 11 12 13"
TK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What the development venvs hold: every extra and every development tool. The dev
# dependency group (PEP 735, pyproject.toml) needs pip 25.1 or newer.
TK_DEV_INSTALL=(-e '.[s3,test-s3]' --group dev)
TK_PIP_FOR_GROUPS='pip>=25.1'

# Keep pip predictable and quiet regardless of the user's pip configuration.
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_USER=0

tk_die() {
    printf 'error: %s\n' "$*" >&2
    exit 2
}

# tk_probe CMD: if CMD is a working Python, print "X.Y.Z<TAB>sys.executable".
# Also weeds out pyenv shims of versions that are not active (they exit non-zero).
tk_probe() {
    local out
    out=$("$1" -c 'import sys; print("%d.%d.%d\t%s" % (sys.version_info[:3] + (sys.executable,)))' \
        2>/dev/null </dev/null) || return 1
    case $out in
        [0-9]*.[0-9]*.[0-9]*$'\t'?*) printf '%s\n' "$out" ;;
        *) return 1 ;;
    esac
}

# tk_discover: sets TK_PYTHONS (executables) and TK_VERSIONS (X.Y.Z), ascending by version,
# and TK_FOUND (human-readable list of every supported interpreter found);
# TK_OTHER_PYTHONS / TK_OTHER_VERSIONS: those found but not tested in full (the ones
# between oldest and newest; none when TEMPKIT_TEST_PYTHONS names them).
tk_discover() {
    TK_PYTHONS=()
    TK_VERSIONS=()
    TK_FOUND=()
    TK_OTHER_PYTHONS=()
    TK_OTHER_VERSIONS=()
    local -a slot_exe=() slot_ver=()   # indexed by minor version -> iterates ascending
    local c info ver exe minor m d best_ver best_exe
    local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}

    if [ -n "${TEMPKIT_TEST_PYTHONS:-}" ]; then
        for c in $TEMPKIT_TEST_PYTHONS; do
            info=$(tk_probe "$c") || tk_die "TEMPKIT_TEST_PYTHONS: '$c' is not a working Python"
            ver=${info%%$'\t'*}
            exe=${info#*$'\t'}
            minor=${ver#3.}
            minor=${minor%%.*}
            case $ver in
                3.*) [ "$minor" -ge 10 ] || tk_die "TEMPKIT_TEST_PYTHONS: '$c' is Python $ver; tempkit needs 3.10+" ;;
                *) tk_die "TEMPKIT_TEST_PYTHONS: '$c' is Python $ver; tempkit needs 3.10+" ;;
            esac
            if [ -n "${slot_exe[minor]:-}" ]; then
                tk_die "TEMPKIT_TEST_PYTHONS: '$c' and '${slot_exe[minor]}' are both Python 3.$minor (they would share .venv/py3.$minor)"
            fi
            slot_exe[minor]=$exe
            slot_ver[minor]=$ver
        done
        for m in "${!slot_exe[@]}"; do
            TK_PYTHONS+=("${slot_exe[m]}")
            TK_VERSIONS+=("${slot_ver[m]}")
            TK_FOUND+=("${slot_ver[m]}")
        done
        return 0
    fi

    for m in $TK_SUPPORTED_MINORS; do
        best_ver=
        best_exe=
        # Candidates: everything named python3.X on PATH, then pyenv release builds (3.X.Y).
        local -a cands=()
        while IFS= read -r c; do
            [ -n "$c" ] && cands+=("$c")
        done < <(type -ap "python3.$m" 2>/dev/null || true)
        for d in "$pyenv_root"/versions/3."$m" "$pyenv_root"/versions/3."$m".*; do
            [[ ${d##*/} =~ ^3\.$m(\.[0-9]+)?$ ]] || continue
            [ -x "$d/bin/python3.$m" ] && cands+=("$d/bin/python3.$m")
        done
        for c in ${cands[@]+"${cands[@]}"}; do
            info=$(tk_probe "$c") || continue
            ver=${info%%$'\t'*}
            exe=${info#*$'\t'}
            [ "${ver%.*}" = "3.$m" ] || continue
            # Highest patch wins; on a tie the earlier candidate (PATH before pyenv) wins.
            if [ -z "$best_ver" ] || [ "${ver##*.}" -gt "${best_ver##*.}" ]; then
                best_ver=$ver
                best_exe=$exe
            fi
        done
        if [ -n "$best_ver" ]; then
            slot_exe[m]=$best_exe
            slot_ver[m]=$best_ver
            TK_FOUND+=("$best_ver")
        fi
    done

    if [ ${#slot_exe[@]} -eq 0 ]; then
        # Fallback: plain python3 (e.g. a distribution Python newer than 3.13).
        if info=$(tk_probe python3); then
            ver=${info%%$'\t'*}
            exe=${info#*$'\t'}
            minor=${ver#3.}
            minor=${minor%%.*}
            if [ "${ver%%.*}" = 3 ] && [ "$minor" -ge 10 ]; then
                slot_exe[minor]=$exe
                slot_ver[minor]=$ver
                TK_FOUND+=("$ver")
            fi
        fi
    fi
    [ ${#slot_exe[@]} -gt 0 ] || tk_die "no Python 3.10-3.13 found (looked for python3.1{0..3} on PATH," \
        "in $pyenv_root/versions/3.1X.*/bin, and python3); install one or set TEMPKIT_TEST_PYTHONS"

    # Oldest and newest (the same interpreter if only one was found).
    local -a idx=("${!slot_exe[@]}")
    local first=${idx[0]} last=${idx[${#idx[@]} - 1]}
    TK_PYTHONS+=("${slot_exe[first]}")
    TK_VERSIONS+=("${slot_ver[first]}")
    if [ "$last" != "$first" ]; then
        TK_PYTHONS+=("${slot_exe[last]}")
        TK_VERSIONS+=("${slot_ver[last]}")
    fi
    for m in "${idx[@]}"; do
        [ "$m" = "$first" ] || [ "$m" = "$last" ] && continue
        TK_OTHER_PYTHONS+=("${slot_exe[m]}")
        TK_OTHER_VERSIONS+=("${slot_ver[m]}")
    done
}

# tk_describe: "Python 3.10.13 (/path) and Python 3.13.0 (/path)"
tk_describe() {
    local i n=${#TK_PYTHONS[@]} out=
    for ((i = 0; i < n; i++)); do
        if [ "$i" -gt 0 ]; then
            if [ "$i" -eq $((n - 1)) ]; then out+=" and "; else out+=", "; fi
        fi
        out+="Python ${TK_VERSIONS[i]} (${TK_PYTHONS[i]})"
    done
    printf '%s\n' "$out"
}

tk_sha256() {  # tk_sha256 PYTHON FILE
    "$1" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$2"
}

# tk_ensure_venv PYTHON X.Y.Z: sets TK_VENV to the absolute venv path; returns non-zero on failure.
tk_ensure_venv() {
    local py=$1 ver=$2
    local venv="$TK_ROOT/.venv/py${ver%.*}"
    local stamp="$venv/.tempkit-installed"
    local want have='' info
    # shellcheck disable=SC2034  # used by the sourcing script
    TK_VENV=$venv

    # (Re)create unless the venv's python runs, is exactly the chosen version and (if we
    # installed into it before) was made from the same interpreter. This catches deleted or
    # upgraded base interpreters and venvs made from another python3.X.
    info=$(tk_probe "$venv/bin/python") || info=
    [ -f "$stamp" ] && have=$(cat "$stamp")
    if [ "${info%%$'\t'*}" != "$ver" ] || { [ -n "$have" ] && [ "${have%% pyproject-*}" != "base=$py $ver" ]; }; then
        echo "tempkit: creating ${venv#"$TK_ROOT"/} with Python $ver ($py)"
        if ! "$py" -m venv --clear "$venv"; then
            rm -rf "$venv"
            echo "error: '$py -m venv' failed. On Debian/Ubuntu install the venv module:" \
                "apt-get install python3-venv (or python${ver%.*}-venv)" >&2
            return 1
        fi
    fi

    want="base=$py $ver pyproject-sha256=$(tk_sha256 "$py" "$TK_ROOT/pyproject.toml")" || return 1
    have=
    [ -f "$stamp" ] && have=$(cat "$stamp")   # (re-read: --clear removed it)
    if [ "$have" != "$want" ]; then
        echo "tempkit: installing tempkit (editable) and the dev tools into ${venv#"$TK_ROOT"/}"
        rm -f "$stamp"
        if ! "$venv/bin/python" -m pip install -q --upgrade "$TK_PIP_FOR_GROUPS" ||
            ! (cd "$TK_ROOT" && "$venv/bin/python" -m pip install -q "${TK_DEV_INSTALL[@]}"); then
            echo "error: pip install ${TK_DEV_INSTALL[*]} failed in ${venv#"$TK_ROOT"/}" >&2
            return 1
        fi
        printf '%s\n' "$want" >"$stamp"
    fi
}
