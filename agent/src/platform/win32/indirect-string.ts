// Registry "indirect strings" (`@file,-id` / `@inf,%key%;fallback`): what a name reads as without loading the resource.

/**
 * `@oem38.inf,%NPF_Desc_Standard%;Npcap Packet Driver (NPCAP)` names a resource and, after the
 * `;`, the text to show when it cannot be loaded: that fallback is the name. Without a fallback
 * (`@%SystemRoot%\system32\shell32.dll,-22067`) the value is returned as it is.
 */
export function indirectFallback(value: string): string {
  if (!value.startsWith("@")) return value;
  const cut = value.lastIndexOf(";");
  return cut < 0 ? value : value.slice(cut + 1).trim();
}
