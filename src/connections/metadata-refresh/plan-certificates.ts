import { CERTIFICATE_DROP_GRACE_MS } from "./refresh-schedule";

/** A certificate with its SHA-256 fingerprint (lower-case hex of the DER). */
export interface Fingerprinted {
  pem: string;
  fingerprintSha256: string;
}

/** A configured certificate the IdP's metadata stopped listing: still trusted until `dropAt` (epoch ms). */
export interface CertificateDrop extends Fingerprinted {
  unlistedAt: string;
  dropAt: number;
}

/** What a refreshed metadata document does to a connection's IdP signing certificates. */
export interface CertificatePlan {
  /** The trusted set from now on: what the metadata lists (its order), then those on their way out. */
  certificates: string[];
  /** Fingerprints of certificates trusted from now on that were not before. */
  added: string[];
  /** Certificates the metadata no longer lists, trusted until their drop (new rows). */
  unlisted: CertificateDrop[];
  /** Fingerprints of certificates that were on their way out and are listed again. */
  relisted: string[];
  /** Every drop pending after this plan (those kept and the new ones). */
  drops: CertificateDrop[];
}

/**
 * SPEC §9 "Certificates and metadata": new signing certificates are trusted at once; one the
 * metadata no longer lists stays trusted until the new set verified a login or 24 h passed
 * (the drop itself happens elsewhere: at a login, or by the `idp-certificate-drop` task).
 * A certificate listed again stops being dropped. Pure: `now` comes in.
 */
export function planCertificates(input: {
  configured: readonly Fingerprinted[];
  listed: readonly Fingerprinted[];
  drops: readonly CertificateDrop[];
  now: Date;
}): CertificatePlan {
  const listed = new Set(input.listed.map((c) => c.fingerprintSha256));
  const configured = new Set(input.configured.map((c) => c.fingerprintSha256));
  const kept = input.drops.filter((d) => configured.has(d.fingerprintSha256) && !listed.has(d.fingerprintSha256));
  const dropping = new Set(kept.map((d) => d.fingerprintSha256));
  const unlisted = input.configured
    .filter((c) => !listed.has(c.fingerprintSha256) && !dropping.has(c.fingerprintSha256))
    .map((c) => ({
      ...c,
      unlistedAt: input.now.toISOString(),
      dropAt: input.now.getTime() + CERTIFICATE_DROP_GRACE_MS,
    }));
  const leaving = input.configured.filter((c) => !listed.has(c.fingerprintSha256));
  return {
    certificates: [...input.listed.map((c) => c.pem), ...leaving.map((c) => c.pem)],
    added: input.listed.filter((c) => !configured.has(c.fingerprintSha256)).map((c) => c.fingerprintSha256),
    unlisted,
    relisted: input.drops.filter((d) => listed.has(d.fingerprintSha256)).map((d) => d.fingerprintSha256),
    drops: [...kept, ...unlisted],
  };
}
