// Lines that workerd itself writes (its own log, not the worker's console and not a test's
// output) and that are known to be harmless, so that `npm test` and `npm run dev` read clean
// (issue 16 item 8). Only these exact shapes are dropped: every other line, a failure, a
// test's output and any line not listed here pass through unchanged. Add a pattern only with
// the reason it is harmless; never a pattern that could match a failure or the worker's own log.

/** Colour codes (wrangler colours its log on a terminal); matching ignores them. */
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * workerd logs an outbound fetch() or connect() that failed, with native stack addresses,
 * although the worker received the failure as a rejected promise and handled it: the test
 * asserts the refusal, and the dev console already has the request's own line (its status,
 * and the worker's one line per refusal). Exact reasons only:
 */
const OUTBOUND_FAILURES = [
  // The LDAP tests' ldaps:// and StartTLS refusals inside workerd: it can't be given the test
  // CA as a trust anchor, so the tests assert "certificate not trusted" (test/worker/ldap).
  "TLS handshake failed: invalid peer certificate: UnknownIssuer",
  // `npm run dev`: a host name that does not resolve (a metadata URL, an OIDC issuer, an LDAP host).
  "failed to lookup address information: Name or service not known",
  // `npm run dev`: an https:// URL whose port speaks plain HTTP.
  "TLS handshake failed: received corrupt message of type InvalidContentType",
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A block's first line: workerd's log line, bare (vitest plugin) or under wrangler's `✘ [ERROR]`. */
const OUTBOUND_FAILURE = new RegExp(
  `^(?:✘ \\[ERROR\\] )?e = rust/(?:cxx/kj-hyper|worker)/ffi\\.rs:\\d+: failed: (?:${OUTBOUND_FAILURES.map(escape).join("|")})$`,
);

/**
 * workerd runs a Durable Object's alarm that is due by its SQLite copy before its alarm
 * manager fires, and says so (workerd PR 5764: "running despite AlarmManager mismatch"); a
 * loaded machine makes the manager late. The alarm runs; the scheduler tests assert what it did.
 */
const ALARM_OVERDUE =
  /^NOSENTRY SQLite alarm overdue, running despite AlarmManager mismatch; scheduledTime = [\d.]+s; localAlarmTime = [\d.]+s; currentTime = [\d.]+s; actorId = [0-9a-f]+$/;

/** The lines that may follow a dropped line of OUTBOUND_FAILURE: its native stack, blank lines. */
const WORKERD_STACK = /^\s*stack:(?: \S+@[0-9a-f]+)+; sentryErrorContext = \w+; wdErrId = \w+$/;

/**
 * Whether a line is known noise: "block" for the first line of workerd's outbound-failure
 * block, "tail" for its stack and blank lines (only with `inBlock`: right after such a line
 * or another tail), "line" for a line alone; false for every other line.
 * @returns {"block" | "tail" | "line" | false}
 */
export function isKnownNoise(line, inBlock = false) {
  const plain = line.replace(ANSI, "").trimEnd();
  if (OUTBOUND_FAILURE.test(plain)) return "block";
  if (ALARM_OVERDUE.test(plain)) return "line";
  if (inBlock && (plain === "" || WORKERD_STACK.test(plain))) return "tail";
  return false;
}

/**
 * A filter for one output stream: `write(chunk)` passes every complete line on to `out`
 * unless it is known noise (or one of the caller's own exact `lines`); `end()` passes on what
 * is left. Lines are handled whole, so a line split across chunks is still recognised.
 * @param {(text: string) => void} out
 * @param {ReadonlySet<string>} [lines]
 */
export function noiseFilter(out, lines = new Set()) {
  let pending = "";
  let inBlock = false;
  const line = (text) => {
    const noise = lines.has(text.replace(ANSI, "")) ? "line" : isKnownNoise(text, inBlock);
    inBlock = noise === "block" || noise === "tail";
    if (!noise) out(`${text}\n`);
  };
  return {
    write(chunk) {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf("\n")) !== -1) {
        line(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    },
    end() {
      if (pending !== "" && !lines.has(pending.replace(ANSI, "")) && !isKnownNoise(pending, inBlock)) out(pending);
      pending = "";
    },
  };
}

/** Pipes a child's stream through the filter to one of ours (process.stdout or process.stderr). */
export function filterStream(from, to, lines = new Set()) {
  const filter = noiseFilter((text) => to.write(text), lines);
  from.setEncoding("utf8");
  from.on("data", (chunk) => filter.write(chunk));
  return new Promise((resolve) => from.on("end", () => resolve(filter.end())));
}
