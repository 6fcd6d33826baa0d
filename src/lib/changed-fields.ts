/**
 * The names of the fields whose value differs between two records, for the `changed` list of
 * an audit event (SPEC §2: exact audit data — only what changed, never a value). Values are
 * compared as JSON; a nested record listed in `nested` is compared field by field, its
 * changes named `{field}.{subfield}`.
 */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  nested: readonly string[] = [],
): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [a, b] = [before[key], after[key]];
    if (nested.includes(key) && isRecord(a) && isRecord(b)) {
      changed.push(...changedFields(a, b).map((field) => `${key}.${field}`));
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      changed.push(key);
    }
  }
  return changed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
