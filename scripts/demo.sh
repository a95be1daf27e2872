#!/usr/bin/env bash
# End-to-end demo: a busybox base image from Debian's busybox-static, containers that run, ps and logs.
# Uses the default daemon (/run/wharf/wharf.sock); `wharf` starts wharfd on first use when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
wharf=./bin/wharf
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "wharf import - busybox:demo   (rootfs from Debian's busybox-static)"
bash scripts/busybox-rootfs.sh | $wharf import -c 'CMD ["sh"]' - busybox:demo
say "wharf images"
$wharf images
say "wharf run --rm busybox:demo echo hello from a wharf container"
$wharf run --rm busybox:demo echo hello from a wharf container
say "wharf run -d --name demo-web busybox:demo sh -c '... echo tick \$i; sleep 1 ...'"
$wharf rm -f demo-web >/dev/null 2>&1 || true
$wharf run -d --name demo-web busybox:demo sh -c 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 1; done'
sleep 2
say "wharf ps"
$wharf ps
say "wharf logs demo-web"
$wharf logs demo-web
say "echo piped | wharf run -i --rm busybox:demo tr a-z A-Z"
echo "piped through a container" | $wharf run -i --rm busybox:demo tr a-z A-Z
say "wharf run --rm busybox:demo sh -c 'exit 3'; echo \$?"
set +e; $wharf run --rm busybox:demo sh -c 'exit 3'; echo "exit code: $?"; set -e
say "wharf run -d -p 18080:80 --name demo-http busybox:demo httpd -f -p 80 -h /etc   (a published port)"
$wharf rm -f demo-http >/dev/null 2>&1 || true
$wharf run -d -p 18080:80 --name demo-http busybox:demo httpd -f -p 80 -h /etc
say "wharf port demo-http; busybox wget -qO- http://127.0.0.1:18080/hostname"
$wharf port demo-http
for _ in 1 2 3 4 5 6 7 8 9 10; do busybox wget -qO- http://127.0.0.1:18080/hostname && break; sleep 0.3; done
say "wharf rm -f demo-web demo-http"
$wharf rm -f demo-web demo-http
