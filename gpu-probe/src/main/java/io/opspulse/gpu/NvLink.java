package io.opspulse.gpu;

import java.util.Map;

/**
 * One NVLink link of a GPU.
 *
 * @param errors data-link error counts since the driver loaded, by the catalog's error type
 *     (replay, recovery, crc_flit, crc_data, ecc_data); a counter the GPU does not support is
 *     absent
 */
public record NvLink(int link, boolean active, Map<String, Long> errors) {
  public NvLink {
    errors = Map.copyOf(errors);
  }
}
