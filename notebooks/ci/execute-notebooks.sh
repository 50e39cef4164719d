#!/usr/bin/env bash
# Executes the notebooks in notebooks/ through a real Jupyter kernel (rapaio-jupyter-kernel, JShell), headless, and
# prints "N passed, N failed". Maven runs it in the notebooks module's integration-test phase with JAVA_HOME,
# TUNE4J_HOME and DJL_CACHE_DIR set; by hand, after `mvn -B package -DskipTests` from the repository root:
#
#   bash notebooks/ci/execute-notebooks.sh [--repeat N] [--cell-timeout S] [NOTEBOOK.ipynb ...]
#   bash notebooks/ci/execute-notebooks.sh --kernelspec-only    (write the kernelspec, run nothing)
#
# What it needs it installs by package name (Debian: the notebook client and fonts for chart text; the kernel jar
# comes from Maven through the module's build). The kernelspec is written under notebooks/target/jupyter, never into
# the user's home, and names the JVM flags every tune4j JVM needs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$here/target"
python=/usr/bin/python3   # Debian's python, where python3-nbclient lives (a pyenv python first on PATH has none)
kernel_name=tune4j-java-ci

fail() { echo "notebooks: $*" >&2; exit 1; }

packages=(jupyter-nbconvert python3-nbclient jupyter-client fontconfig fonts-dejavu-core)
if ! { [[ -x "$python" ]] && "$python" -c 'import nbclient, nbformat, jupyter_client' 2>/dev/null \
       && [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]; }; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "notebooks: installing Debian packages ${packages[*]} (once per machine, about a minute) ..."
    started=$SECONDS
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    echo "notebooks: installed in $((SECONDS - started)) s"
  else
    fail "needs Debian's ${packages[*]}; install them with: sudo apt-get install ${packages[*]}"
  fi
fi

java="${JAVA_HOME:?JAVA_HOME must point at a JDK 25}/bin/java"
feature="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
(( feature >= 25 )) || fail "the kernel needs JDK 25, but $java is Java $feature; point JAVA_HOME at a JDK 25"

fix_jar="$target/kernel-startup-fix.jar"
kernel_jar="$(ls "$target"/kernel/rapaio-jupyter-kernel-*.jar 2>/dev/null | head -1 || true)"
[[ -f "$fix_jar" && -n "$kernel_jar" ]] \
  || fail "kernel jars missing under $target; build first: mvn -B package -DskipTests (from the repository root)"
[[ -f "$here/../recipes/target/tune4j.jar" ]] \
  || fail "recipes/target/tune4j.jar missing (the notebooks' class path); build first: mvn -B package -DskipTests"

home="${TUNE4J_HOME:-$HOME/.cache/tune4j}"
kernel_dir="$target/jupyter/kernels/$kernel_name"
mkdir -p "$kernel_dir" "$target/jupyter/runtime"
cp "$fix_jar" "$kernel_jar" "$kernel_dir/"
"$python" - "$kernel_dir/kernel.json" "$java" "$(basename "$kernel_jar")" "$home" "${DJL_CACHE_DIR:-$home/djl}" <<'PY'
import json, sys
path, java, kernel_jar, home, djl_cache = sys.argv[1:]
spec = {
    "argv": [java,
             "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
             "-Dai.djl.offline=true", "-DDJL_CACHE_DIR=" + djl_cache, "-Dai.djl.default_engine=PyTorch",
             "-Dtune4j.home=" + home, "-Djava.awt.headless=true",
             "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "-cp", "{resource_dir}/kernel-startup-fix.jar:{resource_dir}/" + kernel_jar,
             "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
    "display_name": "Java (tune4j CI)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {"THP_MEM_ALLOC_ENABLE": "1", "RJK_CLASSPATH": "", "RJK_COMPILER_OPTIONS": "", "RJK_INIT_SCRIPT": "",
            "RJK_TIMEOUT_MILLIS": "-1", "RJK_MIMA_CACHE": "mima_cache"},
}
with open(path, "w") as out:
    json.dump(spec, out, indent=2)
PY

if [[ "${1:-}" == "--kernelspec-only" ]]; then
  echo "notebooks: kernelspec written to $kernel_dir"
  exit 0
fi

export JUPYTER_PATH="$target/jupyter" JUPYTER_DATA_DIR="$target/jupyter" \
       JUPYTER_RUNTIME_DIR="$target/jupyter/runtime" JUPYTER_CONFIG_DIR="$target/jupyter/config"
exec "$python" "$here/ci/execute_notebooks.py" --kernel "$kernel_name" --output "$target/executed" "$@"
