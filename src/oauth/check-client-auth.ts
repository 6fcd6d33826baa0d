import { timingSafeEqual } from "../crypto/hash";
import type { ClientRecord } from "../store/app/client-ops";
import type { TokenRefusal } from "./oauth-error";
import type { ClientCredentials } from "./read-client-credentials";
import { ok, refuse, type Result } from "./result";

/** Input of {@link checkClientAuth}: the presented credentials and what the store holds. */
export interface ClientAuthInput {
  credentials: ClientCredentials;
  /** The client named by `credentials.clientId`, or null when there is none. */
  client: ClientRecord | null;
  /** SHA-256 hex of `credentials.secret`, or null when no secret was sent. */
  presentedSecretHash: string | null;
}

/**
 * Authenticates the client (RFC 6749 §3.2.1). A confidential client must prove its
 * secret; a public client must not send one and relies on PKCE instead (RFC 7636, RFC 9700
 * §2.1.1). Secrets are compared as hashes in constant time. Pure.
 */
export function checkClientAuth(input: ClientAuthInput): Result<ClientRecord, TokenRefusal> {
  const { credentials, client } = input;
  if (!client) return refuse("unknown_client", `no client ${credentials.clientId}`);
  if (client.public) {
    if (credentials.method !== "none")
      return refuse("public_client_sent_secret", `public client ${client.clientId} sent a secret`);
    return ok(client);
  }
  if (credentials.method === "none" || input.presentedSecretHash === null) {
    return refuse("secret_required", `confidential client ${client.clientId} sent no secret`);
  }
  if (!client.secretHash || !timingSafeEqual(input.presentedSecretHash, client.secretHash)) {
    return refuse("secret_mismatch", `wrong secret for client ${client.clientId} (${credentials.method})`);
  }
  return ok(client);
}
