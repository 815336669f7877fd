#!/usr/bin/env bash
# Builds the container image's runtime base without a Docker engine or registry and prints the path
# of the result: a docker-archive tarball that jib-maven-plugin takes as `tar://` base image.
#
# The base is what the Dockerfile's runtime stage starts from: a minimal Debian bookworm
# (debootstrap --variant=minbase, slimmed like the debian:bookworm-slim image: no docs, man pages
# or locales) on which the runtime stage's RUN instruction is executed verbatim in a chroot.
# Needs root and debootstrap. Cached in ~/.cache/testvm-operator/ under a hash of this script, the
# Dockerfile's RUN and the mirror; a warm call only prints the path. Concurrent calls wait for each
# other (flock) and the tarball appears atomically (rename), so an interrupted build leaves nothing
# that looks finished.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

suite=bookworm
cache_dir="${TESTVM_CACHE_DIR:-$HOME/.cache/testvm-operator}"

# The machine's Debian mirror (deb822 or one-line sources), deb.debian.org when none is configured.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | sed -n -E 's|^URIs:[[:space:]]*(\S+/debian)/?$|\1|p; s|^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?(\S+/debian)/?[[:space:]]+'"$suite"'[[:space:]].*|\2|p' | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
security_mirror=${mirror%/debian}/debian-security

run_instruction=$(python3 hack/dockerfile_image.py runtime-run Dockerfile)
key=$( { cat "${BASH_SOURCE[0]}"; echo "$run_instruction"; echo "$mirror"; } | sha256sum | cut -c1-16)
result="$cache_dir/image-base-$suite-$key.tar"

mkdir -p "$cache_dir"
exec 9>"$cache_dir/image-base.lock"
flock 9
if [ -f "$result" ]; then
  echo "$result"
  exit 0
fi

for tool in debootstrap chroot mount flock gzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "image-base: $tool is missing (apt-get install debootstrap)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "image-base: debootstrap and chroot need root" >&2; exit 1; }

work=$(mktemp -d "$cache_dir/image-base.XXXXXX")
rootfs="$work/rootfs"
cleanup() {
  status=$?
  if mountpoint -q "$rootfs/proc" 2>/dev/null; then umount "$rootfs/proc"; fi
  if [ "$status" != 0 ]; then
    cat "$work"/*.log >"$cache_dir/image-base-failed.log" 2>/dev/null || true
    echo "[image-base] failed; logs in $cache_dir/image-base-failed.log" >&2
  fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

log() { echo "[image-base] $*" >&2; }
log "debootstrap $suite from $mirror into $rootfs"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
SOURCES
# Slim like debian:bookworm-slim: dpkg skips docs (copyright files stay), man pages and locales
# from now on, and what minbase already unpacked goes.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
SLIM
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
for dir in man groff info lintian linda locale; do
  find "$rootfs/usr/share/$dir" -mindepth 1 -not -type d -delete 2>/dev/null || true
done
# A container runtime provides these; keep the host's out of the image.
rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
: >"$rootfs/etc/hostname"

log "running the Dockerfile's runtime RUN in a chroot: $run_instruction"
mount -t proc proc "$rootfs/proc"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  /bin/sh -c "$run_instruction" >"$work/run.log" 2>&1 || { tail -30 "$work/run.log" >&2; exit 1; }
umount "$rootfs/proc"
rm -f "$rootfs/etc/resolv.conf"
# What apt, dpkg and debootstrap leave behind; /dev is empty in images (the runtime mounts it).
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/debconf/*-old \
  "$rootfs"/var/lib/dpkg/*-old "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/dev/* \
  "$rootfs"/root/.bash_history
: >"$rootfs/etc/machine-id"

log "packing the rootfs as a docker-archive"
archive="$work/archive"
mkdir "$archive"
tar -C "$rootfs" --numeric-owner --sort=name -cf "$archive/layer.tar" .
diff_id=$(sha256sum "$archive/layer.tar" | cut -d' ' -f1)
# Compressed here once: jib stores gzipped base layers as they are instead of compressing them per build.
gzip -6 "$archive/layer.tar"
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jdk=$(chroot "$rootfs" dpkg-query -W -f='${Version}' openjdk-17-jre-headless)
cat >"$archive/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"hack/image-base.sh: debootstrap --variant=minbase $suite, slimmed, then the Dockerfile runtime RUN (openjdk-17-jre-headless $jdk)"}]}
CONFIG
cat >"$archive/manifest.json" <<MANIFEST
[{"Config":"config.json","RepoTags":["testvm-operator-base:$suite-$key"],"Layers":["layer.tar.gz"]}]
MANIFEST
tar -C "$archive" -cf "$work/base.tar" manifest.json config.json layer.tar.gz
mv "$work/base.tar" "$result.partial"
mv "$result.partial" "$result"
# Older bases (another script or Dockerfile version) are dead weight.
find "$cache_dir" -maxdepth 1 -name "image-base-$suite-*.tar" ! -path "$result" -delete
log "base image $result ($(du -h "$result" | cut -f1), openjdk-17-jre-headless $jdk)"
echo "$result"
