package dev.outrigger.agent;

import picocli.CommandLine;

/** Reports the version Maven wrote into the jar manifest. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"outrigger " + (v == null ? "dev" : v)};
  }
}
