/**
 * The connection view's `certificates` (SPEC §9): every IdP signing certificate and SP
 * signing/encryption certificate with its role, SHA-256 fingerprint, validity and status;
 * and the pure rule that picks the expiry notice due (30/7/1 days, the tightest only).
 */
import { describe, expect, it } from "vitest";
import { dueExpiryNotice } from "../../../src/connections/certificate-expiry";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import { createOrg, createSamlConnection, get } from "../admin/helpers";
import { certificateExpiringIn, DAY, fingerprintOf, HOUR } from "./helpers";

describe("connection view: certificates", () => {
  it("lists each IdP and SP certificate with role, fingerprint, dates and status; an expired one is expired", async () => {
    const org = await createOrg();
    const expired = (
      await generateSpKeyPair({ commonName: "expired idp", now: new Date(Date.now() - 10 * DAY), days: 3 })
    ).certificatePem;
    const current = await certificateExpiringIn(90);
    const connection = await createSamlConnection(org.id, { saml: { idpCertificates: [expired, current] } });
    const view = await get(`organizations/${org.id}/connections/${connection.id}`);
    const sp = view.body.sp as { signingCertificate: string; encryptionCertificate: string };
    const certificates = view.body.certificates as Record<string, string>[];
    expect(certificates.map(({ role, fingerprintSha256, status }) => ({ role, fingerprintSha256, status }))).toEqual([
      { role: "idp_signing", fingerprintSha256: await fingerprintOf(expired), status: "expired" },
      { role: "idp_signing", fingerprintSha256: await fingerprintOf(current), status: "active" },
      { role: "sp_signing", fingerprintSha256: await fingerprintOf(sp.signingCertificate), status: "active" },
      { role: "sp_encryption", fingerprintSha256: await fingerprintOf(sp.encryptionCertificate), status: "active" },
    ]);
    for (const c of certificates) {
      expect(c.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Date.parse(c.notBefore!)).toBeLessThan(Date.parse(c.notAfter!));
      expect(new Date(c.notAfter!).toISOString()).toBe(c.notAfter);
    }
    expect(Date.parse(certificates[0]!.notAfter!)).toBeLessThan(Date.now());
    // SP certificates are generated for ten years.
    expect(Date.parse(certificates[2]!.notAfter!)).toBeGreaterThan(Date.now() + 3_600 * DAY);
    // The list shows the same.
    const list = await get(`organizations/${org.id}/connections`);
    expect(list.body.data[0].certificates).toEqual(certificates);
    // The saml block keeps no copy of the SP key rollover state.
    expect(Object.keys(view.body.saml)).not.toContain("spPendingKeys");
    expect(Object.keys(view.body.saml)).not.toContain("spPreviousKeys");
  });
});

describe("dueExpiryNotice", () => {
  const notAfter = new Date("2030-06-30T12:00:00.000Z");
  const at = (msBefore: number) => dueExpiryNotice(notAfter, new Date(notAfter.getTime() - msBefore));
  it.each([
    ["31 days left", 31 * DAY, null],
    ["30 days and a minute", 30 * DAY + 60_000, null],
    ["exactly 30 days", 30 * DAY, { thresholdDays: 30, daysLeft: 30 }],
    ["29 days 23 h", 30 * DAY - HOUR, { thresholdDays: 30, daysLeft: 30 }],
    ["8 days", 8 * DAY, { thresholdDays: 30, daysLeft: 8 }],
    ["7 days 1 h", 7 * DAY + HOUR, { thresholdDays: 30, daysLeft: 8 }],
    ["7 days", 7 * DAY, { thresholdDays: 7, daysLeft: 7 }],
    ["5 days", 5 * DAY, { thresholdDays: 7, daysLeft: 5 }],
    ["1 day 1 h", DAY + HOUR, { thresholdDays: 7, daysLeft: 2 }],
    ["1 day", DAY, { thresholdDays: 1, daysLeft: 1 }],
    ["1 h", HOUR, { thresholdDays: 1, daysLeft: 1 }],
    ["expired a day ago", -DAY, { thresholdDays: 1, daysLeft: 0 }],
  ])("%s", (_name, msBefore, expected) => {
    expect(at(msBefore)).toEqual(expected);
  });
});
