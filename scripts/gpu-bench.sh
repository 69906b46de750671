#!/usr/bin/env bash
# The lab's WebGPU bench on a real GPU, next to PyTorch on CUDA (issue 14).
#
#   scripts/gpu-bench.sh pack   # here: .gpu-bench/bundle.tar.xz (< 60 MiB) — node, dawn.node, the
#                               # bundled bench (src/cli/gpuBench.ts), Vulkan/GL loader .debs, revision
#   scripts/gpu-bench.sh test   # here: unpack it in /tmp and run it on Mesa's llvmpipe (Dawn over
#                               # OpenGL ES) and PyTorch on the CPU: checks the bundle, not a GPU number
#   scripts/gpu-bench.sh run    # there (a bare Linux x86-64 NVIDIA machine with PyTorch and no node):
#                               # unpack, bring the Vulkan loader, run the lab's step on Dawn/Vulkan and
#                               # the PyTorch step and fp32 matmul on CUDA; writes gpu-<date>.json to
#                               # $OUT (the device tool's folder) or src/bench/results/
#
# With the device tool (a session whose task is lent a GPU): pack here, then
#   run(command="bash scripts/gpu-bench.sh run", carry=[".gpu-bench"], timeout_s=540)
# and copy the JSON that comes back into src/bench/results/. .gpu-bench/ is git-ignored.
# Extra arguments after the verb go to the bench (e.g. --presets micro:32,small:32 --steps 6).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$here/.gpu-bench"
bundle="$dir/bundle.tar.xz"
limit=$((60 * 1024 * 1024))
verb="${1:-}"
shift || true

pack() {
  cd "$here"
  local stage
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$dir" "$stage/gl"
  local node_bin dawn
  node_bin="$(command -v node)"
  dawn="$here/node_modules/webgpu/dist/linux-x64/dawn.node"
  [[ "$(uname -m)" == x86_64 ]] || { echo "gpu-bench pack: packs this machine's node binary, which must be x86-64 (this is $(uname -m))" >&2; exit 1; }
  [[ -f "$dawn" ]] || { echo "gpu-bench pack: $dawn not found (is the webgpu package installed?)" >&2; exit 1; }
  cp "$node_bin" "$stage/node"
  cp "$dawn" "$stage/dawn.node"
  npx esbuild src/cli/gpuBench.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile="$stage/gpu-bench.mjs"
  # The Vulkan loader (and GL/EGL ones, as the device tool's README brings them): Dawn dlopens libvulkan.so.1.
  local lists
  lists="$(mktemp -d)"
  mkdir -p "$lists/partial"
  local o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
  apt-get "${o[@]}" update >/dev/null
  (cd "$stage/gl" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>/dev/null)
  rm -rf "$lists"
  git -C "$here" rev-parse --short HEAD 2>/dev/null >"$stage/revision" || echo unknown >"$stage/revision"
  tar -C "$stage" -cf - node dawn.node gpu-bench.mjs gl revision | xz -9 -T0 >"$bundle.tmp"
  mv "$bundle.tmp" "$bundle"
  local size
  size=$(stat -c %s "$bundle")
  echo "gpu-bench pack: $bundle, $((size / 1024 / 1024)) MiB ($size bytes): node $(node --version), dawn.node, gpu-bench.mjs $(stat -c %s "$stage/gpu-bench.mjs") bytes, $(ls "$stage/gl" | wc -l) loader .debs, revision $(cat "$stage/revision")"
  if ((size >= limit)); then echo "gpu-bench pack: the bundle is over 60 MiB" >&2; exit 1; fi
}

unpack() {
  [[ -f "$bundle" ]] || { echo "gpu-bench: $bundle not found: run 'scripts/gpu-bench.sh pack' first (and carry .gpu-bench)" >&2; exit 1; }
  work="$(mktemp -d /tmp/gpu-bench.XXXXXX)"
  xz -dc "$bundle" | tar -C "$work" -xf -
}

bench() {
  # $1: where the JSON goes; the rest: arguments for the bench.
  local out="$1"
  shift
  cd "$here"
  SPARSEJEPA_DAWN_NODE="$work/dawn.node" "$work/node" "$work/gpu-bench.mjs" --revision "$(cat "$work/revision")" --out "$out" "$@" >/dev/null
  echo "gpu-bench: wrote $out"
}

case "$verb" in
  pack) pack ;;
  test)
    unpack
    out="$dir/test.json"
    SPARSEJEPA_DAWN="${SPARSEJEPA_DAWN:-backend=opengles}" EGL_PLATFORM="${EGL_PLATFORM:-surfaceless}" \
      bench "$out" --presets micro:8 --steps 2 --warmup 1 --device cpu --python "${PYTHON:-/usr/bin/python3}" "$@"
    rm -rf "$work"
    ;;
  run)
    unpack
    # Bring the loaders unless the machine has them (the device tool's README: unpack the .debs into /).
    if ! ldconfig -p | grep -q libvulkan.so.1; then
      for f in "$work"/gl/*.deb; do dpkg -x "$f" /; done
      ldconfig
    fi
    nvidia="/usr/local/nvidia/share"
    [[ -f "$nvidia/vulkan/icd.d/nvidia_icd.json" && -z "${VK_DRIVER_FILES:-}" ]] && export VK_DRIVER_FILES="$nvidia/vulkan/icd.d/nvidia_icd.json"
    [[ -f "$nvidia/glvnd/egl_vendor.d/10_nvidia.json" && -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ]] && export __EGL_VENDOR_LIBRARY_FILENAMES="$nvidia/glvnd/egl_vendor.d/10_nvidia.json"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
    target="${OUT:-$here/src/bench/results}"
    mkdir -p "$target"
    SPARSEJEPA_DAWN="${SPARSEJEPA_DAWN:-backend=vulkan}" PYTHONUNBUFFERED=1 \
      bench "$target/gpu-$(date -u +%Y-%m-%d).json" --device "${DEVICE:-cuda}" --python "${PYTHON:-python3}" "$@"
    rm -rf "$work"
    ;;
  *)
    echo "usage: scripts/gpu-bench.sh pack | test | run [bench flags]" >&2
    exit 2
    ;;
esac
