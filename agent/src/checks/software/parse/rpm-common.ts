// What the rpm formats share: the package row, `(none)`, source rpm names, signature key ids, NEVRA strings.
import type { InstalledPackage } from "../facts.js";

/** One installed rpm as the parsers read it. */
export interface RpmPackage extends InstalledPackage {
  source: "rpm";
  /** The source package it was built from (`bind` for bind-libs), from its SOURCERPM. */
  sourcePackage?: string;
  /** The key ids (lower-case hex) its header signature names: [] when unsigned; absent when the output has no signature. */
  signingKeys?: string[];
  /** A `gpg-pubkey` entry (an imported signing key): the key's user id, e.g. `CentOS-7 Key (…) <security@centos.org>`. */
  keyUserId?: string;
}

/** `(none)` is how rpm prints an absent tag. */
export function present(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === "" || v === "(none)" ? undefined : v;
}

export interface RpmFields {
  name: string;
  epoch?: string | undefined;
  version: string;
  release?: string | undefined;
  arch?: string | undefined;
  vendor?: string | undefined;
  sourceRpm?: string | undefined;
  /** The signature text; undefined when the output has none at all. */
  signature?: string | undefined;
  /** gpg-pubkey only: `gpg(<user id>)` (Summary) or the bare user id (Packager). */
  keyUserId?: string | undefined;
}

export function toPackage(f: RpmFields): RpmPackage {
  const e = present(f.epoch);
  const pkg: RpmPackage = {
    name: f.name,
    version: `${e !== undefined ? `${e}:` : ""}${f.version}${f.release !== undefined ? `-${f.release}` : ""}`,
    source: "rpm",
  };
  const a = present(f.arch);
  if (a !== undefined) pkg.arch = a;
  const v = present(f.vendor);
  if (v !== undefined) pkg.publisher = v;
  const from = sourcePackageOf(f.sourceRpm);
  if (from !== undefined) pkg.sourcePackage = from;
  if (f.signature !== undefined) pkg.signingKeys = signingKeysOf(f.signature);
  const uid = present(f.keyUserId);
  if (f.name === "gpg-pubkey" && uid !== undefined) pkg.keyUserId = /^gpg\((.*)\)$/.exec(uid)?.[1] ?? uid;
  return pkg;
}

/** `bind-9.11.4-26.P2.el7_9.10.src.rpm` → `bind`. */
export function sourcePackageOf(sourceRpm: string | undefined): string | undefined {
  const file = present(sourceRpm);
  if (file === undefined) return undefined;
  return /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(file)?.[1];
}

/** `RSA/SHA256, Thu 03 Jul 2014 06:39:25 PM MDT, Key ID 24c6a8a7f4a80eb5` → ["24c6a8a7f4a80eb5"]; rpm ≥ 4.20 may list several. */
export function signingKeysOf(signature: string): string[] {
  return [...signature.matchAll(/\bKey ID ([0-9a-fA-F]{8,40})\b/g)].map((m) => (m[1] ?? "").toLowerCase());
}

export const NEVRA = /^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)\.([A-Za-z0-9_]+)$/;
export const RPM_ARCHES = new Set([
  "x86_64",
  "noarch",
  "i386",
  "i486",
  "i586",
  "i686",
  "aarch64",
  "ppc64le",
  "ppc64",
  "s390x",
  "armv7hl",
  "armv7l",
  "armhfp",
  "riscv64",
  "src",
]);

/** `name-[epoch:]version-release.arch` → its parts, or undefined when the line is not one. */
export function splitNevra(text: string): RpmFields | undefined {
  const m = NEVRA.exec(text.trim());
  if (m === null || !RPM_ARCHES.has(m[5] ?? "")) return undefined;
  return { name: m[1] ?? "", epoch: m[2], version: m[3] ?? "", release: m[4] ?? "", arch: m[5] };
}
