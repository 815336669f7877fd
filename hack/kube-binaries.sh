#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kubectl from Go module sources and installs them
# where io.fabric8:kube-api-test looks for local binaries:
#
#   ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/<major.minor.patch>-<os>-<arch>/{etcd,kube-apiserver,kubectl}
#
# kube-api-test 7.5.2 lists that k8s/ directory, keeps entries ending in "-linux-amd64",
# and sorts the rest with Integer.parseInt on each dot-separated part, so the directory
# must be named e.g. "1.34.4-linux-amd64" (no leading "v"), and no other entry there may
# end in the platform suffix unless it parses as a version too.
#
# The versions are pinned by the wrapper modules in hack/kube-binaries/*/go.mod
# (with go.sum committed), so a build only needs Go and a Go module proxy.
#
# Order: installed binaries that report the pinned versions are used as they are; else the
# envtest release archive kube-api-test would download is fetched (connect timeout 5 s, so it
# fails within seconds where there is no internet); else all three are built from source
# (about 8 minutes on 2 cores with the Go modules cached, once).
#
# Usage: hack/kube-binaries.sh [--force] [--smoke-test] [--help]
#   (no option)   build and install unless working binaries are already installed
#   --force       rebuild and reinstall even if the installed binaries work
#   --smoke-test  afterwards, start etcd + kube-apiserver on random loopback ports with the
#                 flags kube-api-test 7.5.2 passes, run `kubectl get ns default`, stop them
#                 (needs openssl)
#
# Environment: KUBE_API_TEST_DIR (install root, as for kube-api-test), GO (go binary),
#   plus the usual Go settings (GOPROXY, GOFLAGS, GOCACHE, GOMODCACHE).
#   KUBE_BINARIES_DOWNLOAD=false skips the download; KUBE_BINARIES_DOWNLOAD_URL replaces its URL
#   (a mirror of the envtest archive); KUBE_BINARIES_CONNECT_TIMEOUT (seconds, default 5).
#   KUBE_VERSION may be set, but only to the pinned version: to change the version, edit
#   the wrapper modules (see hack/kube-binaries/README.md).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mod_root="$script_dir/kube-binaries"

force=false
run_smoke=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    --smoke-test) run_smoke=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

# make signals run the EXIT traps (temp dirs, smoke-test processes)
trap 'exit 130' INT
trap 'exit 143' TERM HUP

log() { printf '[kube-binaries] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Version of module $2 required by the wrapper module in $1 (read from its go.mod).
required_version() {
  awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) && $0 !~ /=>/ {
    print ($1 == "require" ? $3 : $2); exit }' "$mod_root/$1/go.mod"
}

kube_version=$(required_version kube-apiserver k8s.io/kubernetes)  # e.g. v1.34.4
kubectl_version=$(required_version kubectl k8s.io/kubectl)         # e.g. v0.34.4
etcd_version=$(required_version etcd go.etcd.io/etcd/server/v3)    # e.g. v3.6.5
[[ -n "$kube_version" && -n "$kubectl_version" && -n "$etcd_version" ]] ||
  die "cannot read pinned versions from $mod_root/*/go.mod"
[[ "${kubectl_version#v0.}" == "${kube_version#v1.}" ]] ||
  die "k8s.io/kubectl $kubectl_version does not match k8s.io/kubernetes $kube_version"
if [[ -n "${KUBE_VERSION:-}" && "v${KUBE_VERSION#v}" != "$kube_version" ]]; then
  die "KUBE_VERSION=$KUBE_VERSION requested, but the wrapper modules pin $kube_version"
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  ppc64le) arch=ppc64le ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac

k8s_dir="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s"
install_dir="$k8s_dir/${kube_version#v}-$os-$arch"

# Prints nothing and succeeds when all three binaries in $1 run and report the pinned versions.
binaries_ok() {
  local dir=$1 out
  for b in etcd kube-apiserver kubectl; do [[ -x "$dir/$b" ]] || return 1; done
  out=$("$dir/kube-apiserver" --version 2>/dev/null) || return 1
  [[ "$out" == "Kubernetes $kube_version" ]] || return 1
  out=$("$dir/kubectl" version --client 2>/dev/null) || return 1
  [[ "$out" == *"Client Version: $kube_version"* ]] || return 1
  out=$("$dir/etcd" --version 2>/dev/null) || return 1
  # Downloaded binaries bring the etcd of their envtest release; built ones the pinned etcd.
  [[ "$(cat "$dir/.origin" 2>/dev/null)" == download* || "$out" == *"etcd Version: ${etcd_version#v}"* ]] || return 1
}

smoke_test() {
  local bin=$1
  command -v openssl >/dev/null || die "--smoke-test needs openssl"
  local rc=0
  # globals (not local): the EXIT trap needs them after this function returns
  etcd_pid="" api_pid=""
  work=$(mktemp -d "${TMPDIR:-/tmp}/kube-binaries-smoke.XXXXXX")
  # shellcheck disable=SC2317  # invoked via trap
  stop_smoke() {
    local pid
    for pid in "$api_pid" "$etcd_pid"; do
      if [[ -n "$pid" ]]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
      fi
    done
    api_pid="" etcd_pid=""
  }
  trap 'stop_smoke; rm -rf "$work" "${tmp_dir:-}"' EXIT

  free_port() {
    local p
    while :; do
      p=$((49152 + RANDOM % 16000))
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
  }

  # Certificates as kube-api-test's CertManager makes them: a self-signed server cert for
  # 127.0.0.1 (also the service-account key) and a self-signed system:masters client cert.
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=example.org" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc" \
    -keyout "$work/apiserver.key" -out "$work/apiserver.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/O=system:masters/CN=kubeapitest" \
    -keyout "$work/client.key" -out "$work/client.crt" 2>/dev/null

  local etcd_port peer_port api_port
  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  mkdir -p "$work/etcd-data" "$work/etcd-wal"
  # etcd flags as in kube-api-test's EtcdProcess, but listening on loopback only.
  "$bin/etcd" -data-dir "$work/etcd-data" -wal-dir "$work/etcd-wal" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --initial-cluster "default=http://localhost:$peer_port" \
    --initial-advertise-peer-urls "http://localhost:$peer_port" \
    --listen-peer-urls "http://localhost:$peer_port" >"$work/etcd.log" 2>&1 &
  etcd_pid=$!
  # kube-apiserver flags exactly as kube-api-test's KubeAPIServerProcess passes them
  # (it uses --etcd-servers http://0.0.0.0:<port>; loopback is the same host).
  "$bin/kube-apiserver" --cert-dir "$work" --secure-port "$api_port" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --authorization-mode RBAC \
    --service-account-issuer https://localhost \
    --service-account-signing-key-file "$work/apiserver.key" \
    --service-account-signing-key-file "$work/apiserver.key" \
    --service-account-key-file "$work/apiserver.key" \
    --service-account-issuer "$work/apiserver.crt" \
    --disable-admission-plugins ServiceAccount \
    --client-ca-file "$work/client.crt" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --allow-privileged >"$work/kube-apiserver.log" 2>&1 &
  api_pid=$!

  local start=$SECONDS out=""
  while :; do
    # the readiness probe kube-api-test runs
    if out=$(KUBECONFIG="$work/.kubeconfig" "$bin/kubectl" \
        --client-certificate="$work/client.crt" --client-key="$work/client.key" \
        --certificate-authority="$work/apiserver.crt" --server="https://127.0.0.1:$api_port" \
        --request-timeout=5s get ns default 2>&1); then
      break
    fi
    if ! kill -0 "$api_pid" 2>/dev/null || ! kill -0 "$etcd_pid" 2>/dev/null || ((SECONDS - start > 90)); then
      log "smoke test FAILED; last kubectl output: $out"
      log "--- etcd log (tail) ---"; tail -n 20 "$work/etcd.log" >&2 || true
      log "--- kube-apiserver log (tail) ---"; tail -n 40 "$work/kube-apiserver.log" >&2 || true
      rc=1
      break
    fi
    sleep 0.5
  done
  if ((rc == 0)); then
    printf '%s\n' "$out" >&2
    log "smoke test passed: kubectl get ns default answered after $((SECONDS - start))s"
  fi
  stop_smoke
  return "$rc"
}

if ! $force && binaries_ok "$install_dir"; then
  log "up to date: Kubernetes $kube_version, etcd $etcd_version in $install_dir"
  if $run_smoke; then smoke_test "$install_dir"; fi
  echo "$install_dir"
  exit 0
fi

mkdir -p "$k8s_dir"
# One build at a time per install root; a concurrent caller waits, then sees the result.
if command -v flock >/dev/null; then
  exec 9>"$k8s_dir/.kube-binaries.lock"
  flock 9
  # leftovers of runs that were killed hard (we hold the lock, so nobody else uses them)
  rm -rf "$k8s_dir"/.build-* "$k8s_dir"/.old-*
  if ! $force && binaries_ok "$install_dir"; then
    log "installed by a concurrent run: $install_dir"
    if $run_smoke; then smoke_test "$install_dir"; fi
    echo "$install_dir"
    exit 0
  fi
fi

# Build into a hidden temp dir next to the target (same filesystem, so the final rename is
# atomic; its name does not end in "-$os-$arch", so kube-api-test ignores it).
tmp_dir=$(mktemp -d "$k8s_dir/.build-${kube_version#v}.XXXXXX")
trap 'rm -rf "$tmp_dir"' EXIT

# Moves the binaries in $tmp_dir to $install_dir, replacing what was there.
install_tmp_dir() {
  chmod 755 "$tmp_dir"
  if [[ -e "$install_dir" ]]; then
    old_dir=$(mktemp -d "$k8s_dir/.old-${kube_version#v}.XXXXXX")
    mv "$install_dir" "$old_dir/"
    mv "$tmp_dir" "$install_dir"
    rm -rf "$old_dir"
  else
    mv "$tmp_dir" "$install_dir"
  fi
}

# The release archive kube-api-test itself downloads when it finds no binaries (BinaryRepo of
# io.fabric8:kube-api-test 7.5.2; DownloadUrlTest keeps this in step with the jar). Seconds where
# the internet is reachable; with a short connect timeout it fails fast where it is not.
envtest_url="https://github.com/kubernetes-sigs/controller-tools/releases/download/envtest-${kube_version}/envtest-${kube_version}-$os-$arch.tar.gz"
download() {
  local url=${KUBE_BINARIES_DOWNLOAD_URL:-$envtest_url} start=$(date +%s) err b
  if [[ "${KUBE_BINARIES_DOWNLOAD:-true}" == false ]]; then
    log "download skipped (KUBE_BINARIES_DOWNLOAD=false)"
    return 1
  fi
  command -v curl >/dev/null || { log "no curl: not downloading"; return 1; }
  log "downloading Kubernetes $kube_version test binaries (what kube-api-test downloads): $url"
  if ! err=$(curl -fsSL --connect-timeout "${KUBE_BINARIES_CONNECT_TIMEOUT:-5}" --max-time 600 \
      -o "$tmp_dir/envtest.tar.gz" "$url" 2>&1); then
    log "download failed after $(($(date +%s) - start))s: ${err:-no reason given}"
    return 1
  fi
  mkdir "$tmp_dir/unpacked"
  tar -xzf "$tmp_dir/envtest.tar.gz" -C "$tmp_dir/unpacked" || { log "the downloaded archive does not unpack"; return 1; }
  for b in etcd kube-apiserver kubectl; do
    # envtest archives keep them under controller-tools/envtest/
    local found
    found=$(find "$tmp_dir/unpacked" -type f -name "$b" | head -1)
    [[ -n "$found" ]] || { log "the downloaded archive has no $b"; return 1; }
    mv "$found" "$tmp_dir/$b" && chmod 755 "$tmp_dir/$b"
  done
  rm -rf "$tmp_dir/unpacked" "$tmp_dir/envtest.tar.gz"
  echo "download $url" >"$tmp_dir/.origin"
  if ! binaries_ok "$tmp_dir"; then
    log "the downloaded binaries do not report Kubernetes $kube_version"
    rm -f "$tmp_dir"/*
    return 1
  fi
  log "downloaded in $(($(date +%s) - start))s"
}

if download; then
  install_tmp_dir
  log "installed Kubernetes $kube_version (kube-apiserver, kubectl) and etcd $("$install_dir/etcd" --version | awk '/etcd Version/ {print $3}') in $install_dir"
  if $run_smoke; then smoke_test "$install_dir"; fi
  echo "$install_dir"
  exit 0
fi
rm -rf "${tmp_dir:?}"/* "$tmp_dir/.origin"

go_bin=${GO:-}
if [[ -z "$go_bin" ]]; then
  go_bin=$(command -v go || true)
  [[ -n "$go_bin" ]] || go_bin=/usr/local/go/bin/go
fi
[[ -x "$go_bin" ]] || die "Go not found (set GO=/path/to/go)"

# What the source build costs, measured on a 2-core machine (README, "Build times").
if [[ -f "$("$go_bin" env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$kube_version.zip" ]]; then
  log "building etcd, kube-apiserver and kubectl from source: about 8 minutes on 2 cores, once (cached afterwards)"
else
  log "building etcd, kube-apiserver and kubectl from source: about 20 minutes on 2 cores including 670 MB of Go modules, once (cached afterwards)"
fi
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$kube_version"
  version_ldflags+=" -X $pkg.gitMajor=$(cut -d. -f1 <<<"${kube_version#v}")"
  version_ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"${kube_version#v}")"
  version_ldflags+=" -X $pkg.gitTreeState=clean"
done

export CGO_ENABLED=0 GOWORK=off
log "building with $("$go_bin" version) (GOPROXY=$("$go_bin" env GOPROXY))"
total_start=$(date +%s)
build() {
  local name=$1 version=$2 ldflags="-s -w" start
  [[ "$name" == etcd ]] || ldflags+="$version_ldflags"
  start=$(date +%s)
  (cd "$mod_root/$name" &&
    "$go_bin" build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$tmp_dir/$name" .)
  log "built $name $version in $(($(date +%s) - start))s"
}
build etcd "$etcd_version"
build kube-apiserver "$kube_version"
build kubectl "$kube_version (k8s.io/kubectl $kubectl_version)"

echo source >"$tmp_dir/.origin"
chmod 755 "$tmp_dir"
binaries_ok "$tmp_dir" || die "freshly built binaries do not report the expected versions"
install_tmp_dir
log "all three built in $(($(date +%s) - total_start))s"
log "installed Kubernetes $kube_version (kube-apiserver, kubectl) and etcd $etcd_version in $install_dir"
if $run_smoke; then smoke_test "$install_dir"; fi
echo "$install_dir"
