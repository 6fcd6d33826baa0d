import { encodeBase64url } from "./base64";

/**
 * Identifiers: a type prefix and a ULID (48-bit millisecond time + 80 random bits) in
 * lower-case Crockford base32. Identifiers that reach the worker without their org embed
 * the org's ULID, so they resolve to the org's Durable Object with no lookup (SPEC §1,
 * docs/storage.md "Identifiers").
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  "org" | "conn" | "user" | "client" | "key" | "wh" | "evt" | "sl" | "req" | "dlv" | "scimtok" | "grp";

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * A time at most this far before the last one used counts as that last one: callers pass
 * their own clocks, and concurrent requests reach an object in another order than they
 * read them. A larger step back is a clock of its own (a test's) and is taken as given.
 */
const REORDER_WINDOW_MS = 1_000;

/**
 * A new ULID string (26 characters). Monotonic within an isolate: IDs made in the same
 * millisecond increment the random part, and so do IDs whose time is slightly before the
 * last (REORDER_WINDOW_MS), so they sort in creation order.
 */
export function ulid(at = Date.now()): string {
  const now = at < lastTime && lastTime - at <= REORDER_WINDOW_MS ? lastTime : at;
  const time = encodeTime(now);
  if (now === lastTime) {
    incrementBase32(lastRandom);
  } else {
    lastTime = now;
    lastRandom = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b & 31);
  }
  return time + lastRandom.map((d) => ALPHABET[d]).join("");
}

/** The 10-character time part of a ULID. */
function encodeTime(now: number): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

function incrementBase32(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    digits[i] = (digits[i]! + 1) % 32;
    if (digits[i] !== 0) return;
  }
}

/** `length` random base32 characters (5 bits each). */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

/**
 * A new event's ID and time: a ULID of `now` (the operation's clock), or of the last ID's
 * time when that is later, and `createdAt` is the ID's time. So an object's events sort by
 * ID and by time in the order it recorded them, and the app-wide feed places an event in
 * its hour shard from the ID alone.
 */
export function newEventId(now: Date): { id: string; createdAt: string } {
  const id = `evt_${ulid(now.getTime())}`;
  return { id, createdAt: new Date(timeOfId(id)!).toISOString() };
}

/** The epoch-ms time a ULID-based ID (`evt_…`, `org_…`) was made at, or null when it is not one. */
export function timeOfId(id: string): number | null {
  const match = /^[a-z]+_([0-9a-hjkmnp-tv-z]{10})[0-9a-hjkmnp-tv-z]{16}$/.exec(id);
  if (!match) return null;
  let t = 0;
  for (const c of match[1]!) t = t * 32 + ALPHABET.indexOf(c);
  return t;
}

/** The ULID of the first ID of any prefix made at epoch ms `time` (all random digits 0), for range bounds. */
export function ulidFloor(time: number): string {
  return encodeTime(time) + "0".repeat(16);
}

/** The org part of an app-wide delivery ID: 26 zeros, which no org ULID is. */
const APP_DELIVERY_SOURCE = "0".repeat(26);

/**
 * A webhook delivery ID embeds where the delivery lives: `dlv_` + the org's ULID (or 26
 * zeros for the app-wide outbox) + 16 random characters (SPEC §1: resolves with no lookup).
 */
export function newDeliveryId(organizationId: string | null): string {
  return `dlv_${organizationId ? organizationId.slice(4) : APP_DELIVERY_SOURCE}${randomBase32(16)}`;
}

const DELIVERY_ID = /^dlv_([0-9a-hjkmnp-tv-z]{26})[0-9a-hjkmnp-tv-z]{16}$/;

/** Where a delivery lives: its org, `"app"` for the app-wide outbox, or null when the ID is not well formed. */
export function sourceOfDelivery(deliveryId: string): string | null {
  const match = DELIVERY_ID.exec(deliveryId);
  if (!match) return null;
  return match[1] === APP_DELIVERY_SOURCE ? "app" : `org_${match[1]}`;
}

const ORG_ID = /^org_[0-9a-hjkmnp-tv-z]{26}$/;

export function isOrgId(value: string): boolean {
  return ORG_ID.test(value);
}

/** A connection ID embeds its org: `conn_` + the org's ULID + 12 random characters. */
export function newConnectionId(orgId: string): string {
  return `conn_${orgId.slice(4)}${randomBase32(12)}`;
}

const CONN_ID = /^conn_([0-9a-hjkmnp-tv-z]{26})[0-9a-hjkmnp-tv-z]{12}$/;

/** The org a connection ID belongs to, or null when the ID is not well formed. */
export function orgIdOfConnection(connectionId: string): string | null {
  const match = CONN_ID.exec(connectionId);
  return match ? `org_${match[1]}` : null;
}

/**
 * An opaque single-use token (code, state, setup token) that embeds its org:
 * `<org ULID>.<43 characters of base64url randomness>` (256 bits).
 */
export function newOrgToken(orgId: string): string {
  return `${orgId.slice(4)}.${randomToken()}`;
}

const ORG_TOKEN = /^([0-9a-hjkmnp-tv-z]{26})\.[A-Za-z0-9_-]{43}$/;

export function orgIdOfToken(token: string): string | null {
  const match = ORG_TOKEN.exec(token);
  return match ? `org_${match[1]}` : null;
}

/** 256 random bits, base64url without padding. */
export function randomToken(bytes = 32): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
