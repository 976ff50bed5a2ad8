package io.opspulse.gpu;

/**
 * The container labels of a GPU process: the container the directory knows (outermost first, so a
 * kind node or a Docker-in-Docker host resolves to what this host's engine runs), else the
 * innermost id with no name. Empty strings for host processes and for pids gone without a known
 * container.
 */
record Attribution(String containerId, String containerName, String composeService) {
  static final Attribution NONE = new Attribution("", "", "");

  static Attribution of(ProcessOwner owner, ContainerDirectory directory) {
    if (owner.containerIds().isEmpty()) {
      return NONE;
    }
    for (String id : owner.containerIds()) {
      var ref = directory.byId(id);
      if (ref.isPresent()) {
        return new Attribution(ref.get().id12(), ref.get().name(), ref.get().composeService());
      }
    }
    return new Attribution(shortId(owner.innermostId()), "", "");
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  boolean isContainer() {
    return !containerId.isEmpty();
  }
}
