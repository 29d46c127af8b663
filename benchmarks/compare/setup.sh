#!/usr/bin/env bash
# Installs the peer tools the side-by-side comparisons (run.sh) measure against:
#   - Debian's python3-faiss (FAISS 1.7.3, the same version our binding builds), python3-pil, python3-numpy, and
#     python3-onnx (benchmarks/models/make_clip_model.py writes the ViT-B models of comparison (d) with it);
#   - transformers.js (@huggingface/transformers 4.3.1) in Node, offline-capable (no ONNX Runtime download: it uses
#     onnxruntime-node's bundled CPU library).
# Debian's python3 lives at /usr/bin/python3; a pyenv python3 on PATH cannot see Debian's dist-packages.
# Usage: benchmarks/compare/setup.sh            (needs root for apt-get, and the npm registry)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! /usr/bin/python3 -c 'import faiss, PIL, numpy, onnx' 2>/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-faiss python3-pil python3-numpy python3-onnx
fi
/usr/bin/python3 -c 'import faiss, PIL, numpy, onnx; print("python3-faiss", faiss.__version__, "| PIL", PIL.__version__, "| numpy", numpy.__version__, "| onnx", onnx.__version__)'

# transformers.js: installed from the committed package.json + package-lock.json into benchmarks/compare/node_modules
# (gitignored). ONNXRUNTIME_NODE_INSTALL=skip stops onnxruntime-node's install script from fetching CUDA binaries.
cd "$here"
if [ ! -d node_modules/@huggingface/transformers ]; then
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi
node -e 'const v = p => JSON.parse(require("fs").readFileSync("node_modules/" + p + "/package.json")).version; console.log("transformers.js", v("@huggingface/transformers"), "| onnxruntime-node", v("onnxruntime-node"), "| sharp", v("sharp"), "| node", process.version)'
