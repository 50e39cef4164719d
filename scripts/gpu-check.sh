#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU and a CUDA libtorch, every optimizer id trains a tiny model a few
# steps on the GPU and by the CPU engine-op path, and the losses, weight changes, step times and memory are printed
# (`tune4j bench gpu-check`, README 'GPU'). Meant to finish well within 10 minutes; tune4j has not yet been run on a
# GPU, so this is the first thing to run on one.
#
#   scripts/gpu-check.sh                        the GPU against the CPU engine-op path
#   scripts/gpu-check.sh --device cpu           dry run: CPU Java kernels against the CPU engine-op path
#   scripts/gpu-check.sh --optimizers adamw,soaa --steps 20
#
# DJL must find the CUDA libtorch, e.g.
#   PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_FLAVOR=cu128 scripts/gpu-check.sh
# Without a usable GPU it exits 1 and says what is missing and how to fix it; 0 when every id agrees.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$repo/tune4j" bench gpu-check "$@"
