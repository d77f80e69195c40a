// Binary property lists (`bplist00`), decoded strictly: every offset is bounds-checked, cycles are refused.
//
// Written here rather than taken from `bplist-parser`: that library logs to the console on damaged
// input and returns whatever it decoded from a truncated file (a half result), which a parser of
// untrusted bytes must not do. The format is small and documented in Apple's CFBinaryPList.c.
import { ParseError } from "../../runner/parse-error.js";
import type { PlistDict, PlistValue } from "./plist-value.js";

const MAGIC = "bplist00";
const TRAILER_SIZE = 32;
/** Seconds between the Unix epoch and Apple's reference date, 2001-01-01T00:00:00Z. */
const APPLE_EPOCH_SECONDS = 978_307_200;
const MAX_DEPTH = 512;

export function isBinaryPlist(bytes: Buffer): boolean {
  return bytes.length >= 6 && bytes.subarray(0, 6).toString("latin1") === "bplist";
}

/** Decodes a whole binary plist into plain values (dict keys must be strings, as in every real plist). */
export function decodeBinaryPlist(bytes: Buffer, source: string): PlistValue {
  return new BinaryPlistReader(bytes, source).read();
}

class BinaryPlistReader {
  private readonly offsets: number[] = [];
  private readonly objectRefSize: number;
  private readonly objectsEnd: number;
  private readonly topObject: number;
  private readonly inProgress = new Set<number>();
  private readonly done = new Map<number, PlistValue>();

  constructor(
    private readonly bytes: Buffer,
    private readonly source: string,
  ) {
    if (bytes.length < MAGIC.length + TRAILER_SIZE + 1) this.fail(`too short for a binary plist (${bytes.length} bytes)`);
    const magic = bytes.subarray(0, MAGIC.length).toString("latin1");
    if (magic !== MAGIC) this.fail(`unsupported binary plist header ${JSON.stringify(magic)}`);
    const trailer = bytes.length - TRAILER_SIZE;
    const offsetSize = bytes.readUInt8(trailer + 6);
    this.objectRefSize = bytes.readUInt8(trailer + 7);
    const objectCount = this.safeNumber(bytes.readBigUInt64BE(trailer + 8), "object count");
    this.topObject = this.safeNumber(bytes.readBigUInt64BE(trailer + 16), "top object");
    const tableOffset = this.safeNumber(bytes.readBigUInt64BE(trailer + 24), "offset table offset");
    if (offsetSize < 1 || offsetSize > 8) this.fail(`offset size ${offsetSize} is not 1-8`);
    if (this.objectRefSize < 1 || this.objectRefSize > 8) this.fail(`object reference size ${this.objectRefSize} is not 1-8`);
    if (objectCount < 1) this.fail("no objects");
    if (this.topObject >= objectCount) this.fail(`top object ${this.topObject} is not among ${objectCount} objects`);
    if (tableOffset < MAGIC.length || tableOffset + objectCount * offsetSize > trailer) {
      this.fail("the offset table lies outside the file (truncated?)");
    }
    this.objectsEnd = tableOffset;
    for (let i = 0; i < objectCount; i++) {
      const offset = bigEndianUInt(bytes.subarray(tableOffset + i * offsetSize, tableOffset + (i + 1) * offsetSize));
      if (offset < MAGIC.length || offset >= tableOffset) this.fail(`object ${i} starts outside the object area`);
      this.offsets.push(offset);
    }
  }

  read(): PlistValue {
    return this.object(this.topObject, 0);
  }

  private object(index: number, depth: number): PlistValue {
    const cached = this.done.get(index);
    if (cached !== undefined) return cached;
    if (depth > MAX_DEPTH) this.fail("nesting is too deep");
    if (this.inProgress.has(index)) this.fail(`object ${index} contains itself`);
    const offset = this.offsets[index];
    if (offset === undefined) this.fail(`reference to missing object ${index}`);
    this.inProgress.add(index);
    const value = this.decodeAt(offset, depth);
    this.inProgress.delete(index);
    this.done.set(index, value);
    return value;
  }

  private decodeAt(offset: number, depth: number): PlistValue {
    const marker = this.byte(offset);
    const type = marker >> 4;
    const info = marker & 0x0f;
    switch (type) {
      case 0x0:
        if (info === 0x8) return false;
        if (info === 0x9) return true;
        return this.fail(`unsupported simple object 0x${marker.toString(16)} at ${offset}`);
      case 0x1:
        return this.integer(offset + 1, info);
      case 0x2:
        if (info === 2) return this.slice(offset + 1, 4).readFloatBE(0);
        if (info === 3) return this.slice(offset + 1, 8).readDoubleBE(0);
        return this.fail(`real of 2^${info} bytes at ${offset}`);
      case 0x3:
        if (info !== 3) return this.fail(`date marker 0x${marker.toString(16)} at ${offset}`);
        return new Date((this.slice(offset + 1, 8).readDoubleBE(0) + APPLE_EPOCH_SECONDS) * 1000);
      case 0x4: {
        const { length, start } = this.lengthAt(offset, info);
        return Buffer.from(this.slice(start, length));
      }
      case 0x5: {
        const { length, start } = this.lengthAt(offset, info);
        return this.slice(start, length).toString("latin1");
      }
      case 0x6: {
        const { length, start } = this.lengthAt(offset, info);
        return utf16be(this.slice(start, length * 2));
      }
      case 0x8:
        return this.readUInt(offset + 1, info + 1);
      case 0xa:
      case 0xc: {
        const { length, start } = this.lengthAt(offset, info);
        return this.refs(start, length).map((ref) => this.object(ref, depth + 1));
      }
      case 0xd: {
        const { length, start } = this.lengthAt(offset, info);
        const keys = this.refs(start, length);
        const values = this.refs(start + length * this.objectRefSize, length);
        const dict: PlistDict = {};
        keys.forEach((keyRef, i) => {
          const key = this.object(keyRef, depth + 1);
          if (typeof key !== "string") this.fail(`dictionary key at ${offset} is not a string`);
          Object.defineProperty(dict, key, {
            value: this.object(values[i] as number, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        });
        return dict;
      }
      default:
        return this.fail(`unknown object marker 0x${marker.toString(16)} at ${offset}`);
    }
  }

  /** Length of a data/string/array/dict: in the marker's low nibble, or (0xF) in a following int object. */
  private lengthAt(offset: number, info: number): { length: number; start: number } {
    if (info !== 0x0f) return { length: info, start: offset + 1 };
    const intMarker = this.byte(offset + 1);
    if (intMarker >> 4 !== 0x1) this.fail(`expected a length integer at ${offset + 1}`);
    const size = 1 << (intMarker & 0x0f);
    const length = this.integer(offset + 2, intMarker & 0x0f);
    if (length < 0) this.fail(`negative length at ${offset}`);
    return { length, start: offset + 2 + size };
  }

  private integer(start: number, sizeLog2: number): number {
    if (sizeLog2 > 4) this.fail(`integer of 2^${sizeLog2} bytes at ${start}`);
    const size = 1 << sizeLog2;
    const bytes = this.slice(start, size);
    // 1, 2 and 4-byte integers are unsigned, 8-byte ones signed; 16-byte ones carry a 64-bit value in the low half.
    if (size <= 4) return bytes.readUIntBE(0, size);
    if (size === 8) return Number(bytes.readBigInt64BE(0));
    return Number(bytes.readBigUInt64BE(8));
  }

  private refs(start: number, count: number): number[] {
    this.slice(start, count * this.objectRefSize);
    const refs: number[] = [];
    for (let i = 0; i < count; i++) refs.push(this.readUInt(start + i * this.objectRefSize, this.objectRefSize));
    return refs;
  }

  private readUInt(start: number, size: number): number {
    const value = bigEndianUInt(this.slice(start, size));
    if (!Number.isSafeInteger(value)) this.fail(`unsigned integer at ${start} is too large`);
    return value;
  }

  private byte(offset: number): number {
    return this.slice(offset, 1)[0] as number;
  }

  private slice(start: number, length: number): Buffer {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || length < 0 || start + length > this.objectsEnd) {
      this.fail(`object data at ${start} runs past the object area (truncated?)`);
    }
    return this.bytes.subarray(start, start + length);
  }

  private safeNumber(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${value} is too large`);
    return Number(value);
  }

  private fail(detail: string): never {
    throw new ParseError(this.source, `binary plist: ${detail}`);
  }
}

function bigEndianUInt(bytes: Buffer): number {
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

function utf16be(bytes: Buffer): string {
  const swapped = Buffer.from(bytes);
  swapped.swap16();
  return swapped.toString("utf16le");
}
