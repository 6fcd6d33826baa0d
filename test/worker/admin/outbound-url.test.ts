import { describe, expect, it } from "vitest";
import { outboundUrlRefusal } from "../../../src/http/outbound-url";
import { createOrg, createSamlConnection, expectProblem, post } from "./helpers";

const off = { ALLOW_INSECURE_LOOPBACK_IDP: undefined };
const on = { ALLOW_INSECURE_LOOPBACK_IDP: "true" };

/** Where an admin's URL may make edge-sso send a request (security review: SSRF). */
describe("outbound URL policy", () => {
  it.each([
    "https://idp.example.com/metadata",
    "https://login.microsoftonline.com/x/federationmetadata/2007-06/federationmetadata.xml",
  ])("allows public https: %s", (url) => {
    expect(outboundUrlRefusal(off, url)).toBeNull();
  });

  it.each([
    "http://idp.example.com/metadata",
    "https://127.0.0.1/md",
    "https://localhost/md",
    "https://[::1]/md",
    "http://127.0.0.1:8080/md",
    "https://a.localhost/md",
    "https://10.1.2.3/md",
    "https://172.20.0.1/md",
    "https://192.168.1.1/md",
    "https://169.254.169.254/latest/meta-data",
    "https://0.0.0.0/md",
    "https://[fd00::1]/md",
    "https://[fe80::1]/md",
    "https://[::ffff:10.0.0.1]/md",
    "ftp://idp.example.com/md",
    "not a url",
  ])("refuses %s without the local-dev flag", (url) => {
    expect(outboundUrlRefusal(off, url)).toBeTruthy();
  });

  it("lets local dev reach loopback (http too), never private ranges", () => {
    expect(outboundUrlRefusal(on, "http://127.0.0.1:7001/metadata")).toBeNull();
    expect(outboundUrlRefusal(on, "https://localhost/md")).toBeNull();
    expect(outboundUrlRefusal(on, "https://10.0.0.5/md")).toBeTruthy();
    expect(outboundUrlRefusal(on, "http://10.0.0.5/md")).toBeTruthy();
  });

  it("idp-metadata refuses a metadata URL on a private address before fetching it", async () => {
    const org = await createOrg();
    const connection = await createSamlConnection(org.id);
    const response = await post(`organizations/${org.id}/connections/${connection.id}/idp-metadata`, {
      metadataUrl: "https://169.254.169.254/latest/meta-data",
    });
    expectProblem(response, 400, "validation_failed");
    expect(response.body.errors[0].message).toContain("private or link-local");
  });
});
