import type { ByteSocket, SocketConnector } from "./byte-socket";
import { connectFailure, startTlsFailure, tlsFailure } from "./describe-failure";
import { readStartTlsResponse, startTlsRequest } from "./ldap-session";
import { isIpLiteral, type LdapTarget } from "./ldap-target";
import { StepRecorder } from "./steps";
import { withTimeout, type LdapTimeouts } from "./timeouts";

/**
 * Opens the connection an LDAP session runs over, as the steps `dns`, `tcp` and `tls`:
 * the TCP connect (a Worker resolves names only while connecting, so `dns` is derived from
 * the connect error, SPEC §9), then TLS — StartTLS (RFC 4513 §3) or, for ldaps://, a
 * handshake right away on the same connection — so each fails, and is timed, on its own.
 * Returns the socket ready for LDAP; closes it when a step fails.
 */
export async function openChannel(
  target: LdapTarget,
  connector: SocketConnector,
  timeouts: LdapTimeouts,
  steps: StepRecorder,
): Promise<ByteSocket> {
  const socket = connector(
    { hostname: target.hostname, port: target.port },
    { secureTransport: target.security === "none" ? "off" : "starttls" },
  );
  try {
    await connect(socket, target, timeouts, steps);
    if (target.security === "none") {
      steps.pass("tls", "not used: plain ldap:// to a loopback address (ALLOW_INSECURE_LOOPBACK_IDP)");
      return socket;
    }
    return await steps.run(
      "tls",
      async () => {
        if (target.security === "starttls") {
          await withTimeout(startTlsExchange(socket), timeouts.operationMs).catch((error: unknown) => {
            throw new StartTlsRefusal(startTlsFailure(error, target, timeouts));
          });
        }
        const secure = socket.startTls();
        await withTimeout(secure.opened, timeouts.connectMs).catch((error: unknown) => {
          void secure.close().catch(() => undefined);
          throw error;
        });
        return secure;
      },
      (error) => (error instanceof StartTlsRefusal ? error.message : tlsFailure(error, target, timeouts)),
    );
  } catch (error) {
    void socket.close().catch(() => undefined);
    throw error;
  }
}

class StartTlsRefusal extends Error {}

async function connect(socket: ByteSocket, target: LdapTarget, timeouts: LdapTimeouts, steps: StepRecorder) {
  const literal = isIpLiteral(target.hostname);
  const start = steps.now();
  try {
    await withTimeout(socket.opened, timeouts.connectMs);
  } catch (error) {
    const failure = connectFailure(error, target, timeouts);
    if (failure.step === "tcp") steps.pass("dns", literal ? "IP literal: no lookup" : "not checked on its own");
    steps.fail(failure, steps.now() - start);
    throw failure;
  }
  steps.pass("dns", literal ? "IP literal: no lookup" : `${target.hostname} resolved while connecting`);
  steps.pass("tcp", undefined, steps.now() - start);
}

/**
 * Sends the StartTLS request and reads exactly its response, so no read is pending when
 * the socket upgrades (the stream locks must be free for `startTls()`). Resolves on result
 * code 0; rejects with the result code otherwise, or when the server closes the connection.
 */
async function startTlsExchange(socket: ByteSocket): Promise<void> {
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  try {
    await writer.write(startTlsRequest());
    const response = await readStartTlsResponse(reader);
    if (response.resultCode !== 0)
      throw Object.assign(new Error("StartTLS refused"), {
        code: response.resultCode,
        serverMessage: response.serverMessage,
      });
  } finally {
    writer.releaseLock();
    reader.releaseLock();
  }
}
