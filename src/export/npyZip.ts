// Runs in Node: the two file formats inside an .npz, written with no dependency. An .npz is a ZIP archive of .npy
// files (NumPy's own format: a magic string, a header dict, then the raw little-endian data), stored uncompressed,
// as numpy.savez writes it. ZIP64 records are added when the archive passes 4 GiB, as Python's zipfile reads them.
import * as zlib from 'node:zlib';

/** One member of the archive: its name and its bytes, as consecutive chunks. */
export interface ZipMember {
  readonly name: string;
  readonly chunks: readonly Uint8Array[];
}

/** The .npy header for a little-endian float32 array of this shape (format version 1.0). */
export function npyHeader(shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64, as NumPy writes it.
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1')]);
}

/** A float32 array's bytes as stored on a little-endian machine (every platform Node runs on). */
export function float32Bytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const MAX32 = 0xffffffff;

function crc32(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  for (const chunk of chunks) crc = zlib.crc32 ? zlib.crc32(chunk, crc) : tableCrc32(chunk, crc);
  return crc;
}

let crcTable: Uint32Array | undefined;

/** For Node before 20.15 (zlib.crc32): the same CRC-32, a byte at a time. */
function tableCrc32(chunk: Uint8Array, previous: number): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let crc = ~previous;
  for (let i = 0; i < chunk.length; i++) crc = crcTable[(crc ^ chunk[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * The archive as a sequence of buffers to write in order: for each member a local header and its chunks, then the
 * central directory. Member data is never copied.
 */
export function* zipChunks(members: Iterable<ZipMember>): Generator<Uint8Array> {
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for (const member of members) {
    const name = Buffer.from(member.name, 'utf8');
    const size = member.chunks.reduce((sum, c) => sum + c.byteLength, 0);
    const crc = crc32(member.chunks);
    const big = size >= MAX32 || offset >= MAX32;
    // ZIP64 extra field: sizes (and the offset, in the central directory) as 64-bit numbers.
    const localExtra = big ? zip64Extra([size, size]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? 45 : 20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(big ? MAX32 : size, 18);
    local.writeUInt32LE(big ? MAX32 : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    yield Buffer.concat([local, name, localExtra]);
    for (const chunk of member.chunks) yield chunk;

    const centralExtra = big ? zip64Extra([size, size, offset]) : Buffer.alloc(0);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(big ? 45 : 20, 4); // made by
    entry.writeUInt16LE(big ? 45 : 20, 6); // needed
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(0, 10);
    entry.writeUInt32LE(0x00210000, 12);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(big ? MAX32 : size, 20);
    entry.writeUInt32LE(big ? MAX32 : size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt16LE(centralExtra.length, 30);
    entry.writeUInt32LE(big ? MAX32 : offset, 42);
    central.push(entry, name, centralExtra);
    offset += local.length + name.length + localExtra.length + size;
    count++;
  }
  const directory = Buffer.concat(central);
  for (const part of central) yield part;
  yield* endRecords(count, directory.length, offset);
}

function zip64Extra(values: readonly number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return extra;
}

/** End of central directory, preceded by its ZIP64 record and locator when anything passes 32 bits. */
function* endRecords(count: number, directorySize: number, directoryOffset: number): Generator<Buffer> {
  const big = directoryOffset >= MAX32 || directorySize >= MAX32 || count >= 0xffff;
  if (big) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directorySize), 40);
    record.writeBigUInt64LE(BigInt(directoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
    locator.writeUInt32LE(1, 16);
    yield record;
    yield locator;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(Math.min(directorySize, MAX32), 12);
  end.writeUInt32LE(Math.min(directoryOffset, MAX32), 16);
  yield end;
}
