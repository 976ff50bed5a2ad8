# The version (the root pom's) and the git revision a build is made from: the same values the catalog's
# build-info step writes into the jars, for image labels and the bundle's name.
opspulse_version() {
  sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1
}

opspulse_revision() {
  git rev-parse --short=12 HEAD 2>/dev/null || echo unknown
}

opspulse_source() {
  git config --get remote.origin.url 2>/dev/null || echo unknown
}
