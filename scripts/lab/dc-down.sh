#!/bin/bash
# dc-down.sh - stop the lab DC started by dc-up.sh. Needs root.
#
#   LAB=/var/tmp/pwguard-lab scripts/lab/dc-down.sh
#   PURGE=1 scripts/lab/dc-down.sh     # also remove the network namespace and all of $LAB
#
# Signals only the pid recorded in $LAB/dc.pid and that process's descendants, and only while each
# of them is inside the lab's network namespace ($LAB/netns), so a recycled pid can never hit an
# unrelated process; never anything by name. SIGTERM first, SIGKILL after 10 s.
# Processes left in the lab namespace that are not descendants (e.g. something a check password
# script detached) are listed, not killed.
set -uo pipefail
LAB=${LAB:-/var/tmp/pwguard-lab}
now_us() { echo "${EPOCHREALTIME/./}"; }
secs() { local d=$(( $(now_us) - $1 )); printf '%d.%03d' $((d / 1000000)) $(((d / 1000) % 1000)); }
T0=$(now_us)

[ "$(id -u)" = 0 ] || { echo "dc-down: must run as root" >&2; exit 1; }
LABNS_INO=$(stat -L -c %i "$LAB/netns" 2>/dev/null || true)

# in_lab PID: the process exists and lives in the lab's network namespace
in_lab() {
    [ -n "$LABNS_INO" ] && [ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$LABNS_INO" ]
}
# ppid_of PID (from /proc/PID/stat; comm may hold spaces and parentheses)
ppid_of() {
    local s
    read -r s 2>/dev/null < "/proc/$1/stat" || return 1
    s=${s##*) }
    set -- $s
    echo "$2"
}
# descendants PID: all descendants (one pass over /proc builds the parent map)
descendants() {
    local -A kids=()
    local p pp
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        pp=$(ppid_of "$p") || continue
        kids[$pp]+=" $p"
    done
    local queue=("$1") out=() cur
    while [ ${#queue[@]} -gt 0 ]; do
        cur=${queue[0]}; queue=("${queue[@]:1}")
        for p in ${kids[$cur]:-}; do out+=("$p"); queue+=("$p"); done
    done
    echo "${out[@]:-}"
}
# leftovers: every live (non-zombie) process in the lab netns
leftovers() {
    local p st
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        in_lab "$p" || continue
        read -r st 2>/dev/null < "/proc/$p/stat" || continue
        st=${st##*) }
        [ "${st%% *}" = Z ] || echo "$p"
    done
}
cmdline() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | cut -c1-100; }

STOPPED=""
if [ -f "$LAB/dc.pid" ]; then
    PID=$(tr -dc 0-9 < "$LAB/dc.pid")
    if [ -n "$PID" ] && in_lab "$PID"; then
        PIDS="$PID $(descendants "$PID")"
        # samba's master, as its process group leader, passes SIGTERM on to the whole group
        kill -TERM "$PID" 2>/dev/null || true
        for _ in $(seq 1 100); do
            # children forked after the first look (a DC still starting up) are included as well
            in_lab "$PID" && PIDS=$(printf '%s\n' $PIDS $(descendants "$PID") | sort -un)
            alive=0
            for p in $PIDS; do in_lab "$p" && alive=1 && break; done
            [ $alive = 0 ] && break
            sleep 0.1
        done
        for p in $PIDS; do
            if in_lab "$p"; then
                echo "dc-down: pid $p ($(cmdline "$p")) still alive after 10 s: SIGKILL" >&2
                kill -KILL "$p" 2>/dev/null || true
            fi
        done
        n=$(echo $PIDS | wc -w)
        STOPPED="stopped samba pid $PID (+$((n - 1)) descendants)"
    else
        STOPPED="samba pid ${PID:-?} was not running"
    fi
    rm -f "$LAB/dc.pid"
else
    STOPPED="no $LAB/dc.pid, nothing to stop"
fi

# samba's children also leave by themselves when the master is gone: give them a moment
for _ in $(seq 1 20); do
    LEFT=$(leftovers | tr '\n' ' ')
    [ -z "${LEFT// /}" ] && break
    sleep 0.1
done
if [ -n "${LEFT// /}" ]; then
    echo "dc-down: warning: processes still in the lab network namespace (not signalled):" >&2
    for p in $LEFT; do echo "  $p $(cmdline "$p")" >&2; done
fi

if [ "${PURGE:-0}" = 1 ]; then
    if [ -n "${LEFT// /}" ]; then
        echo "dc-down: PURGE skipped while processes remain in the lab namespace" >&2
    else
        umount "$LAB/netns" 2>/dev/null || true
        case $LAB in /|"") echo "dc-down: refusing to remove LAB='$LAB'" >&2; exit 1 ;; esac
        rm -rf -- "$LAB"
        STOPPED="$STOPPED; removed $LAB"
    fi
fi
echo "dc-down: $STOPPED in $(secs "$T0") s"
