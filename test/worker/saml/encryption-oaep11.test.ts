import { describe, expect, it } from "vitest";
import { codeOf, encryptAssertionWithWebCrypto, fx, verifyXml } from "./helpers";

/*
 * xmlenc11#rsa-oaep (SHA-256 for OAEP and MGF1). Debian's xmlsec1 1.2 cannot write it, so
 * this EncryptedAssertion is made here with WebCrypto around the xmlsec1-signed assertion.
 */
const XENC11 = "http://www.w3.org/2009/xmlenc11#";
const encryptedResponse = (mgf: string) => encryptAssertionWithWebCrypto(fx.responses["assertion-signed"]!, { mgf });

describe("xmlenc11#rsa-oaep key transport", () => {
  it("decrypts when the OAEP digest and MGF1 hash agree", async () => {
    const result = await verifyXml(await encryptedResponse(`${XENC11}mgf1sha256`));
    if (!result.ok) throw result.error;
    expect(result.value.nameId).toBe(fx.nameId);
  });

  it("refuses a mixed OAEP digest / MGF1 hash as unsupported_algorithm", async () => {
    expect(await codeOf(verifyXml(await encryptedResponse(`${XENC11}mgf1sha1`)))).toBe("unsupported_algorithm");
  });
});
