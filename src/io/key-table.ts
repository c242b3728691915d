import { grown } from './grown.js';

/**
 * Strings interned off the V8 heap: each distinct string gets a dense id (0, 1, 2, … in the order
 * first added) and its text is kept as bytes in one growing buffer. A million correlation keys held
 * as strings in a Map cost ~270 bytes each (the string, its hash-table entry, an array slot); here a
 * key costs its length plus ~25 bytes, and the collector has nothing to trace.
 *
 * Lossless: a key whose chars all fit in a byte is stored as latin1, any other as UTF-16 code units
 * (lone surrogates included), so `get` returns exactly the string that was added — what a class's
 * GUID is hashed from and what the keys' order compares.
 */
export class KeyTable {
  private bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** Byte offset just past key i (its start is the previous key's end). */
  private ends = new Float64Array(1024);
  private wide = new Uint8Array(1024);
  private hashes = new Int32Array(1024);
  /** Open addressing, linear probing: id + 1 of the key in each slot, 0 when empty. At most half full. */
  private slots = new Int32Array(2048);
  private count = 0;

  /** How many distinct keys. */
  get size(): number {
    return this.count;
  }

  /** The id of `key`, added when it is new. */
  add(key: string): number {
    const id = this.find(key);
    return id >= 0 ? id : this.insert(key, lastHash, lastWide);
  }

  /** The id of `key`, or -1 when it was never added. */
  find(key: string): number {
    const h = hashOf(key);
    const wide = lastWide;
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = this.slots[s]!;
      if (at === 0) return -1;
      const id = at - 1;
      if (this.hashes[id] === h && this.wide[id] === wide && this.equals(id, key, wide)) return id;
    }
  }

  /** The key of `id`, as it was added. */
  get(id: number): string {
    if (!(id >= 0 && id < this.count)) throw new RangeError(`KeyTable: no key ${id}`);
    const start = id ? this.ends[id - 1]! : 0;
    return this.bytes.toString(this.wide[id] ? 'utf16le' : 'latin1', start, this.ends[id]!);
  }

  private equals(id: number, key: string, wide: number): boolean {
    const start = id ? this.ends[id - 1]! : 0;
    const end = this.ends[id]!;
    const b = this.bytes;
    if (wide) {
      if (end - start !== key.length * 2) return false;
      for (let i = 0, o = start; i < key.length; i++, o += 2) if ((b[o]! | (b[o + 1]! << 8)) !== key.charCodeAt(i)) return false;
    } else {
      if (end - start !== key.length) return false;
      for (let i = 0, o = start; i < key.length; i++, o++) if (b[o] !== key.charCodeAt(i)) return false;
    }
    return true;
  }

  private insert(key: string, h: number, wide: number): number {
    const id = this.count;
    const len = wide ? key.length * 2 : key.length;
    if (this.used + len > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < this.used + len) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    this.bytes.write(key, this.used, len, wide ? 'utf16le' : 'latin1');
    this.used += len;
    this.ends = grown(this.ends, id);
    this.wide = grown(this.wide, id);
    this.hashes = grown(this.hashes, id);
    this.ends[id] = this.used;
    this.wide[id] = wide;
    this.hashes[id] = h;
    this.count = id + 1;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[id]! & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let id = 0; id < this.count; id++) this.place(id);
  }
}

/** What hashOf last computed: its hash, and whether the string has a char over 0xff (one pass over the key for both). */
let lastHash = 0;
let lastWide = 0;

/** FNV-1a over the UTF-16 code units, then a final mix so the low bits (the slot) depend on every char. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  let all = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    all |= c;
    h = Math.imul(h ^ c, 0x01000193);
  }
  lastWide = all > 0xff ? 1 : 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  lastHash = h | 0;
  return lastHash;
}
