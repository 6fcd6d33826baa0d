/**
 * The byte stream an LDAP connection runs over: the shape of a `cloudflare:sockets` Socket
 * (readable and writable streams, `opened`, `close()`, `startTls()`), so the same LDAP code
 * runs in the Worker over `cloudflare:sockets` (worker-connector.ts) and in Node over a
 * `node:tls` connector a test gives its own trust anchor.
 */
export interface ByteSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves once connected (after the TLS handshake, for a socket `startTls()` returned). */
  readonly opened: Promise<unknown>;
  close(): Promise<void>;
  /** Starts TLS on this connection (its streams must not be locked); returns the secure socket. */
  startTls(): ByteSocket;
}

/**
 * Opens a TCP connection. `starttls` connects in clear and allows `startTls()` later:
 * both StartTLS and ldaps:// use it, so the TCP connect and the TLS handshake are timed
 * (and fail) as separate steps of one connection.
 */
export type SocketConnector = (
  address: { hostname: string; port: number },
  options: { secureTransport: "off" | "starttls" },
) => ByteSocket;
