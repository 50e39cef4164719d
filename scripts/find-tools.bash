# Finds the JDK and the Maven that tune4j builds and runs with: one home for the search, sourced by ./tune4j (the
# launcher), ./mvn (Maven with that JDK; `./mvn -B verify` is the test command) and .ci/run, so all three use the
# same JDK. Bash only; source it, then call use_jdk WHO (WHO names the script in messages).
#
# A JDK qualifies when it is release TUNE4J_JDK_FEATURE (25) or newer and has javac (Maven compiles in-process). The
# search takes, in this order:
#   1. $JAVA_HOME;
#   2. the java on the PATH (its JDK, symbolic links resolved);
#   3. the newest JDK found directly under the directories in TUNE4J_JDK_DIRS (colon-separated; default below),
#      as DIR/* or, for macOS bundles, DIR/*/Contents/Home.
# A JDK's release comes from its `release` file (no JVM is started); from `java -XshowSettings` when that is missing.

TUNE4J_JDK_FEATURE=25
TUNE4J_JDK_DEFAULT_DIRS="/usr/lib/jvm:/usr/lib64/jvm:/usr/java:/opt/java:${HOME:-/root}/.sdkman/candidates/java"
TUNE4J_JDK_DEFAULT_DIRS+=":${HOME:-/root}/.jdks:/Library/Java/JavaVirtualMachines"

# Prints the feature release (8, 17, 25, ...) of the JDK in directory $1; fails when $1 is not a JDK.
jdk_feature() {
  local home=$1 version=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 1
  if [[ -f "$home/release" ]]; then
    version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")"
  fi
  if [[ -z "$version" ]]; then
    version="$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p')"
  fi
  version="${version#1.}"     # 1.8.0_402 -> 8.0_402
  version="${version%%[._+-]*}"
  [[ "$version" =~ ^[0-9]+$ ]] || return 1
  echo "$version"
}

# The JDK that the java on the PATH belongs to, if there is a java on the PATH.
path_jdk() {
  local java
  java="$(command -v java)" || return 1
  dirname "$(dirname "$(readlink -f "$java")")"
}

# Prints the home of a qualifying JDK (see the top of this file); fails when there is none.
find_jdk() {
  local candidate feature best="" best_feature=0 dir dirs
  if [[ -n "${JAVA_HOME:-}" ]] && feature="$(jdk_feature "$JAVA_HOME")" && (( feature >= TUNE4J_JDK_FEATURE )); then
    echo "$JAVA_HOME"; return 0
  fi
  if candidate="$(path_jdk)" && feature="$(jdk_feature "$candidate")" && (( feature >= TUNE4J_JDK_FEATURE )); then
    echo "$candidate"; return 0
  fi
  IFS=: read -r -a dirs <<< "${TUNE4J_JDK_DIRS-$TUNE4J_JDK_DEFAULT_DIRS}"
  for dir in "${dirs[@]}"; do
    [[ -n "$dir" && -d "$dir" ]] || continue
    for candidate in "$dir"/* "$dir"/*/Contents/Home; do
      if feature="$(jdk_feature "$candidate")" && (( feature >= TUNE4J_JDK_FEATURE && feature > best_feature )); then
        best="$candidate"; best_feature=$feature
      fi
    done
  done
  [[ -n "$best" ]] || return 1
  echo "$best"
}

# What was looked at, for the message when no JDK qualifies.
describe_jdk_search() {
  local feature candidate
  if [[ -z "${JAVA_HOME:-}" ]]; then
    echo "  JAVA_HOME: not set"
  elif feature="$(jdk_feature "$JAVA_HOME")"; then
    echo "  JAVA_HOME: $JAVA_HOME (Java $feature)"
  else
    echo "  JAVA_HOME: $JAVA_HOME (not a JDK: no bin/java and bin/javac there)"
  fi
  if ! candidate="$(path_jdk)"; then
    echo "  java on the PATH: none"
  elif feature="$(jdk_feature "$candidate")"; then
    echo "  java on the PATH: Java $feature in $candidate"
  else
    echo "  java on the PATH: $candidate (a JRE or not a JDK layout)"
  fi
  local dirs="${TUNE4J_JDK_DIRS-$TUNE4J_JDK_DEFAULT_DIRS}"
  echo "  JDKs under: ${dirs:-nothing} (TUNE4J_JDK_DIRS): none of release $TUNE4J_JDK_FEATURE or newer"
}

# Sets and exports JAVA_HOME to a qualifying JDK and puts its bin first on the PATH, or exits 1 saying what to
# install. $1 names the calling script in the message.
use_jdk() {
  local who=$1 found
  if ! found="$(find_jdk)"; then
    {
      echo "$who: needs a JDK $TUNE4J_JDK_FEATURE or newer (the build refuses older ones), and found none:"
      describe_jdk_search
      echo "Install a JDK $TUNE4J_JDK_FEATURE, e.g. Eclipse Temurin $TUNE4J_JDK_FEATURE (Debian/Ubuntu package" \
        "temurin-$TUNE4J_JDK_FEATURE-jdk from Adoptium's apt repository,"
      echo "or openjdk-$TUNE4J_JDK_FEATURE-jdk where the distribution has it), then set JAVA_HOME to it or leave it" \
        "under /usr/lib/jvm."
    } >&2
    exit 1
  fi
  export JAVA_HOME="$found"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# Prints the path of Maven's mvn on the PATH, skipping the file $1 (./mvn itself, should the PATH hold the repo).
find_maven() {
  local skip candidate
  skip="$(readlink -f "${1:-/dev/null}")"
  while IFS= read -r candidate; do
    if [[ "$(readlink -f "$candidate")" != "$skip" ]]; then
      echo "$candidate"; return 0
    fi
  done < <(type -P -a mvn)
  return 1
}
