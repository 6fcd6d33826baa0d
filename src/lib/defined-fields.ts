/** An object's fields with the undefined ones left out. */
export type DefinedFields<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * The fields of `value` that are not undefined: spread over a record, it changes only what
 * a request actually set (an optional request field left out keeps the stored value).
 */
export function definedFields<T extends object>(value: T): DefinedFields<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as DefinedFields<T>;
}
