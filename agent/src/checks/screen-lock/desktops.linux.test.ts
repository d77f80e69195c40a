import { describe, expect, it } from "vitest";
import { desktopFamily, desktopKeys, GSETTINGS_DESKTOPS } from "./desktops.linux.js";

describe("desktopFamily", () => {
  it.each([
    ["GNOME", "gnome"],
    ["ubuntu:GNOME", "gnome"],
    ["pop:GNOME", "gnome"],
    ["Budgie:GNOME", "gnome"],
    ["Unity:Unity7:ubuntu", "gnome"],
    ["X-Cinnamon", "cinnamon"],
    ["KDE", "kde"],
    ["xfce", "xfce"],
    ["XFCE", "xfce"],
    ["MATE", "mate"],
    ["i3", undefined],
    ["sway", undefined],
    [undefined, undefined],
  ])("%s -> %s", (desktop, family) => {
    expect(desktopFamily(desktop)).toBe(family);
  });
});

describe("GSETTINGS_DESKTOPS", () => {
  it("has each desktop's dconf dump directory cover all of its keys", () => {
    for (const desktop of Object.values(GSETTINGS_DESKTOPS)) {
      for (const key of desktopKeys(desktop)) expect(key.dir.startsWith(desktop.dumpDir), `${desktop.family} ${key.key}`).toBe(true);
    }
  });

  it("knows the schema defaults that differ between desktops", () => {
    expect(GSETTINGS_DESKTOPS.gnome.idleDelay.fallback).toBe(300);
    expect(GSETTINGS_DESKTOPS.cinnamon.idleDelay.fallback).toBe(900);
    expect(GSETTINGS_DESKTOPS.mate.idleDelay).toMatchObject({ fallback: 5, unitSeconds: 60 });
    expect(GSETTINGS_DESKTOPS.mate.lockDelay).toMatchObject({ fallback: 0, unitSeconds: 60 });
  });
});
