/**
 * The smallest `Reflect` metadata API that tsyringe (a dependency of @peculiar/x509)
 * checks for when it loads. @peculiar/x509 only registers classes with no constructor
 * parameters, so a per-object map is all it needs; the full `reflect-metadata` package
 * would add a dependency and global patches for no gain. Installed only when absent,
 * so a real polyfill loaded elsewhere wins.
 */

type MetadataKey = unknown;
type PropertyKeyOrNone = string | symbol | undefined;

interface ReflectMetadataApi {
  defineMetadata(key: MetadataKey, value: unknown, target: object, property?: PropertyKeyOrNone): void;
  getOwnMetadata(key: MetadataKey, target: object, property?: PropertyKeyOrNone): unknown;
  getMetadata(key: MetadataKey, target: object, property?: PropertyKeyOrNone): unknown;
  metadata(key: MetadataKey, value: unknown): (target: object, property?: PropertyKeyOrNone) => void;
}

const store = new WeakMap<object, Map<PropertyKeyOrNone, Map<MetadataKey, unknown>>>();

function ownMap(target: object, property: PropertyKeyOrNone, create: boolean): Map<MetadataKey, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let values = byProperty.get(property);
  if (!values && create) {
    values = new Map();
    byProperty.set(property, values);
  }
  return values;
}

const shim: ReflectMetadataApi = {
  defineMetadata(key, value, target, property) {
    ownMap(target, property, true)?.set(key, value);
  },
  getOwnMetadata(key, target, property) {
    return ownMap(target, property, false)?.get(key);
  },
  getMetadata(key, target, property) {
    for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
      const values = ownMap(o, property, false);
      if (values?.has(key)) return values.get(key);
    }
    return undefined;
  },
  metadata(key, value) {
    return (target, property) => shim.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Partial<ReflectMetadataApi>;
if (typeof reflect.getMetadata !== "function") {
  for (const [name, fn] of Object.entries(shim)) {
    Object.defineProperty(Reflect, name, { value: fn, configurable: true, writable: true });
  }
}

export {};
