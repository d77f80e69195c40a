// A Bom ("bill of materials", BOMStore format) for a macOS flat package, written from the payload's file list:
// mkbom is not in Debian. Layout (all integers big-endian): a 512-byte header, the variables, the data blocks, then
// the block table (block id -> offset, length; id 0 is null) and a free list. Variables: BomInfo, Paths (a B-tree of
// the paths: leaves of up to 256 entries, each entry a path-info block and a file block {parent id, name}),
// HLIndex, VIndex and Size64 (empty trees).

const LEAF_SIZE = 256;

/** POSIX cksum (CRC-32/CKSUM over the bytes, then the length): the checksum a Bom records for each file. */
export function cksum(data) {
  let crc = 0;
  const step = (byte) => {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  };
  for (const byte of data) step(byte);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}

const u16 = (v) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};

/**
 * entries: [{ path: ".", ".../dir", ".../file" (relative, as in the payload), mode (with file type bits), uid, gid,
 * mtime (seconds), size, checksum }]; every parent directory must be listed too.
 */
export function writeBom(entries) {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const e of entries) {
    const parent = e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/")) : undefined;
    if (parent !== undefined && !byPath.has(parent)) throw new Error(`Bom: the parent directory of ${e.path} is not listed`);
  }
  const blocks = [Buffer.alloc(0)]; // id 0: the null block
  const add = (buf) => blocks.push(buf) - 1;
  const vars = [];

  // BomInfo: version 1, number of paths + 1, one info entry (all zero, as mkbom writes).
  vars.push([
    "BomInfo",
    add(Buffer.concat([u32(1), u32(entries.length + 1), u32(entries.length > 0 ? 1 : 0), Buffer.alloc(entries.length > 0 ? 16 : 0)])),
  ]);

  // Paths, breadth first from "." so that a parent's id is known before its children (ids count from 1).
  const children = new Map();
  for (const e of entries) {
    const parent = e.path === "." ? "" : e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/")) : ".";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(e);
  }
  for (const list of children.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const ordered = [];
  const queue = [["", 0]];
  const ids = new Map();
  while (queue.length > 0) {
    const [dir, parentId] = queue.shift();
    for (const e of children.get(dir) ?? []) {
      const id = ordered.length + 1;
      ids.set(e.path, id);
      ordered.push({ entry: e, id, parentId });
      queue.push([e.path, id]);
    }
  }
  const leaves = [];
  for (let i = 0; i < ordered.length; i += LEAF_SIZE) {
    const indices = [];
    for (const { entry: e, id, parentId } of ordered.slice(i, i + LEAF_SIZE)) {
      const type = (e.mode & 0o170000) === 0o040000 ? 2 : (e.mode & 0o170000) === 0o120000 ? 3 : 1;
      const link = type === 3 ? Buffer.from(`${e.link}\0`) : Buffer.alloc(0);
      const info2 = Buffer.concat([
        Buffer.from([type, 1]),
        u16(3), // architecture, as mkbom writes it
        u16(e.mode & 0xffff),
        u32(e.uid),
        u32(e.gid),
        u32(e.mtime),
        u32(type === 2 ? 0 : e.size),
        Buffer.from([1]),
        u32(type === 2 ? 0 : e.checksum),
        u32(link.length),
        link,
      ]);
      const info1 = add(Buffer.concat([u32(id), u32(add(info2))]));
      const name = e.path === "." ? "." : e.path.slice(e.path.lastIndexOf("/") + 1);
      const file = add(Buffer.concat([u32(parentId), Buffer.from(`${name}\0`)]));
      indices.push([info1, file]);
    }
    leaves.push(indices);
  }
  const pathsNode = (isLeaf, indices, forward, backward) =>
    Buffer.concat([
      u16(isLeaf ? 1 : 0),
      u16(indices.length),
      u32(forward),
      u32(backward),
      ...indices.flatMap(([a, b]) => [u32(a), u32(b)]),
    ]);
  // Leaves are linked forward/backward; more than one leaf hangs under a branch node (index: leaf, its last file).
  const leafIds = leaves.map(() => add(Buffer.alloc(0)));
  leaves.forEach((indices, i) => {
    blocks[leafIds[i]] = pathsNode(true, indices, leafIds[i + 1] ?? 0, leafIds[i - 1] ?? 0);
  });
  if (leaves.length === 0) leafIds.push(add(pathsNode(true, [], 0, 0)));
  const top =
    leafIds.length === 1
      ? leafIds[0]
      : add(
          pathsNode(
            false,
            leaves.map((indices, i) => [leafIds[i], indices.at(-1)[1]]),
            0,
            0,
          ),
        );
  const tree = (child, count, blockSize = 4096) =>
    Buffer.concat([Buffer.from("tree"), u32(1), u32(child), u32(blockSize), u32(count), Buffer.from([0])]);
  vars.push(["Paths", add(tree(top, entries.length))]);
  const empty = () => add(pathsNode(true, [], 0, 0));
  vars.push(["HLIndex", add(tree(empty(), 0))]);
  const vtree = add(tree(empty(), 0, 128));
  vars.push(["VIndex", add(Buffer.concat([u32(1), u32(vtree), u32(0), Buffer.from([0])]))]);
  vars.push(["Size64", add(tree(empty(), 0))]);

  const varsBuf = Buffer.concat([
    u32(vars.length),
    ...vars.flatMap(([name, id]) => [u32(id), Buffer.from([name.length]), Buffer.from(name, "latin1")]),
  ]);
  const HEADER = 512;
  let offset = HEADER + varsBuf.length;
  const pointers = blocks.map((b, i) => {
    if (i === 0 || b.length === 0) return [0, 0];
    const p = [offset, b.length];
    offset += b.length;
    return p;
  });
  const data = Buffer.concat(blocks);
  const table = Buffer.concat([u32(blocks.length), ...pointers.flatMap(([a, l]) => [u32(a), u32(l)]), u32(0), Buffer.alloc(16)]);
  const header = Buffer.alloc(HEADER);
  header.write("BOMStore", 0, "latin1");
  header.writeUInt32BE(1, 8);
  header.writeUInt32BE(blocks.length - 1, 12);
  header.writeUInt32BE(HEADER + varsBuf.length + data.length, 16);
  header.writeUInt32BE(table.length, 20);
  header.writeUInt32BE(HEADER, 24);
  header.writeUInt32BE(varsBuf.length, 28);
  return Buffer.concat([header, varsBuf, data, table]);
}
