// An application bundle's Contents/Info.plist (XML or binary): its bundle identifier and version.
import { decodePlist, expectDict } from "../../../platform/darwin/plist.js";
import { plistString } from "../../../platform/darwin/plist-value.js";

export interface BundleInfo {
  bundleId?: string;
  /** CFBundleShortVersionString: the version people see ("15.6"). */
  shortVersion?: string;
  /** CFBundleVersion: the build ("17613.3.9.1.5"). */
  bundleVersion?: string;
  name?: string;
}

export function parseInfoPlist(bytes: Buffer, source: string): BundleInfo {
  const dict = expectDict(decodePlist(bytes, source), source);
  const info: BundleInfo = {};
  const fields: [keyof BundleInfo, string][] = [
    ["bundleId", "CFBundleIdentifier"],
    ["shortVersion", "CFBundleShortVersionString"],
    ["bundleVersion", "CFBundleVersion"],
    ["name", "CFBundleName"],
  ];
  for (const [field, key] of fields) {
    const value = plistString(dict, key);
    if (value !== undefined) info[field] = value;
  }
  return info;
}
