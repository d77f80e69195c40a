// Files and folders whose modification time changes whenever software is installed or removed, per OS.
import type { Platform } from "@wegroup/shared";

export const PACKAGE_DATABASES: Readonly<Record<Platform, readonly string[]>> = {
  linux: [
    "/var/lib/dpkg/status",
    "/var/lib/rpm",
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    "/var/lib/snapd/state.json",
    "/var/lib/flatpak/app",
  ],
  darwin: [
    "/Applications",
    "/Library/Receipts/InstallHistory.plist",
    "/opt/homebrew/Cellar",
    "/opt/homebrew/Caskroom",
    "/usr/local/Cellar",
    "/usr/local/Caskroom",
  ],
  // The registry has no cheap change stamp from Node: Windows always re-reads (it is one reg query).
  win32: [],
};
