/**
 * The pure parts of SPEC §9's refresh: when the next read is due, what a refreshed document
 * does to the trusted certificates, and the validity the metadata parser reads.
 */
import { describe, expect, it } from "vitest";
import { planCertificates, type CertificateDrop } from "../../../src/connections/metadata-refresh/plan-certificates";
import { nextRefreshAt, retryRefreshAt } from "../../../src/connections/metadata-refresh/refresh-schedule";
import { parseIdpMetadata } from "../../../src/saml/metadata/parse-idp-metadata";
import okta from "../../fixtures/idp-metadata/okta.xml?raw";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-12-02T08:00:00Z");
const cert = (name: string) => ({ pem: `PEM-${name}`, fingerprintSha256: `fp-${name}` });

describe("nextRefreshAt / retryRefreshAt", () => {
  it("12 h less up to 10 % jitter; cacheDuration shortens, never under 15 min; validUntil ahead bounds it", () => {
    expect(nextRefreshAt({ now: NOW, random: 0 })).toBe(NOW + 12 * HOUR);
    expect(nextRefreshAt({ now: NOW, random: 1 })).toBe(NOW + 10.8 * HOUR);
    expect(nextRefreshAt({ now: NOW, random: 0, cacheDurationMs: 2 * HOUR })).toBe(NOW + 2 * HOUR);
    expect(nextRefreshAt({ now: NOW, random: 0, cacheDurationMs: 48 * HOUR })).toBe(NOW + 12 * HOUR);
    expect(nextRefreshAt({ now: NOW, random: 0, cacheDurationMs: 1000 })).toBe(NOW + 15 * 60_000);
    expect(nextRefreshAt({ now: NOW, random: 0, validUntil: new Date(NOW + 3 * HOUR) })).toBe(NOW + 3 * HOUR);
    expect(nextRefreshAt({ now: NOW, random: 0, validUntil: new Date(NOW + 60_000) })).toBe(NOW + 15 * 60_000);
    expect(nextRefreshAt({ now: NOW, random: 0, validUntil: new Date(NOW - HOUR) })).toBe(NOW + 12 * HOUR);
  });

  it("retries 5 min, doubling, at most 3 h: always sooner than the regular read", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => (retryRefreshAt(NOW, n) - NOW) / 60_000)).toEqual([
      5, 10, 20, 40, 80, 160, 180, 180,
    ]);
  });
});

describe("planCertificates", () => {
  const now = new Date(NOW);
  it("adds what is new at once and keeps what the metadata dropped, until its drop 24 h later", () => {
    const plan = planCertificates({ configured: [cert("a")], listed: [cert("b")], drops: [], now });
    expect(plan).toEqual({
      certificates: ["PEM-b", "PEM-a"],
      added: ["fp-b"],
      unlisted: [{ ...cert("a"), unlistedAt: now.toISOString(), dropAt: NOW + 24 * HOUR }],
      relisted: [],
      drops: [{ ...cert("a"), unlistedAt: now.toISOString(), dropAt: NOW + 24 * HOUR }],
    });
  });

  it("a drop under way keeps its time; one listed again is no longer dropped", () => {
    const drop: CertificateDrop = { ...cert("a"), unlistedAt: "2026-12-01T20:00:00.000Z", dropAt: NOW + HOUR };
    const later = planCertificates({ configured: [cert("b"), cert("a")], listed: [cert("b")], drops: [drop], now });
    expect(later).toMatchObject({ certificates: ["PEM-b", "PEM-a"], added: [], unlisted: [], drops: [drop] });
    const back = planCertificates({
      configured: [cert("b"), cert("a")],
      listed: [cert("a"), cert("b")],
      drops: [drop],
      now,
    });
    expect(back).toMatchObject({ certificates: ["PEM-a", "PEM-b"], relisted: ["fp-a"], drops: [] });
  });

  it("the same list changes nothing", () => {
    const plan = planCertificates({
      configured: [cert("a"), cert("b")],
      listed: [cert("a"), cert("b")],
      drops: [],
      now,
    });
    expect(plan).toEqual({ certificates: ["PEM-a", "PEM-b"], added: [], unlisted: [], relisted: [], drops: [] });
  });
});

describe("parseIdpMetadata: validUntil and cacheDuration (metadata §2.2.1)", () => {
  const withAttributes = (root: string, idp = "") =>
    okta
      .replace("<md:EntityDescriptor ", `<md:EntityDescriptor ${root} `)
      .replace("<md:IDPSSODescriptor ", `<md:IDPSSODescriptor ${idp} `);
  const parsed = (xml: string) => {
    const result = parseIdpMetadata(xml);
    if (!result.ok) throw new Error(result.reason);
    return result.value;
  };

  it("reads the tightest of the chain", () => {
    const value = parsed(
      withAttributes(
        'validUntil="2027-01-01T00:00:00Z" cacheDuration="P1D"',
        'validUntil="2026-12-24T12:00:00.5Z" cacheDuration="PT6H30M"',
      ),
    );
    expect(value.validUntil?.toISOString()).toBe("2026-12-24T12:00:00.500Z");
    expect(value.cacheDurationMs).toBe(6.5 * HOUR);
    expect(parsed(okta).validUntil).toBeUndefined();
  });

  it("refuses values that are not xs:dateTime or xs:duration", () => {
    expect(parseIdpMetadata(withAttributes('validUntil="next week"'))).toEqual({
      ok: false,
      reason: 'EntityDescriptor validUntil "next week" is not an xs:dateTime',
    });
    expect(parseIdpMetadata(withAttributes('cacheDuration="-P1D"'))).toEqual({
      ok: false,
      reason: 'EntityDescriptor cacheDuration "-P1D" is not an xs:duration',
    });
    expect(parseIdpMetadata(withAttributes('cacheDuration="PT"')).ok).toBe(false);
  });
});
