#!/usr/bin/env bash
# Writes a tar of a minimal busybox root filesystem (Debian's busybox-static) to stdout or to $1.
# Used by the demo, the tests and the benchmarks as the base image (`wharf import`).
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,etc,tmp,root,proc,sys,dev,var,home}
chmod 1777 "$dir/tmp"
cp /bin/busybox "$dir/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
printf 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n' >"$dir/etc/group"
if [ $# -gt 0 ]; then tar -C "$dir" --numeric-owner -cf "$1" .; else tar -C "$dir" --numeric-owner -c .; fi
