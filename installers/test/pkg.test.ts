// The macOS .pkg built on Linux, read back: the xar archive (header, TOC, heap ending where the TOC says: no stray
// bytes), the Distribution and PackageInfo, a Payload of root-owned odc cpio, a Bom listing exactly the payload with
// its sizes, modes and cksum checksums, the LaunchDaemon plist, and the scripts (run against a scratch target volume).
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { XMLParser } from "fast-xml-parser";
import plist from "plist";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInstaller, ROOT, sh, VERSION } from "./support.js";

interface BomPath {
  path: string;
  type: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  checksum: number;
}

/** Reads a Bom (BOMStore) back: its variables and every path of the Paths tree, walking the leaves. */
function readBom(buf: Buffer): { vars: string[]; paths: BomPath[] } {
  expect(buf.toString("latin1", 0, 8)).toBe("BOMStore");
  const indexOffset = buf.readUInt32BE(16);
  const varsOffset = buf.readUInt32BE(24);
  const block = (id: number): Buffer => {
    const at = indexOffset + 4 + id * 8;
    const address = buf.readUInt32BE(at);
    return buf.subarray(address, address + buf.readUInt32BE(at + 4));
  };
  const vars = new Map<string, number>();
  let at = varsOffset + 4;
  for (let i = 0; i < buf.readUInt32BE(varsOffset); i++) {
    const id = buf.readUInt32BE(at);
    const len = buf.readUInt8(at + 4);
    vars.set(buf.toString("latin1", at + 5, at + 5 + len), id);
    at += 5 + len;
  }
  const tree = block(vars.get("Paths") ?? 0);
  expect(tree.toString("latin1", 0, 4)).toBe("tree");
  let node = block(tree.readUInt32BE(8));
  while (node.readUInt16BE(0) === 0) node = block(node.readUInt32BE(12)); // a branch: descend to the first leaf
  const names = new Map<number, { name: string; parent: number }>();
  const infos: { id: number; info: Buffer }[] = [];
  for (;;) {
    for (let i = 0; i < node.readUInt16BE(2); i++) {
      const info1 = block(node.readUInt32BE(12 + i * 8));
      const file = block(node.readUInt32BE(16 + i * 8));
      const id = info1.readUInt32BE(0);
      names.set(id, { parent: file.readUInt32BE(0), name: file.toString("utf8", 4, file.indexOf(0, 4)) });
      infos.push({ id, info: block(info1.readUInt32BE(4)) });
    }
    const forward = node.readUInt32BE(4);
    if (forward === 0) break;
    node = block(forward);
  }
  const fullPath = (id: number): string => {
    const n = names.get(id);
    if (n === undefined) throw new Error(`Bom: no path ${id}`);
    return n.parent === 0 ? n.name : `${fullPath(n.parent)}/${n.name}`;
  };
  const paths = infos.map(({ id, info }) => ({
    path: fullPath(id),
    type: info.readUInt8(0),
    mode: info.readUInt16BE(4),
    uid: info.readUInt32BE(6),
    gid: info.readUInt32BE(10),
    size: info.readUInt32BE(18),
    checksum: info.readUInt32BE(23),
  }));
  return { vars: [...vars.keys()], paths };
}

/** odc cpio entries (magic 070707): name, mode, uid, gid, size, data. */
function readOdc(buf: Buffer): { name: string; mode: number; uid: number; gid: number; data: Buffer }[] {
  const out = [];
  let at = 0;
  for (;;) {
    expect(buf.toString("latin1", at, at + 6)).toBe("070707");
    const field = (offset: number, len: number): number => parseInt(buf.toString("latin1", at + offset, at + offset + len), 8);
    const nameSize = field(59, 6);
    const fileSize = field(65, 11);
    const name = buf.toString("utf8", at + 76, at + 76 + nameSize - 1);
    const dataAt = at + 76 + nameSize;
    if (name === "TRAILER!!!") return out;
    out.push({ name, mode: field(18, 6), uid: field(24, 6), gid: field(30, 6), data: buf.subarray(dataAt, dataAt + fileSize) });
    at = dataAt + fileSize;
  }
}

describe("the .pkg", () => {
  let pkg: string;
  let dir: string;
  let bytes: Buffer;
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });

  beforeAll(async () => {
    pkg = await buildInstaller("pkg");
    bytes = await readFile(pkg);
    dir = await mkdtemp(join(tmpdir(), "wg-pkg-"));
    const x = await sh("bsdtar", ["-xf", pkg, "-C", dir]);
    expect(x.code, x.stderr).toBe(0);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is a xar archive whose heap ends where its TOC says (libarchive's stray bytes trimmed), every file's SHA-1 right", () => {
    expect(pkg.endsWith(`compliance-agent-${VERSION}-universal.pkg`)).toBe(true);
    expect(bytes.toString("latin1", 0, 4)).toBe("xar!");
    const headerSize = bytes.readUInt16BE(4);
    const tocLength = Number(bytes.readBigUInt64BE(8));
    expect(bytes.readUInt32BE(24)).toBe(1); // TOC checksum: SHA-1
    const tocBytes = bytes.subarray(headerSize, headerSize + tocLength);
    const toc = inflateSync(tocBytes).toString("utf8");
    const heap = bytes.subarray(headerSize + tocLength);
    // The TOC's checksum is the SHA-1 of the compressed TOC, stored at heap offset 0.
    expect(heap.subarray(0, 20).toString("hex")).toBe(createHash("sha1").update(tocBytes).digest("hex"));
    const files = [
      ...toc.matchAll(
        /<name>([^<]+)<\/name>\s*<type>file<\/type>[\s\S]*?<length>(\d+)<\/length>\s*<offset>(\d+)<\/offset>[\s\S]*?<archived-checksum style="sha1">([0-9a-f]+)</g,
      ),
    ];
    expect(files.map((m) => m[1]).sort()).toEqual(["Bom", "Distribution", "PackageInfo", "Payload", "Scripts"]);
    let end = 20;
    for (const [, , length, offset, sha1] of files) {
      const data = heap.subarray(Number(offset), Number(offset) + Number(length));
      expect(createHash("sha1").update(data).digest("hex")).toBe(sha1);
      end = Math.max(end, Number(offset) + Number(length));
    }
    expect(heap.length).toBe(end);
  });

  it("has a Distribution and a PackageInfo that name the component, its version, the architectures and the scripts", async () => {
    const dist = xml.parse(await readFile(join(dir, "Distribution"), "utf8")) as { "installer-gui-script": Record<string, unknown> };
    const gui = dist["installer-gui-script"];
    expect(gui.options).toMatchObject({ hostArchitectures: "x86_64,arm64", customize: "never", rootVolumeOnly: "true" });
    expect(gui["pkg-ref"]).toMatchObject({ id: "nl.wegroup.compliance.agent", version: VERSION, "#text": "#compliance-agent.pkg" });
    expect(gui.choice).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "nl.wegroup.compliance.agent", "pkg-ref": { id: "nl.wegroup.compliance.agent" } }),
      ]),
    );
    const info = (
      xml.parse(await readFile(join(dir, "compliance-agent.pkg", "PackageInfo"), "utf8")) as { "pkg-info": Record<string, unknown> }
    )["pkg-info"];
    expect(info).toMatchObject({ identifier: "nl.wegroup.compliance.agent", version: VERSION, "install-location": "/", auth: "root" });
    expect(info.scripts).toEqual({ preinstall: { file: "./preinstall" }, postinstall: { file: "./postinstall" } });
    const payload = readOdc(gunzipSync(await readFile(join(dir, "compliance-agent.pkg", "Payload"))));
    expect((info.payload as { numberOfFiles: string }).numberOfFiles).toBe(String(payload.length));
  });

  it("carries a root-owned payload with both vendor Node.js binaries, and a Bom that lists exactly it", async () => {
    const payload = readOdc(gunzipSync(await readFile(join(dir, "compliance-agent.pkg", "Payload"))));
    expect(payload.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    const byName = new Map(payload.map((e) => [e.name, e]));
    for (const [name, magic] of [
      ["./Library/WeGroup/ComplianceAgent/node-x64", "cffaedfe07000001"], // Mach-O 64-bit, x86_64
      ["./Library/WeGroup/ComplianceAgent/node-arm64", "cffaedfe0c000001"], // Mach-O 64-bit, arm64
    ] as const) {
      const e = byName.get(name);
      expect(e?.data.subarray(0, 8).toString("hex"), name).toBe(magic);
      expect((e?.mode ?? 0) & 0o777).toBe(0o755);
    }
    for (const name of [
      "./Library/WeGroup/ComplianceAgent/agent.cjs",
      "./Library/WeGroup/ComplianceAgent/prebuilds/darwin-x64+arm64/node.napi.node",
      "./Library/WeGroup/ComplianceAgent/uninstall.sh",
      "./Library/LaunchDaemons/nl.wegroup.compliance.agent.plist",
      "./usr/local/bin/compliance-agent",
    ])
      expect(byName.has(name), name).toBe(true);
    expect(byName.get("./Library/WeGroup/ComplianceAgent/agent.cjs")?.data.toString("utf8", 0, 200)).toMatch(
      /^\/\/ WeGroup compliance agent \(bundled\)[^\n]*\nprocess\.env\.NODE_USB_PATH \?\?= __dirname;/,
    );

    const bom = readBom(await readFile(join(dir, "compliance-agent.pkg", "Bom")));
    expect(bom.vars).toEqual(["BomInfo", "Paths", "HLIndex", "VIndex", "Size64"]);
    expect(bom.paths.map((p) => p.path).sort()).toEqual(payload.map((e) => e.name).sort());
    for (const p of bom.paths) {
      const e = byName.get(p.path);
      expect(p.mode, p.path).toBe(e?.mode);
      expect([p.uid, p.gid]).toEqual([0, 0]);
      if (p.type === 1) {
        expect(p.size, p.path).toBe(e?.data.length);
        const ck = await sh("cksum", [], { input: e?.data });
        expect(p.checksum, p.path).toBe(Number(ck.stdout.split(" ")[0]));
      } else expect(p.type, p.path).toBe(2);
    }
  });

  it("has a LaunchDaemon that validates, runs the launcher as root at load and keeps it alive", async () => {
    const payload = readOdc(gunzipSync(await readFile(join(dir, "compliance-agent.pkg", "Payload"))));
    const text = payload.find((e) => e.name === "./Library/LaunchDaemons/nl.wegroup.compliance.agent.plist")?.data.toString("utf8") ?? "";
    expect(xml.parse(text)).toHaveProperty("plist");
    const daemon = plist.parse(text) as Record<string, unknown>;
    expect(daemon).toMatchObject({
      Label: "nl.wegroup.compliance.agent",
      RunAtLoad: true,
      KeepAlive: true,
      ProgramArguments: ["/Library/WeGroup/ComplianceAgent/compliance-agent-service"],
    });
    expect(daemon).not.toHaveProperty("UserName"); // root
    const launcher =
      payload.find((e) => e.name === "./Library/WeGroup/ComplianceAgent/compliance-agent-service")?.data.toString("utf8") ?? "";
    expect(launcher).toMatch(/arm64\) node="\$dir\/node-arm64"/);
    expect(launcher).toContain("--jitless --max-old-space-size=64 --max-semi-space-size=1");
  });

  it("runs its scripts against a target volume: postinstall locks the state dir and a dropped enroll.json to root, preinstall leaves the reason upgrade, uninstall.sh is valid sh", async () => {
    const scripts = readOdc(gunzipSync(await readFile(join(dir, "compliance-agent.pkg", "Scripts"))));
    expect(scripts.map((s) => s.name).sort()).toEqual([".", "./postinstall", "./preinstall"]);
    const volume = join(dir, "volume");
    const state = join(volume, "Library", "Application Support", "ComplianceAgent");
    await mkdir(state, { recursive: true });
    await mkdir(join(volume, "Library", "LaunchDaemons"), { recursive: true });
    await writeFile(join(volume, "Library", "LaunchDaemons", "nl.wegroup.compliance.agent.plist"), "<plist/>");
    await writeFile(join(state, "enroll.json"), '{"server":"https://c.example","secret":"s"}', { mode: 0o644 });
    for (const s of scripts.filter((s) => s.name !== ".")) await writeFile(join(dir, s.name), s.data, { mode: s.mode & 0o777 });
    const pre = await sh("/bin/sh", [join(dir, "preinstall"), pkg, "/", volume]);
    expect(pre.code, pre.stderr).toBe(0);
    expect(await readFile(join(state, "goodbye-reason"), "utf8")).toBe("upgrade\n");
    const post = await sh("/bin/sh", [join(dir, "postinstall"), pkg, "/", volume]);
    expect(post.code, post.stderr).toBe(0);
    expect((await stat(state)).mode & 0o777).toBe(0o700);
    expect((await stat(join(state, "enroll.json"))).mode & 0o777).toBe(0o600);
    expect((await sh("/bin/sh", ["-n", join(ROOT, "installers", "macos", "uninstall.sh")])).code).toBe(0);
  });
});
