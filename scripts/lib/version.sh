# The version and git revision of a build: read from the exporter jar (the catalog's build-info step
# writes them into every jar), so that image labels and the bundle name say what their jars are.
#
#   built_info KEY      (version | revision), after the jars are built
#   opspulse_source     the repository's URL, for the images' source label

built_info() {
  local jar tmp
  jar="$PWD/exporter/target/opspulse-exporter.jar"
  tmp="$(mktemp -d)"
  (cd "$tmp" && jar xf "$jar" io/opspulse/catalog/build.properties 2>/dev/null) || true
  sed -n "s/^$1=//p" "$tmp/io/opspulse/catalog/build.properties" 2>/dev/null | head -n 1 | grep . || echo unknown
  rm -rf "$tmp"
}

opspulse_source() {
  git config --get remote.origin.url 2>/dev/null || echo unknown
}
