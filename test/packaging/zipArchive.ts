// Runs in Node (packaging test): reads the file list and single files of a .zip (a .vsix is one) with no
// dependency: the end-of-central-directory record, the central directory, then a local header and zlib for a file.
// Enough for what vsce writes (no ZIP64, no encryption, stored or deflated entries).
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly method: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export class ZipArchive {
  readonly entries: readonly ZipEntry[];
  private readonly byName: ReadonlyMap<string, ZipEntry>;

  constructor(private readonly data: Buffer) {
    this.entries = readCentralDirectory(data);
    this.byName = new Map(this.entries.map((e) => [e.name, e]));
  }

  static open(file: string): ZipArchive {
    return new ZipArchive(fs.readFileSync(file));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The uncompressed bytes of one entry. */
  read(name: string): Buffer {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`${name} is not in the archive`);
    const at = entry.localHeaderOffset;
    if (this.data.readUInt32LE(at) !== LOCAL_SIGNATURE) throw new Error(`bad local header for ${name}`);
    const start = at + 30 + this.data.readUInt16LE(at + 26) + this.data.readUInt16LE(at + 28);
    const raw = this.data.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) return raw;
    if (entry.method === 8) return zlib.inflateRawSync(raw);
    throw new Error(`${name}: compression method ${entry.method} is not supported`);
  }
}

function readCentralDirectory(data: Buffer): ZipEntry[] {
  // The end record is in the last 22 + 65535 bytes (its comment is at most 65535 bytes long).
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const count = data.readUInt16LE(eocd + 10);
  let at = data.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`bad central directory entry ${i}`);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    entries.push({
      method: data.readUInt16LE(at + 10),
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      localHeaderOffset: data.readUInt32LE(at + 42),
      name: data.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
