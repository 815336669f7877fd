#!/usr/bin/env bash
# Builds helm (helm.sh/helm/v3 cmd/helm) from Go module sources and caches it, like
# hack/kube-binaries.sh does for the Kubernetes test binaries. Prints the binary's path on stdout.
#
#   ${HELM_INSTALL_DIR:-$HOME/.cache/testvm-operator/helm}/<version>-<os>-<arch>/helm
#
# The version and every dependency are pinned by the wrapper module hack/helm/go.mod (a `tool`
# directive naming helm.sh/helm/v3/cmd/helm, go.sum committed), so a build only needs Go and a Go
# module proxy. The ldflags are those of helm's own Makefile: its version, and the Kubernetes
# version `helm template` and `helm lint` assume (1.<minor of the client-go helm is built with>).
#
# Usage: hack/helm.sh [--help]
# Environment: HELM_INSTALL_DIR (cache root), GO (go binary), the usual Go settings.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mod_dir="$script_dir/helm"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac

log() { printf '[helm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Version of module $1 required by the wrapper module.
required_version() {
  awk -v m="$1" '($1 == m || ($1 == "require" && $2 == m)) { print ($1 == "require" ? $3 : $2); exit }' "$mod_dir/go.mod"
}
helm_version=$(required_version helm.sh/helm/v3)        # e.g. v3.19.5
client_go=$(required_version k8s.io/client-go)          # e.g. v0.34.2
[[ -n "$helm_version" && -n "$client_go" ]] || die "cannot read pinned versions from $mod_dir/go.mod"
k8s_minor=$(cut -d. -f2 <<<"$client_go")

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
root=${HELM_INSTALL_DIR:-$HOME/.cache/testvm-operator/helm}
install_dir="$root/${helm_version#v}-$os-$arch"

helm_ok() { [[ -x "$1/helm" ]] && [[ "$("$1/helm" version --template '{{.Version}}' 2>/dev/null)" == "$helm_version" ]]; }

if helm_ok "$install_dir"; then
  echo "$install_dir/helm"
  exit 0
fi

go_bin=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
[[ -x "$go_bin" ]] || die "Go not found (set GO=/path/to/go)"

mkdir -p "$root"
# One build at a time per cache root; a concurrent caller waits, then uses the result.
if command -v flock >/dev/null; then
  exec 9>"$root/.helm.lock"
  flock 9
  if helm_ok "$install_dir"; then
    echo "$install_dir/helm"
    exit 0
  fi
fi

tmp_dir=$(mktemp -d "$root/.build-${helm_version#v}.XXXXXX")
trap 'rm -rf "$tmp_dir"' EXIT
log "building helm $helm_version from Go module sources, about 3 minutes on 2 cores with the Go modules cached, once"
start=$(date +%s)
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
done
(cd "$mod_dir" && CGO_ENABLED=0 GOWORK=off "$go_bin" build -trimpath -buildvcs=false -ldflags "$ldflags" \
  -o "$tmp_dir/helm" helm.sh/helm/v3/cmd/helm)
helm_ok "$tmp_dir" || die "the freshly built helm does not report $helm_version"
rm -rf "$install_dir"
mv "$tmp_dir" "$install_dir"
log "built helm $helm_version in $(($(date +%s) - start))s: $install_dir/helm"
echo "$install_dir/helm"
