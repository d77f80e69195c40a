import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseAuthenticodeSignatures, samePath, verifiedSigner, type AuthenticodeSignature } from "./authenticode.js";

const CATALOG = "windows/authenticode/pester-bat-catalog-signed-ms-windows-format-list.txt";
const UNKNOWN = "windows/authenticode/nanoserver-pester-psd1-unknownerror-list.txt";
const TABLE = "windows/authenticode/applytrustoffline-table-thumbprint-only.txt";

describe("parseAuthenticodeSignatures", () => {
  it("reads pester-bat-catalog-signed-ms-windows-format-list.txt: the signer block's subject, a Valid catalog signature of an OS file", () => {
    expect(parseAuthenticodeSignatures(fixtureText(CATALOG), CATALOG)).toEqual([
      {
        path: "C:\\Program Files\\WindowsPowerShell\\Modules\\Pester\\3.4.0\\bin\\Pester.bat",
        status: "Valid",
        statusMessage: "Signature verified.",
        signatureType: "Catalog",
        isOSBinary: true,
        signerSubject: "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US",
        signerThumbprint: "14590DC5C3AAF238FCFD7785B4B93F4071402C34",
      },
    ]);
  });

  it("gives a Valid signature's subject CN as signer and O as publisher", () => {
    const [signature] = parseAuthenticodeSignatures(fixtureText(CATALOG), CATALOG);
    expect(verifiedSigner(signature as AuthenticodeSignature)).toEqual({ signer: "Microsoft Windows", publisher: "Microsoft Corporation" });
  });

  it("reads nanoserver-pester-psd1-unknownerror-list.txt: no signer, UnknownError, the wrapped message joined — nobody verified", () => {
    const signatures = parseAuthenticodeSignatures(fixtureText(UNKNOWN), UNKNOWN);
    expect(signatures).toEqual([
      {
        path: "C:\\Program Files\\PowerShell\\Modules\\Pester\\Pester.psd1",
        status: "UnknownError",
        statusMessage: "The form specified for the subject is not one supported or known by the specified trust provider",
        signatureType: "None",
        isOSBinary: false,
      },
    ]);
    expect(verifiedSigner(signatures[0] as AuthenticodeSignature)).toBeUndefined();
  });

  it("reads applytrustoffline-table-thumbprint-only.txt: the table view has a thumbprint and no subject, so no signer", () => {
    const signatures = parseAuthenticodeSignatures(fixtureText(TABLE), TABLE);
    expect(signatures).toEqual([
      {
        path: "C:\\Windows\\System32\\ApplyTrustOffline.exe",
        status: "Valid",
        statusMessage: "Signature verified.",
        signerThumbprint: "84EC67B9AC9D7789BAB500503A7862173F432ADB",
      },
    ]);
    expect(verifiedSigner(signatures[0] as AuthenticodeSignature)).toBeUndefined();
  });

  it("reads several objects in one list, told apart by SignerCertificate coming round again", () => {
    const text = `${fixtureText(CATALOG)}\n\n${fixtureText(UNKNOWN)}\n${fixtureText(CATALOG).replace("Pester.bat", "Other.bat")}`;
    expect(parseAuthenticodeSignatures(text, "x").map((s) => [s.path.split("\\").pop(), s.status])).toEqual([
      ["Pester.bat", "Valid"],
      ["Pester.psd1", "UnknownError"],
      ["Other.bat", "Valid"],
    ]);
  });

  it("joins a subject wrapped at a space, as a narrow console prints it", () => {
    const narrow = fixtureText(CATALOG).replace(
      "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US",
      "CN=Microsoft Windows, O=Microsoft\n                         Corporation, L=Redmond, S=Washington, C=US",
    );
    const [signature] = parseAuthenticodeSignatures(narrow, "x");
    expect(verifiedSigner(signature as AuthenticodeSignature)).toEqual({ signer: "Microsoft Windows", publisher: "Microsoft Corporation" });
  });

  it.each(["NotSigned", "HashMismatch", "NotTrusted", "UnknownError"])(
    "gives no signer for a %s signature, whatever its certificate says",
    (status) => {
      const [signature] = parseAuthenticodeSignatures(
        fixtureText(CATALOG).replace("Status                 : Valid", `Status                 : ${status}`),
        "x",
      );
      expect(signature?.status).toBe(status);
      expect(verifiedSigner(signature as AuthenticodeSignature)).toBeUndefined();
    },
  );

  it("reads empty output (every file gone) as no signatures", () => {
    expect(parseAuthenticodeSignatures("\r\n", "x")).toEqual([]);
  });

  it.each([
    ["an error message", "Get-AuthenticodeSignature : Cannot find path 'C:\\x.exe' because it does not exist.\n"],
    ["a record without a Status", "SignerCertificate :\nPath : C:\\x.exe\n"],
    ["an indented line first", "   [Subject]\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseAuthenticodeSignatures(text, "x")).toThrow(ParseError);
  });
});

describe("samePath", () => {
  it.each([
    ["C:\\Program Files\\Nmap\\uninstall.exe", "c:\\program files\\nmap\\UNINSTALL.EXE", true],
    ["C:\\Program Files\\Nmap\\uninstall.exe", "C:\\ProgramFiles\\Nmap\\uninstall.exe", true],
    ["C:\\Program Files\\Nmap\\uninstall.exe", "C:\\Program Files\\Nmap\\nmap.exe", false],
  ])("%s and %s: %s (case and wrapping whitespace do not count)", (a, b, same) => {
    expect(samePath(a, b)).toBe(same);
  });
});
