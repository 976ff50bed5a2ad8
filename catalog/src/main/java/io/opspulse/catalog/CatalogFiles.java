package io.opspulse.catalog;

import java.io.IOException;

/**
 * Regenerates everything derived from the catalog: {@code catalog.json} and the README's tables.
 */
public final class CatalogFiles {
  private CatalogFiles() {}

  /** {@code CatalogFiles catalog.json README.md}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: CatalogFiles CATALOG.json README.md");
      System.exit(2);
    }
    CatalogJson.main(new String[] {args[0]});
    CatalogMarkdown.main(new String[] {args[1]});
  }
}
