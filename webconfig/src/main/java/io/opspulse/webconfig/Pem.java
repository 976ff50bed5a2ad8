package io.opspulse.webconfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys, as Go's {@code tls.X509KeyPair} reads them: certificates in
 * {@code CERTIFICATE} blocks; keys as PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519), PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}). The JDK reads only PKCS#8, so the
 * other two are wrapped into PKCS#8 here, with a few lines of DER.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String OID_RSA = "1.2.840.113549.1.1.1";
  private static final String OID_EC = "1.2.840.10045.2.1";
  private static final String OID_ED25519 = "1.3.101.112";
  private static final String OID_ED448 = "1.3.101.113";

  private Pem() {}

  record Block(String type, byte[] der, boolean encryptedHeaders) {}

  static List<Block> blocks(String text) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2);
      boolean encrypted = body.contains("Proc-Type:") && body.contains("ENCRYPTED");
      StringBuilder base64 = new StringBuilder();
      for (String line : body.split("\\r?\\n")) {
        if (!line.contains(":")) { // RFC 1421 headers (Proc-Type, DEK-Info) are not base64
          base64.append(line.strip());
        }
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(base64.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the " + m.group(1) + " block is not valid base64");
      }
      out.add(new Block(m.group(1), der, encrypted));
    }
    return out;
  }

  /** Every CERTIFICATE block, in order (leaf first in a server chain). */
  static List<X509Certificate> certificates(String text) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(text)) {
        if (b.type().equals("CERTIFICATE")) {
          certs.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a valid X.509 certificate: " + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no PEM CERTIFICATE block found");
    }
    return certs;
  }

  /** The first private key block. */
  static PrivateKey privateKey(String text) {
    for (Block b : blocks(text)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(b.der());
        case "RSA PRIVATE KEY":
          refuseEncrypted(b);
          return pkcs8(wrapPkcs8(algorithm(OID_RSA, Der.NULL), b.der()));
        case "EC PRIVATE KEY":
          refuseEncrypted(b);
          return pkcs8(wrapPkcs8(algorithm(OID_EC, sec1Curve(b.der())), b.der()));
        case "ENCRYPTED PRIVATE KEY":
          refuseEncrypted(new Block(b.type(), b.der(), true));
          break;
        default:
          // EC PARAMETERS (openssl ecparam -genkey writes one first), certificates: not the key
      }
    }
    throw new IllegalArgumentException(
        "no PEM private key block found (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static void refuseEncrypted(Block b) {
    if (b.encryptedHeaders() || b.type().startsWith("ENCRYPTED")) {
      throw new IllegalArgumentException(
          "the private key is encrypted; give an unencrypted one "
              + "(openssl pkey -in key.pem -out key-plain.pem), readable only by the exporter's user");
    }
  }

  private static PrivateKey pkcs8(byte[] der) {
    String oid;
    try {
      Der.Reader seq = Der.reader(der).sequence();
      seq.integer(); // version
      Der.Reader alg = seq.sequence();
      oid = alg.oid();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PRIVATE KEY block is not PKCS#8: " + e.getMessage());
    }
    String algorithm =
        switch (oid) {
          case OID_RSA -> "RSA";
          case OID_EC -> "EC";
          case OID_ED25519 -> "Ed25519";
          case OID_ED448 -> "Ed448";
          default -> throw new IllegalArgumentException("unsupported private key algorithm " + oid);
        };
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "invalid " + algorithm + " private key: " + e.getMessage());
    }
  }

  /**
   * The named curve in a SEC 1 ECPrivateKey's [0] parameters (always there in what openssl writes).
   */
  private static byte[] sec1Curve(byte[] der) {
    Der.Reader seq = Der.reader(der).sequence();
    seq.integer(); // version 1
    seq.next(); // the private key octets
    while (seq.hasMore()) {
      Der.Element e = seq.next();
      if (e.tag() == 0xA0) {
        return e.content(); // an OID element, encoded
      }
    }
    throw new IllegalArgumentException("the EC PRIVATE KEY does not name its curve");
  }

  private static byte[] algorithm(String oid, byte[] parameters) {
    return Der.sequence(Der.oid(oid), parameters);
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING privateKey }. */
  static byte[] wrapPkcs8(byte[] algorithmIdentifier, byte[] key) {
    return Der.sequence(
        Der.element(0x02, new byte[] {0}), algorithmIdentifier, Der.element(0x04, key));
  }

  /** Just enough DER for PKCS#8 wrapping. */
  static final class Der {
    static final byte[] NULL = {0x05, 0x00};

    private Der() {}

    record Element(int tag, byte[] content) {}

    static Reader reader(byte[] der) {
      return new Reader(der, 0, der.length);
    }

    static byte[] element(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int len = content.length;
      if (len < 0x80) {
        out.write(len);
      } else {
        int bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
          out.write(len >>> (8 * i));
        }
      }
      out.writeBytes(content);
      return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        body.writeBytes(p);
      }
      return element(0x30, body.toByteArray());
    }

    static byte[] oid(String dotted) {
      String[] arcs = dotted.split("\\.");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
      for (int i = 2; i < arcs.length; i++) {
        long arc = Long.parseLong(arcs[i]);
        int groups = 1;
        for (long v = arc >>> 7; v > 0; v >>>= 7) {
          groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
          out.write((int) ((arc >>> (7 * g)) & 0x7F) | (g > 0 ? 0x80 : 0));
        }
      }
      return element(0x06, out.toByteArray());
    }

    static final class Reader {
      private final byte[] der;
      private int pos;
      private final int end;

      Reader(byte[] der, int pos, int end) {
        this.der = der;
        this.pos = pos;
        this.end = end;
      }

      boolean hasMore() {
        return pos < end;
      }

      Element next() {
        if (pos + 2 > end) {
          throw new IllegalArgumentException("truncated DER");
        }
        int tag = der[pos++] & 0xFF;
        int len = der[pos++] & 0xFF;
        if (len >= 0x80) {
          int bytes = len & 0x7F;
          if (bytes == 0 || bytes > 4 || pos + bytes > end) {
            throw new IllegalArgumentException("bad DER length");
          }
          len = 0;
          for (int i = 0; i < bytes; i++) {
            len = (len << 8) | (der[pos++] & 0xFF);
          }
        }
        if (len < 0 || pos + len > end) {
          throw new IllegalArgumentException("DER element longer than its container");
        }
        byte[] content = java.util.Arrays.copyOfRange(der, pos, pos + len);
        pos += len;
        return new Element(tag, content);
      }

      Reader sequence() {
        Element e = next();
        if (e.tag() != 0x30) {
          throw new IllegalArgumentException("expected a DER SEQUENCE, got tag " + e.tag());
        }
        return new Reader(e.content(), 0, e.content().length);
      }

      byte[] integer() {
        Element e = next();
        if (e.tag() != 0x02) {
          throw new IllegalArgumentException("expected a DER INTEGER, got tag " + e.tag());
        }
        return e.content();
      }

      String oid() {
        Element e = next();
        if (e.tag() != 0x06 || e.content().length == 0) {
          throw new IllegalArgumentException(
              "expected a DER OBJECT IDENTIFIER, got tag " + e.tag());
        }
        byte[] c = e.content();
        StringBuilder sb = new StringBuilder();
        int first = c[0] & 0xFF;
        sb.append(Math.min(first / 40, 2)).append('.').append(first - 40 * Math.min(first / 40, 2));
        long arc = 0;
        for (int i = 1; i < c.length; i++) {
          arc = (arc << 7) | (c[i] & 0x7F);
          if ((c[i] & 0x80) == 0) {
            sb.append('.').append(arc);
            arc = 0;
          }
        }
        return sb.toString();
      }
    }
  }
}
