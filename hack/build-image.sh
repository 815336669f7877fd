#!/usr/bin/env bash
# Builds the container image without a Docker engine or registry, then proves it:
#   1. hack/image-base.sh: the runtime base (Debian bookworm + the Dockerfile's runtime RUN), cached;
#   2. ./mvnw -Pimage package: jib-maven-plugin writes target/testvm-operator-image.tar on that base;
#   3. the image's Entrypoint, User, WorkingDir and ExposedPorts, and the files under its
#      WorkingDir, must equal what the Dockerfile's runtime stage declares and copies;
#   4. the layers are unpacked into target/image-rootfs and, mounted read-only with a tmpfs /tmp as
#      deploy/deployment.yaml runs it, the image's entrypoint is started in a chroot as the image's
#      user: `java -version`, then the operator itself against a local kube-apiserver and our vCenter
#      simulator (hack/run-local.sh --operator-launcher): a sample TestVM must become Ready and
#      /q/health/live and /q/health/ready must answer 200.
# Needs root (debootstrap, chroot, mount), debootstrap and python3. Option: --skip-run (steps 1-3 only).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

run=true
case "${1:-}" in
  --skip-run) run=false ;;
  "") ;;
  *) echo "usage: hack/build-image.sh [--skip-run]" >&2; exit 2 ;;
esac

image=target/testvm-operator-image.tar
rootfs=$(pwd)/target/image-rootfs
launcher=$(pwd)/target/image-run/operator-in-image.sh
log() { echo "[build-image] $*" >&2; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

mounted_below() { awk -v root="$rootfs" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/mounts; }
unmount_rootfs() {
  if [ -n "$(mounted_below)" ]; then umount -R "$rootfs"; fi
}
trap unmount_rootfs EXIT

start=$(date +%s)
base=$(hack/image-base.sh)
base_seconds=$(seconds_since "$start")

step=$(date +%s)
./mvnw -B -q -Pimage package -DskipTests "-DimageBase=tar://$base"
jib_seconds=$(seconds_since "$step")
[ -f "$image" ] || { log "$image was not written"; exit 1; }

log "comparing $image with the Dockerfile's runtime stage"
python3 hack/dockerfile_image.py compare Dockerfile "$image" target/quarkus-app \
  || { log "the image and the Dockerfile differ: change them together"; exit 1; }
config=$(tar -xOf "$image" "$(tar -xOf "$image" manifest.json | jq -r '.[0].Config')")
log "image $image: $(du -h "$image" | cut -f1) ($(tar -xOf "$image" manifest.json | jq '.[0].Layers | length') gzipped layers)"

if ! $run; then
  log "done in $(seconds_since "$start")s (base ${base_seconds}s, jib ${jib_seconds}s); --skip-run: not started"
  exit 0
fi

step=$(date +%s)
unmount_rootfs
if [ -n "$(mounted_below)" ]; then log "still mounted below $rootfs: $(mounted_below)"; exit 1; fi
rm -rf --one-file-system "$rootfs"
mkdir -p "$rootfs"
for layer in $(tar -xOf "$image" manifest.json | jq -r '.[0].Layers[]'); do
  tar -xOf "$image" "$layer" | tar -xz --numeric-owner --warning=no-unknown-keyword -C "$rootfs"
done
log "unpacked into $rootfs: $(du -sh "$rootfs" | cut -f1)"

# What a container runtime provides: /proc, /dev, /etc/hosts; deploy/deployment.yaml adds a
# read-only root and an emptyDir on /tmp.
touch "$rootfs/etc/hosts"
mount --bind "$rootfs" "$rootfs"
mount -o remount,bind,ro "$rootfs"
mount -t proc proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"
mount -t tmpfs -o mode=1777 tmpfs "$rootfs/tmp"
mount --bind /etc/hosts "$rootfs/etc/hosts"

user=$(jq -r '.config.User' <<<"$config")
[[ "$user" == *:* ]] || user="$user:0"
workdir=$(jq -r '.config.WorkingDir' <<<"$config")
mapfile -t image_env < <(jq -r '.config.Env[]' <<<"$config")
mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' <<<"$config")
in_image() { chroot --userspec="$user" "$rootfs" /usr/bin/env -i -C "$workdir" "${image_env[@]}" "$@"; }

uid=$(in_image id -u)
[ "$uid" = "${user%%:*}" ] || { log "expected to run as uid ${user%%:*}, got $uid"; exit 1; }
# Even root must not be able to write: the operator has to live with a read-only root file system.
if chroot "$rootfs" /usr/bin/touch /.write-test 2>/dev/null; then log "the root file system is writable; expected read-only"; exit 1; fi
log "in the image as uid $uid: $(in_image "${entrypoint[0]}" -version 2>&1 | head -1)"
# vCenter TLS without a pinned CA or thumbprint relies on the JRE's truststore (ca-certificates-java).
cas=$(in_image keytool -list -cacerts -storepass changeit 2>/dev/null | grep -c trustedCertEntry || true)
[ "$cas" -gt 100 ] || { log "the JRE truststore in the image has $cas CA certificates; expected Debian's bundle"; exit 1; }
log "JRE truststore in the image: $cas CA certificates"

# The launcher run-local.sh starts instead of the jar: the image's entrypoint as the image's user,
# with the image's Env plus the QUARKUS_*/TESTVM_* settings run-local passes (as a Deployment would).
mkdir -p "$(dirname "$launcher")"
{
  echo '#!/usr/bin/env bash'
  echo '# Written by hack/build-image.sh: starts the operator from the unpacked image.'
  echo 'set -euo pipefail'
  printf 'env_args=(%s)\n' "$(printf '%q ' "${image_env[@]}")"
  echo 'while IFS= read -r name; do case "$name" in QUARKUS_*|TESTVM_*) env_args+=("$name=${!name}") ;; esac; done < <(compgen -e)'
  printf 'exec chroot --userspec=%q %q /usr/bin/env -i -C %q "${env_args[@]}" %s\n' \
    "$user" "$rootfs" "$workdir" "$(printf '%q ' "${entrypoint[@]}")"
} >"$launcher"
chmod +x "$launcher"

log "running the operator from the image against a local kube-apiserver and the vCenter simulator"
# The time limit keeps a stuck run from holding CI; TERM lets run-local stop its servers.
if ! timeout --kill-after=30s 15m hack/run-local.sh --exit-when-ready --operator-launcher "$launcher"; then
  log "the operator from the image did not get a TestVM Ready; its log (target/local-run/operator.log):"
  tail -40 target/local-run/operator.log >&2 || true
  exit 1
fi
grep -q 'started in' target/local-run/operator.log || { log "no Quarkus start line in the operator log"; exit 1; }
log "operator from the image: $(grep -m1 'started in' target/local-run/operator.log | sed 's/.*INFO  *//')"
run_seconds=$(seconds_since "$step")
unmount_rootfs
log "done in $(seconds_since "$start")s: base ${base_seconds}s, jib ${jib_seconds}s, unpack + run ${run_seconds}s"
