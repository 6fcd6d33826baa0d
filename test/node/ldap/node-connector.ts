import { isIP, connect as netConnect, type Socket } from "node:net";
import { Readable, Writable } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import type { ByteSocket, SocketConnector } from "../../../src/ldap/byte-socket";

/**
 * A {@link SocketConnector} over `node:net` and `node:tls` that trusts `ca` — what the
 * Workers runtime cannot be given. It lets the Node-side tests drive the same LDAP code
 * (src/ldap: the channel, StartTLS, the ldapts session, the steps) through a TLS success
 * against the test servers' own CAs. Node checks the certificate's name against the host
 * as workerd does (SAN, IP literals included).
 */
export function nodeConnector(ca: string[]): SocketConnector {
  return (address) => {
    const socket = netConnect(address.port, address.hostname);
    return wrap(socket, once(socket, "connect"), () => {
      const secure = tlsConnect({
        socket,
        ca,
        host: address.hostname,
        ...(isIP(address.hostname) ? {} : { servername: address.hostname }),
      });
      return wrap(secure, once(secure, "secureConnect"), () => {
        throw new Error("TLS already started");
      });
    });
  };
}

function wrap(socket: Socket, opened: Promise<void>, startTls: () => ByteSocket): ByteSocket {
  let readable: ReadableStream<Uint8Array> | undefined;
  let writable: WritableStream<Uint8Array> | undefined;
  return {
    // Made on first use: a plain socket handed to TLS right away is never read in clear.
    get readable() {
      return (readable ??= Readable.toWeb(socket) as ReadableStream<Uint8Array>);
    },
    get writable() {
      return (writable ??= Writable.toWeb(socket) as WritableStream<Uint8Array>);
    },
    opened,
    close: async () => void socket.destroy(),
    startTls,
  };
}

function once(socket: Socket, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once("error", reject);
  });
}
