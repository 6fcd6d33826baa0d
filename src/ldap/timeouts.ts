/** How long LDAP work may take (SPEC §9: connect 5 s, operation 10 s). */
export interface LdapTimeouts {
  /** The TCP connect, and the TLS handshake. */
  connectMs: number;
  /** Each LDAP operation: StartTLS, bind, search. */
  operationMs: number;
}

export const LDAP_TIMEOUTS: LdapTimeouts = { connectMs: 5_000, operationMs: 10_000 };

/** Raised when work outlives its bound. */
export class LdapTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "LdapTimeoutError";
  }
}

/** `work`, or an LdapTimeoutError after `ms`; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LdapTimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
