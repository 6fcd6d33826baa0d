import { connect } from "cloudflare:sockets";
import type { ByteSocket, SocketConnector } from "./byte-socket";

/**
 * The Worker's connector: `cloudflare:sockets`. Its TLS trusts publicly trusted
 * certificates only (no trust anchor can be added), and it reaches only public addresses
 * in production (README "LDAP").
 */
export const workerConnector: SocketConnector = (address, options) =>
  wrap(connect(address, { secureTransport: options.secureTransport, allowHalfOpen: false }));

function wrap(socket: Socket): ByteSocket {
  // A connection that fails rejects both promises; the callers await `opened` and read the
  // streams, so neither rejection may surface as unhandled.
  socket.opened.catch(() => undefined);
  socket.closed.catch(() => undefined);
  return {
    readable: socket.readable,
    writable: socket.writable,
    opened: socket.opened,
    close: () => socket.close(),
    // No expectedServerHostname: this runtime refuses the option; the connect hostname is checked.
    startTls: () => wrap(socket.startTls()),
  };
}
