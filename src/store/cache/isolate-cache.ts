/**
 * A per-isolate copy of app-wide records (SPEC §1): a login reads its OAuth client, the
 * signing keys and an admin call its API key from here, so the owning object sees about one
 * read per isolate per TTL instead of one per request.
 *
 * - The bound: an entry is used until `ttlMs` after its read *started* (the caller's clock,
 *   `now`), never longer, so a change committed in the owning object (from any isolate) is seen
 *   by every isolate within `ttlMs`. The isolate that made a change forgets the entry at once.
 * - Misses of records that do not exist ("negative" entries) live in a map of their own, with a
 *   shorter TTL and a small bound: a flood of made-up keys cannot push a real record out (no
 *   cache thrash at an attacker's choosing), and memory stays bounded whatever is presented.
 * - No stale copy is ever served when a refresh fails: the error goes to the caller.
 * - Reads are not shared between concurrent requests (a promise resolved by another request's
 *   I/O can hang in workerd): one request costs at most one read, never more.
 *
 * The clock is an argument: tests drive the bound with their own `now`.
 */
export interface IsolateCacheOptions {
  /** How long a found record is trusted (≤ 30 s for SPEC §1). */
  ttlMs: number;
  /** How many found records are kept (least recently used leave first). */
  maxEntries: number;
  /** How long "no such record" is trusted. */
  negativeTtlMs: number;
  /** How many "no such record" answers are kept. */
  maxNegative: number;
}

interface Entry<V> {
  value: V;
  readAt: number;
}

export class IsolateCache<V> {
  private readonly found = new Map<string, Entry<V>>();
  private readonly missing = new Map<string, number>();
  /** Bumped by every forget: a read that began before it must not store what it read. */
  private generation = 0;
  /** Reads of the owning object this cache made (tests and the bench count them). */
  loads = 0;

  constructor(private readonly options: IsolateCacheOptions) {}

  /** The record for `key`: from this isolate's copy while fresh, else from `load` (null: none). */
  async get(key: string, now: number, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.found.get(key);
    if (hit && fresh(hit.readAt, now, this.options.ttlMs)) {
      // Map order is the recency order: move the hit to the end.
      this.found.delete(key);
      this.found.set(key, hit);
      return hit.value;
    }
    const missedAt = this.missing.get(key);
    if (missedAt !== undefined && fresh(missedAt, now, this.options.negativeTtlMs)) return null;
    this.loads++;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) this.store(key, value, now);
    return value;
  }

  /** This isolate changed the record: the next read goes to the owning object. */
  forget(key: string): void {
    this.generation++;
    this.found.delete(key);
    this.missing.delete(key);
  }

  /**
   * Forgets every record `matches` picks, and every "no such record" (a change this isolate
   * made to records it cannot name by key: the API keys of an ID, of a scope).
   */
  forgetWhere(matches: (value: V) => boolean): void {
    this.generation++;
    for (const [key, entry] of this.found) if (matches(entry.value)) this.found.delete(key);
    this.missing.clear();
  }

  /** Forgets every record. */
  clear(): void {
    this.generation++;
    this.found.clear();
    this.missing.clear();
  }

  /** How many records of each kind are held (tests check the bounds). */
  get size(): { found: number; missing: number } {
    return { found: this.found.size, missing: this.missing.size };
  }

  private store(key: string, value: V | null, readAt: number): void {
    this.found.delete(key);
    this.missing.delete(key);
    if (value === null) {
      this.missing.set(key, readAt);
      evictOldest(this.missing, this.options.maxNegative);
    } else {
      this.found.set(key, { value, readAt });
      evictOldest(this.found, this.options.maxEntries);
    }
  }
}

/** Read at `readAt`, still trusted at `now`: a clock that went back counts as stale. */
function fresh(readAt: number, now: number, ttlMs: number): boolean {
  return now >= readAt && now - readAt < ttlMs;
}

function evictOldest(map: Map<string, unknown>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value!);
}
