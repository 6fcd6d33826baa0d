import { Buffer } from "node:buffer";
import type { EventEmitter } from "node:events";
import type { Socket as NodeSocket } from "node:net";
import { Client, ExtendedRequest, ExtendedResponse, FilterParser, MessageParser } from "ldapts";
import type { ByteSocket } from "./byte-socket";
import { LdaptsSocket } from "./ldapts-socket";
import type { LdapTarget } from "./ldap-target";
import type { LdapTimeouts } from "./timeouts";

/** Search scope as SPEC §2 numbers it (seed 003): 0 base, 1 one level, 2 subtree. */
export type LdapScope = 0 | 1 | 2;

/** An entry a search returned: its DN, its text attributes, and the binary ones asked for. */
export interface LdapEntry {
  dn: string;
  attributes: Record<string, string[]>;
  binary: Record<string, Uint8Array[]>;
}

export interface LdapSearch {
  baseDn: string;
  scope: LdapScope;
  filter: string;
  attributes: string[];
  /** Attributes read as bytes (objectGUID). */
  binaryAttributes?: string[];
  sizeLimit: number;
}

const SCOPES = { 0: "base", 1: "one", 2: "sub" } as const;

/**
 * The one module that talks to ldapts (STYLE 15): LDAP binds and searches over a
 * connection openChannel (ldap-channel.ts) established, with the operation timeout on
 * each. ldapts never opens a connection or starts TLS itself; it gets ours through
 * `createConnection`, as a socket that is already open.
 */
export class LdapSession {
  private readonly client: Client;

  constructor(socket: ByteSocket, target: LdapTarget, timeouts: LdapTimeouts) {
    this.client = new Client({
      url: `ldap://${target.address}`,
      timeout: timeouts.operationMs,
      connectTimeout: timeouts.connectMs,
      createConnection: () => asNodeSocket(new LdaptsSocket(socket)),
    });
  }

  /** A simple bind (RFC 4511 §4.2). Callers refuse an empty password first (RFC 4513 §5.1.2). */
  async bind(dn: string, password: string): Promise<void> {
    await this.client.bind(dn, password);
  }

  /** The entries found; at most `sizeLimit` (ldapts accepts the server's sizeLimitExceeded then). */
  async search(search: LdapSearch): Promise<LdapEntry[]> {
    const result = await this.client.search(search.baseDn, {
      scope: SCOPES[search.scope],
      filter: search.filter,
      attributes: search.attributes,
      explicitBufferAttributes: search.binaryAttributes ?? [],
      sizeLimit: search.sizeLimit,
    });
    return result.searchEntries.map((entry) => toEntry(entry, search.binaryAttributes ?? []));
  }

  /** Unbinds and closes the connection; never throws. */
  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

/** ldapts types its connection factory as `net.connect`; it uses only the EventEmitter surface LdaptsSocket has. */
function asNodeSocket(socket: EventEmitter): NodeSocket {
  return socket as NodeSocket;
}

function toEntry(entry: Record<string, unknown>, binaryNames: string[]): LdapEntry {
  const binary = new Set(binaryNames.map((n) => n.toLowerCase()));
  const attributes: Record<string, string[]> = {};
  const bytes: Record<string, Uint8Array[]> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (name === "dn") continue;
    const values = Array.isArray(value) ? value : [value];
    if (binary.has(name.toLowerCase())) bytes[name] = values.filter((v) => v instanceof Uint8Array);
    else attributes[name] = values.map(String);
  }
  return { dn: String(entry.dn), attributes, binary: bytes };
}

/** The StartTLS extended operation (RFC 4511 §4.14.1), as the first message of a connection. */
export function startTlsRequest(): Uint8Array {
  return new ExtendedRequest({ messageId: 1, oid: "1.3.6.1.4.1.1466.20037" }).write();
}

/** Reads exactly one LDAP message from `reader`: the StartTLS response (RFC 4511 §4.14.2). */
export async function readStartTlsResponse(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<{ resultCode: number; serverMessage: string }> {
  const parser = new MessageParser();
  const result: { response?: ExtendedResponse; error?: Error } = {};
  parser.on("message", (message) => {
    if (message instanceof ExtendedResponse) result.response = message;
    else result.error = new Error("the server answered StartTLS with another message");
  });
  parser.on("error", (error) => void (result.error = error));
  for (;;) {
    if (result.error) throw result.error;
    if (result.response) return { resultCode: result.response.status, serverMessage: result.response.errorMessage };
    const { value, done } = await reader.read();
    if (done) throw new Error("the connection closed");
    if (value) parser.read(Buffer.from(value), new Map());
  }
}

/**
 * Why `filter` is not an RFC 4515 filter, or null when it is. ldapts's parser is lenient
 * about unbalanced parentheses, so they are counted first: in a filter, a parenthesis in a
 * value is escaped (`\28`, `\29`), so every bare one is structure.
 */
export function filterProblem(filter: string): string | null {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i];
    if (char === "(") depth++;
    else if (char === ")") depth--;
    if (depth < 0 || (depth === 0 && i < filter.length - 1)) return `unbalanced parentheses at character ${i + 1}`;
  }
  if (depth !== 0) return "unbalanced parentheses: a ( is never closed";
  try {
    FilterParser.parseString(filter);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
