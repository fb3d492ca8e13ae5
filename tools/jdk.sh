# Sourced by ./glm4j and .ci/run: sets JAVA_HOME to a JDK 25 or newer, or explains and fails.
# Order: $JAVA_HOME if it is >= 25, then the JVMs installed under the usual folders, then `java` on the PATH.

glm4j_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

glm4j_find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    candidates+=("$c")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(glm4j_java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  echo "glm4j: no JDK 25 or newer found (looked at JAVA_HOME and /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks); install one, e.g. Temurin 25, and set JAVA_HOME" >&2
  return 1
}
