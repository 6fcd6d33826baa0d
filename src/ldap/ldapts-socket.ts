import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import type { ByteSocket } from "./byte-socket";

/**
 * An established {@link ByteSocket} dressed as the `node:net` socket ldapts drives: it
 * emits `data`, `end`, `error` and `close`, and takes `write(buffer, callback)`, `end()`
 * and `destroy()`. ldapts accepts such a socket from `createConnection` when it is already
 * open (`connecting` false, `readyState` "open"), so the connection and its TLS stay ours
 * (ldap-channel.ts): ldapts only speaks LDAP over it. Writes go out in order; `destroy()`
 * closes the socket once they are flushed.
 */
export class LdaptsSocket extends EventEmitter {
  /** ldapts tags the socket with an id to match pending messages to it. */
  id?: string;
  readonly connecting = false;
  readyState: "open" | "closed" = "open";
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private writes: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly socket: ByteSocket) {
    super();
    this.writer = socket.writable.getWriter();
    void this.readLoop(socket.readable.getReader());
  }

  write(data: Uint8Array, callback?: () => void): boolean {
    this.writes = this.writes
      .then(async () => {
        if (this.closed) return;
        await this.writer.write(data);
        callback?.();
      })
      .catch((error: unknown) => this.fail(error));
    return true;
  }

  end(): this {
    return this;
  }

  destroy(): this {
    if (this.closed) return this;
    void this.writes.finally(() => this.socket.close().catch(() => undefined));
    this.finish();
    return this;
  }

  private async readLoop(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value && value.byteLength > 0) this.emit("data", Buffer.from(value));
      }
      if (!this.closed) this.emit("end");
    } catch (error) {
      this.fail(error);
      return;
    }
    this.destroy();
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    if (this.listenerCount("error") > 0) this.emit("error", error instanceof Error ? error : new Error(String(error)));
    this.destroy();
  }

  private finish(): void {
    this.closed = true;
    this.readyState = "closed";
    // As `node:net`: `close` comes after the calls that caused it have returned.
    queueMicrotask(() => this.emit("close", false));
  }
}
