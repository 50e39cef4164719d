#!/usr/bin/env bash
# Measures the notebook kernel's start-up race: starts rapaio-jupyter-kernel N times as it ships (java -jar) and N
# times as CI runs it (our LoopThread fix first on the class path), each on a one-cell notebook with one start-up try
# of 20 s, and prints each kind's "N passed, N failed". Run after `mvn -B package -DskipTests`:
#
#   bash notebooks/ci/startup-stress.sh [N]      (default 30; about 10 s per start)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$here/target"
runs="${1:-30}"
bash "$here/ci/execute-notebooks.sh" --kernelspec-only

kernels="$target/jupyter/kernels"
stress="$target/startup-stress"
mkdir -p "$kernels/tune4j-java-stock" "$stress"
cp "$kernels"/tune4j-java-ci/rapaio-jupyter-kernel-*.jar "$kernels/tune4j-java-stock/"
/usr/bin/python3 - "$kernels" "$stress/hello.ipynb" <<'PY'
import json, sys
import nbformat
kernels, notebook = sys.argv[1:]
spec = json.load(open(f"{kernels}/tune4j-java-ci/kernel.json"))
argv = spec["argv"]
at = argv.index("-cp")
jar = argv[at + 1].split(":")[-1]
spec["argv"] = argv[:at] + ["-jar", jar, "{connection_file}"]   # the kernel as it ships: no fix on the class path
spec["display_name"] = "Java (rapaio as shipped)"
json.dump(spec, open(f"{kernels}/tune4j-java-stock/kernel.json", "w"), indent=2)
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java", "language": "java"}
nb.cells.append(nbformat.v4.new_code_cell('System.out.println("kernel up, java " + Runtime.version());'))
nbformat.write(nb, notebook)
PY

export JUPYTER_PATH="$target/jupyter" JUPYTER_DATA_DIR="$target/jupyter" \
       JUPYTER_RUNTIME_DIR="$target/jupyter/runtime" JUPYTER_CONFIG_DIR="$target/jupyter/config"
for kernel in tune4j-java-stock tune4j-java-ci; do
  echo "startup-stress: $runs starts of $kernel"
  # the stock kernel logs every message at INFO on stderr; only the executor's lines matter here
  /usr/bin/python3 "$here/ci/execute_notebooks.py" --kernel "$kernel" --output "$stress/$kernel" \
      --startup-tries 1 --startup-timeout 20 --repeat "$runs" "$stress/hello.ipynb" 2>/dev/null \
    | grep -E 'FAIL|passed' || true
done
