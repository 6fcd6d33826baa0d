import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";
import { BASE_DN, directoryLdif } from "./ldap-directory";
import type { TestTlsMaterial } from "./test-ca";

const ROOT_DN = `cn=admin,${BASE_DN}`;
const ROOT_PASSWORD = "slapd-root-password";

/** One running slapd: its URL and how to stop it. */
export interface RunningSlapd {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real OpenLDAP `slapd` (Debian's package) on a free loopback port, in a temp
 * directory of its own, with the test directory loaded through `ldapadd` (so the memberOf
 * overlay sees the groups being added). `tls` configures a certificate: the server then
 * answers StartTLS on `ldap://`, or speaks TLS from the first byte with `scheme: "ldaps"`.
 * Without it, the server has no TLS at all (StartTLS is refused). Ports are picked free and
 * retried if another process takes one first.
 */
export async function startSlapd(options: { scheme: "ldap" | "ldaps"; tls?: TestTlsMaterial }): Promise<RunningSlapd> {
  const dir = await mkdtemp(join(tmpdir(), "edge-sso-slapd-"));
  await mkdir(join(dir, "db"));
  await writeFile(join(dir, "slapd.conf"), await config(dir, options.tls));
  await writeFile(join(dir, "directory.ldif"), directoryLdif());
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const url = `${options.scheme}://127.0.0.1:${port}`;
    const child = spawn("/usr/sbin/slapd", ["-f", join(dir, "slapd.conf"), "-h", `${url}/`, "-d", "0"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    if (!(await listening(child, port))) {
      if (/bind|address already in use/i.test(stderr)) continue;
      throw new Error(`slapd did not start: ${stderr.trim()}`);
    }
    const ldapPlainUrl = `ldap://127.0.0.1:${port}`;
    loadDirectory(options.scheme === "ldap" ? ldapPlainUrl : url, dir);
    return {
      url,
      async stop() {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error("slapd found no free port");
}

async function config(dir: string, tls: TestTlsMaterial | undefined): Promise<string> {
  const tlsLines: string[] = [];
  if (tls) {
    await writeFile(join(dir, "ca.pem"), tls.caPem);
    await writeFile(join(dir, "server.pem"), tls.certificatePem);
    await writeFile(join(dir, "server.key"), tls.keyPem, { mode: 0o600 });
    tlsLines.push(
      `TLSCACertificateFile ${join(dir, "ca.pem")}`,
      `TLSCertificateFile ${join(dir, "server.pem")}`,
      `TLSCertificateKeyFile ${join(dir, "server.key")}`,
    );
  }
  return [
    ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include /etc/ldap/schema/${s}.schema`),
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    "moduleload memberof",
    `pidfile ${join(dir, "slapd.pid")}`,
    ...tlsLines,
    "database mdb",
    "maxsize 16777216",
    `suffix "${BASE_DN}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${join(dir, "db")}`,
    "overlay memberof",
    // Passwords are only ever compared by a bind; entries are readable once bound.
    "access to attrs=userPassword by anonymous auth by * none",
    "access to * by users read by * none",
    "",
  ].join("\n");
}

/** Adds the directory through the server itself (over ldaps:// trusting the run's CA, for the ldaps server). */
function loadDirectory(url: string, dir: string): void {
  const env = { ...process.env, LDAPTLS_CACERT: join(dir, "ca.pem") };
  const args = ["-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PASSWORD, "-f", join(dir, "directory.ldif")];
  const result = spawnSync("/usr/bin/ldapadd", args, { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ldapadd ${url} failed: ${result.stderr}`);
}

/** Resolves true once the port accepts connections, false if slapd exits first. */
async function listening(child: ChildProcess, port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    if (await accepts(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

/** A TCP server that accepts every connection and never answers: the timeout tests' peer. */
export async function startSilentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
