import { decodeBase64, encodeBase64 } from "../lib/base64";

/**
 * Standard Webhooks signing (SPEC §6): `v1,` + base64 of HMAC-SHA256 over
 * `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed with the base64-decoded bytes after
 * `whsec_`. With several secrets (a rotation's grace period) the header carries one
 * signature per secret, space-separated; receivers accept any that matches.
 */
export async function signatureHeader(
  secrets: readonly string[],
  webhookId: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const message = new TextEncoder().encode(`${webhookId}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const key = await crypto.subtle.importKey(
        "raw",
        secretKeyBytes(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      return `v1,${encodeBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, message)))}`;
    }),
  );
  return signatures.join(" ");
}

/** The HMAC key of a `whsec_…` secret. */
export function secretKeyBytes(secret: string): Uint8Array {
  const bytes = decodeBase64(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  if (!bytes || bytes.length === 0) throw new Error("a webhook secret is not whsec_ + base64");
  return bytes;
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes (shown once, stored sealed). */
export function newWebhookSecret(): string {
  return `whsec_${encodeBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}
